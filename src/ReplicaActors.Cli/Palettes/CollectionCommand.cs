using System.CommandLine;
using MongoDB.Bson;
using ReplicaActors.Cli.Arguments;
using ReplicaActors.Cli.Output;
using ReplicaActors.Protocol;

namespace ReplicaActors.Cli.Palettes;

/// <summary>
/// The shape shared by commands on one collection: NS is the first argument, the command document is
/// <c>{ commandName: collection, ...fields, ...options }</c>, and it is sent to NS's database.
/// </summary>
public static class CollectionCommand
{
    public static Command Create(
        CommandRunner runner,
        string name,
        string description,
        string commandName,
        IEnumerable<Argument> arguments,
        IEnumerable<Option> flags,
        ICommandOptions? passThrough,
        Func<ParseResult, BsonDocument> fields,
        Action<CommandRequest, BsonDocument, CliOutput> render,
        Func<BsonDocument, BsonValue>? jsonOf = null)
    {
        var ns = NamespaceArgument.Create();
        var command = new Command(name, description) { ns };
        foreach (var argument in arguments) command.Add(argument);
        foreach (var flag in flags) command.Add(flag);
        passThrough?.AddTo(command);
        runner.Bind(command, new CliCommand(
            parseResult =>
            {
                var target = NamespaceArgument.Parse(parseResult.GetRequiredValue(ns));
                var body = new BsonDocument(commandName, target.Collection).AddRange(fields(parseResult));
                passThrough?.Apply(parseResult, body);
                return new CommandRequest(target.Db, body);
            },
            render,
            jsonOf ?? CliCommand.WithoutOk)
        {
            ReadPreferenceOf = parseResult => passThrough?.ReadPreferenceOf(parseResult),
        });
        return command;
    }

    /// <summary>"db.collection" of a request built here.</summary>
    public static string Namespace(CommandRequest request) => $"{request.Db}.{request.Command[0].AsString}";
}
