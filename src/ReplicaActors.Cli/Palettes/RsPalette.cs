using System.CommandLine;
using MongoDB.Bson;
using ReplicaActors.Cli.Arguments;
using ReplicaActors.Cli.Output;
using ReplicaActors.Protocol;
using Spectre.Console;

namespace ReplicaActors.Cli.Palettes;

/// <summary>The <c>rs</c> palette: replica set commands, all sent to the admin database.</summary>
public static class RsPalette
{
    private const string Admin = "admin";

    public static Command Create(CommandRunner runner) => new("rs", "Replica set: roles, members, configuration")
    {
        Hello(runner),
        Status(runner),
        Initiate(runner),
        Conf(runner),
    };

    private static Command Hello(CommandRunner runner) =>
        Simple(runner, "hello", "Show the member's role and the set's topology as it sees it", "hello",
            (_, reply, output) => KeyValueTable.Render(reply, output.Console));

    private static Command Status(CommandRunner runner) =>
        Simple(runner, "status", "Show every member's state, optime, lag and heartbeat", "replSetGetStatus",
            (_, reply, output) => StatusView.Render(reply, output.Console));

    private static Command Initiate(CommandRunner runner)
    {
        var file = new Argument<string?>("config.json")
        {
            Description = "Replica set config as a JSON file; without it the member initiates a set of itself",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("initiate", "Initiate the replica set") { file };
        runner.Bind(command, new CliCommand(
            parseResult => new CommandRequest(Admin, new BsonDocument(
                "replSetInitiate",
                parseResult.GetValue(file) is { } path ? ConfigFile.Read(path) : BsonNull.Value)),
            (_, _, output) => output.Console.WriteLine("replica set initiated")));
        return command;
    }

    private static Command Conf(CommandRunner runner) =>
        Simple(runner, "conf", "Show the replica set config", "replSetGetConfig",
            (_, reply, output) => output.Out.WriteLine(ExtendedJson.FormatIndented(
                reply.TryGetValue("config", out var config) ? config : CliCommand.WithoutOk(reply))));

    /// <summary>A command without arguments: <c>{ commandName: 1 }</c> on admin.</summary>
    private static Command Simple(
        CommandRunner runner, string name, string description, string commandName, Action<CommandRequest, BsonDocument, CliOutput> render)
    {
        var command = new Command(name, description);
        runner.Bind(command, new CliCommand(_ => new CommandRequest(Admin, new BsonDocument(commandName, 1)), render));
        return command;
    }
}
