using System.CommandLine;
using MongoDB.Bson;
using ReplicaActors.Cli.Arguments;
using ReplicaActors.Cli.Output;
using ReplicaActors.Protocol;
using Spectre.Console;

namespace ReplicaActors.Cli.Palettes;

/// <summary>Index commands: createIndex, dropIndex, indexes.</summary>
public static class DbIndexCommands
{
    public static IEnumerable<Command> Create(CommandRunner runner) => [CreateIndex(runner), DropIndex(runner), Indexes(runner)];

    private static Command CreateIndex(CommandRunner runner)
    {
        var ns = NamespaceArgument.Create();
        var keys = JsonArgument.Create("KEYS", "Index key document, e.g. {email: 1}");
        var unique = new Option<bool>("--unique") { Description = "Refuse documents that repeat a key" };
        var name = new Option<string?>("--name") { Description = "Index name (default: derived from the keys by the server)", HelpName = "NAME" };
        var writeConcern = new WriteConcernOptions();
        var command = new Command("createIndex", "Create an index") { ns, keys, unique, name };
        writeConcern.AddTo(command);
        runner.Bind(command, new CliCommand(
            parseResult =>
            {
                var target = NamespaceArgument.Parse(parseResult.GetRequiredValue(ns));
                var index = new BsonDocument("key", JsonArgument.Document("KEYS", parseResult.GetRequiredValue(keys)));
                if (parseResult.GetValue(name) is { } n) index["name"] = n;
                if (parseResult.GetValue(unique)) index["unique"] = true;
                var body = new BsonDocument { { "createIndexes", target.Collection }, { "indexes", new BsonArray { index } } };
                writeConcern.Apply(parseResult, body);
                return new CommandRequest(target.Db, body);
            },
            (request, reply, output) => output.Console.WriteLine(CreateIndexSummary(request, reply))));
        return command;
    }

    private static string CreateIndexSummary(CommandRequest request, BsonDocument reply)
    {
        var before = ReplyFields.Long(reply, "numIndexesBefore");
        var after = ReplyFields.Long(reply, "numIndexesAfter");
        var ns = $"{request.Db}.{request.Command["createIndexes"].AsString}";
        var summary = after > before ? $"created index on {ns} ({after} index(es) now)" : $"index already exists on {ns}";
        return reply.TryGetValue("createdCollectionAutomatically", out var created) && created.ToBoolean()
            ? $"{summary}; created the collection"
            : summary;
    }

    private static Command DropIndex(CommandRunner runner)
    {
        var ns = NamespaceArgument.Create();
        var name = new Argument<string>("NAME") { Description = "Index name, as listed by 'db indexes'" };
        var writeConcern = new WriteConcernOptions();
        var command = new Command("dropIndex", "Drop an index") { ns, name };
        writeConcern.AddTo(command);
        runner.Bind(command, new CliCommand(
            parseResult =>
            {
                var target = NamespaceArgument.Parse(parseResult.GetRequiredValue(ns));
                var body = new BsonDocument { { "dropIndexes", target.Collection }, { "index", parseResult.GetRequiredValue(name) } };
                writeConcern.Apply(parseResult, body);
                return new CommandRequest(target.Db, body);
            },
            (request, _, output) => output.Console.WriteLine(
                $"dropped index {request.Command["index"].AsString} from {request.Db}.{request.Command["dropIndexes"].AsString}")));
        return command;
    }

    private static Command Indexes(CommandRunner runner)
    {
        var ns = NamespaceArgument.Create();
        var command = new Command("indexes", "List a collection's indexes") { ns };
        runner.Bind(command, new CliCommand(
            parseResult =>
            {
                var target = NamespaceArgument.Parse(parseResult.GetRequiredValue(ns));
                return new CommandRequest(target.Db, new BsonDocument("listIndexes", target.Collection));
            },
            (_, reply, output) => DocumentTable.Render(ReplyFields.FirstBatch(reply), output.Console, "no indexes")));
        return command;
    }
}
