using System.CommandLine;
using MongoDB.Bson;
using ReplicaActors.Cli.Arguments;
using ReplicaActors.Cli.Output;
using ReplicaActors.Storage;
using Spectre.Console;

namespace ReplicaActors.Cli.Palettes;

/// <summary>Document commands: insert, find, update, delete, count.</summary>
public static class DbCrudCommands
{
    public static IEnumerable<Command> Create(CommandRunner runner) =>
        [Insert(runner), Find(runner), Update(runner), Delete(runner), Count(runner)];

    private static Command Insert(CommandRunner runner)
    {
        var documents = JsonArgument.Create("DOCUMENTS", "A document or an array of documents (@FILE reads a file, - reads stdin)");
        return CollectionCommand.Create(
            runner, "insert", "Insert documents", "insert", [documents], [], new WriteConcernOptions(),
            parseResult => new BsonDocument
            {
                { "documents", new BsonArray(JsonArgument.Documents("DOCUMENTS", parseResult.GetRequiredValue(documents))) },
                { "ordered", true },
            },
            (_, reply, output) => WriteResultView.Render($"inserted {ReplyFields.Long(reply, "n")} document(s)", reply, output.Console));
    }

    private static Command Find(CommandRunner runner)
    {
        var filter = JsonArgument.CreateOptional("FILTER", "Query filter document (default {})");
        var sort = new Option<string?>("--sort") { Description = "Sort document, e.g. {age: -1}", HelpName = "JSON" };
        var limit = new Option<int?>("--limit") { Description = "Return at most this many documents", HelpName = "N" };
        var skip = new Option<int?>("--skip") { Description = "Skip this many documents first", HelpName = "N" };
        var projection = new Option<string?>("--projection") { Description = "Projection document, e.g. {name: 1}", HelpName = "JSON" };
        return CollectionCommand.Create(
            runner, "find", "Find documents", "find", [filter], [sort, limit, skip, projection], new ReadOptions(),
            parseResult =>
            {
                var fields = new BsonDocument("filter", JsonArgument.DocumentOrEmpty("FILTER", parseResult.GetValue(filter)));
                if (parseResult.GetValue(sort) is { } s) fields["sort"] = JsonArgument.Document("--sort", s);
                if (parseResult.GetValue(skip) is { } n) fields["skip"] = n;
                if (parseResult.GetValue(limit) is { } l) fields["limit"] = l;
                if (parseResult.GetValue(projection) is { } p) fields["projection"] = JsonArgument.Document("--projection", p);
                return fields;
            },
            (_, reply, output) => DocumentTable.Render(ReplyFields.FirstBatch(reply), output.Console, "no documents"),
            reply => new BsonArray(ReplyFields.FirstBatch(reply)));
    }

    private static Command Update(CommandRunner runner)
    {
        var filter = JsonArgument.Create("FILTER", "Query filter document");
        var update = JsonArgument.Create("UPDATE", "Update document ({$set: ...}) or replacement document");
        var multi = new Option<bool>("--multi") { Description = "Update every matching document, not just the first" };
        var upsert = new Option<bool>("--upsert") { Description = "Insert a document when none matches" };
        return CollectionCommand.Create(
            runner, "update", "Update documents", "update", [filter, update], [multi, upsert], new WriteConcernOptions(),
            parseResult => new BsonDocument("updates", new BsonArray
            {
                new BsonDocument
                {
                    { "q", JsonArgument.Document("FILTER", parseResult.GetRequiredValue(filter)) },
                    { "u", JsonArgument.Document("UPDATE", parseResult.GetRequiredValue(update)) },
                    { "multi", parseResult.GetValue(multi) },
                    { "upsert", parseResult.GetValue(upsert) },
                },
            }),
            (_, reply, output) => WriteResultView.Render(UpdateSummary(reply), reply, output.Console));
    }

    private static string UpdateSummary(BsonDocument reply)
    {
        var upserted = ReplyFields.Documents(reply, "upserted")
            .Select(u => u.TryGetValue("_id", out var id) ? ExtendedJson.Format(id) : "?")
            .ToList();
        // n counts upserted documents too; "matched" means the ones that were already there.
        var summary = $"matched {ReplyFields.Long(reply, "n") - upserted.Count}, modified {ReplyFields.Long(reply, "nModified")} document(s)";
        return upserted.Count == 0 ? summary : $"{summary}, upserted _id {string.Join(", ", upserted)}";
    }

    private static Command Delete(CommandRunner runner)
    {
        var filter = JsonArgument.Create("FILTER", "Query filter document");
        var multi = new Option<bool>("--multi") { Description = "Delete every matching document, not just the first" };
        return CollectionCommand.Create(
            runner, "delete", "Delete documents", "delete", [filter], [multi], new WriteConcernOptions(),
            parseResult => new BsonDocument("deletes", new BsonArray
            {
                new BsonDocument
                {
                    { "q", JsonArgument.Document("FILTER", parseResult.GetRequiredValue(filter)) },
                    { "limit", parseResult.GetValue(multi) ? 0 : 1 },
                },
            }),
            (_, reply, output) => WriteResultView.Render($"deleted {ReplyFields.Long(reply, "n")} document(s)", reply, output.Console));
    }

    private static Command Count(CommandRunner runner)
    {
        var filter = JsonArgument.CreateOptional("FILTER", "Query filter document (default {})");
        return CollectionCommand.Create(
            runner, "count", "Count matching documents", "count", [filter], [], new ReadOptions(),
            parseResult => new BsonDocument("query", JsonArgument.DocumentOrEmpty("FILTER", parseResult.GetValue(filter))),
            (_, reply, output) => output.Console.WriteLine(ReplyFields.Long(reply, "n").ToString()),
            reply => reply.GetValue("n", 0));
    }
}
