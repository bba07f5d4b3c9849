using System.CommandLine;
using MongoDB.Bson;
using ReplicaActors.Cli.Arguments;
using ReplicaActors.Cli.Output;
using ReplicaActors.Protocol;
using ReplicaActors.Storage;
using Spectre.Console;

namespace ReplicaActors.Cli.Palettes;

/// <summary>Index commands: createIndex, dropIndex, indexes.</summary>
public static class DbIndexCommands
{
    public static IEnumerable<Command> Create(CommandRunner runner) => [CreateIndex(runner), DropIndex(runner), Indexes(runner)];

    private static Command CreateIndex(CommandRunner runner)
    {
        var keys = JsonArgument.Create("KEYS", "Index key document, e.g. {email: 1}");
        var unique = new Option<bool>("--unique") { Description = "Refuse documents that repeat a key" };
        var name = new Option<string?>("--name") { Description = "Index name (default: derived from the keys by the server)", HelpName = "NAME" };
        return CollectionCommand.Create(
            runner, "createIndex", "Create an index", "createIndexes", [keys], [unique, name], new WriteConcernOptions(),
            parseResult =>
            {
                var index = new BsonDocument("key", JsonArgument.Document("KEYS", parseResult.GetRequiredValue(keys)));
                if (parseResult.GetValue(name) is { } n) index["name"] = n;
                if (parseResult.GetValue(unique)) index["unique"] = true;
                return new BsonDocument("indexes", new BsonArray { index });
            },
            (request, reply, output) => output.Console.WriteLine(CreateIndexSummary(request, reply)));
    }

    private static string CreateIndexSummary(CommandRequest request, BsonDocument reply)
    {
        var before = ReplyFields.Long(reply, "numIndexesBefore");
        var after = ReplyFields.Long(reply, "numIndexesAfter");
        var ns = CollectionCommand.Namespace(request);
        var summary = after > before ? $"created index on {ns} ({after} index(es) now)" : $"index already exists on {ns}";
        return reply.TryGetValue("createdCollectionAutomatically", out var created) && created.ToBoolean()
            ? $"{summary}; created the collection"
            : summary;
    }

    private static Command DropIndex(CommandRunner runner)
    {
        var name = new Argument<string>("NAME") { Description = "Index name, as listed by 'db indexes'" };
        return CollectionCommand.Create(
            runner, "dropIndex", "Drop an index", "dropIndexes", [name], [], new WriteConcernOptions(),
            parseResult => new BsonDocument("index", parseResult.GetRequiredValue(name)),
            (request, _, output) => output.Console.WriteLine(
                $"dropped index {request.Command["index"].AsString} from {CollectionCommand.Namespace(request)}"));
    }

    private static Command Indexes(CommandRunner runner) =>
        CollectionCommand.Create(
            runner, "indexes", "List a collection's indexes", "listIndexes", [], [], null,
            _ => [],
            (_, reply, output) => DocumentTable.Render(ReplyFields.FirstBatch(reply), output.Console, "no indexes"));
}
