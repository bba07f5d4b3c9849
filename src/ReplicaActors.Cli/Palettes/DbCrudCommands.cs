using System.CommandLine;
using MongoDB.Bson;
using ReplicaActors.Cli.Arguments;
using ReplicaActors.Cli.Output;
using ReplicaActors.Protocol;
using Spectre.Console;

namespace ReplicaActors.Cli.Palettes;

/// <summary>Document commands: insert, find, update, delete, count.</summary>
public static class DbCrudCommands
{
    public static IEnumerable<Command> Create(CommandRunner runner) =>
        [Insert(runner), Find(runner), Update(runner), Delete(runner), Count(runner)];

    private static Command Insert(CommandRunner runner)
    {
        var ns = NamespaceArgument.Create();
        var documents = JsonArgument.Create("JSON", "A document or an array of documents");
        var writeConcern = new WriteConcernOptions();
        var command = new Command("insert", "Insert documents") { ns, documents };
        writeConcern.AddTo(command);
        runner.Bind(command, new CliCommand(
            parseResult =>
            {
                var target = NamespaceArgument.Parse(parseResult.GetRequiredValue(ns));
                var body = new BsonDocument
                {
                    { "insert", target.Collection },
                    { "documents", new BsonArray(JsonArgument.Documents("JSON", parseResult.GetRequiredValue(documents))) },
                    { "ordered", true },
                };
                writeConcern.Apply(parseResult, body);
                return new CommandRequest(target.Db, body);
            },
            (_, reply, output) => WriteResultView.Render(
                $"inserted {ReplyFields.Long(reply, "n")} document(s)", reply, output.Console)));
        return command;
    }

    private static Command Find(CommandRunner runner)
    {
        var ns = NamespaceArgument.Create();
        var filter = JsonArgument.CreateOptional("FILTER", "Query filter document (default {})");
        var sort = new Option<string?>("--sort") { Description = "Sort document, e.g. {age: -1}", HelpName = "JSON" };
        var limit = new Option<int?>("--limit") { Description = "Return at most this many documents", HelpName = "N" };
        var skip = new Option<int?>("--skip") { Description = "Skip this many documents first", HelpName = "N" };
        var projection = new Option<string?>("--projection") { Description = "Projection document, e.g. {name: 1}", HelpName = "JSON" };
        var read = new ReadOptions();
        var command = new Command("find", "Find documents") { ns, filter, sort, limit, skip, projection };
        read.AddTo(command);
        runner.Bind(command, new CliCommand(
            parseResult =>
            {
                var target = NamespaceArgument.Parse(parseResult.GetRequiredValue(ns));
                var body = new BsonDocument
                {
                    { "find", target.Collection },
                    { "filter", JsonArgument.DocumentOrEmpty("FILTER", parseResult.GetValue(filter)) },
                };
                if (parseResult.GetValue(sort) is { } s) body["sort"] = JsonArgument.Document("--sort", s);
                if (parseResult.GetValue(skip) is { } n) body["skip"] = n;
                if (parseResult.GetValue(limit) is { } l) body["limit"] = l;
                if (parseResult.GetValue(projection) is { } p) body["projection"] = JsonArgument.Document("--projection", p);
                read.Apply(parseResult, body);
                return new CommandRequest(target.Db, body);
            },
            (_, reply, output) => DocumentTable.Render(ReplyFields.FirstBatch(reply), output.Console, "no documents"),
            reply => new BsonArray(ReplyFields.FirstBatch(reply))));
        return command;
    }

    private static Command Update(CommandRunner runner)
    {
        var ns = NamespaceArgument.Create();
        var filter = JsonArgument.Create("FILTER", "Query filter document");
        var update = JsonArgument.Create("UPDATE", "Update document ({$set: ...}) or replacement document");
        var multi = new Option<bool>("--multi") { Description = "Update every matching document, not just the first" };
        var upsert = new Option<bool>("--upsert") { Description = "Insert a document when none matches" };
        var writeConcern = new WriteConcernOptions();
        var command = new Command("update", "Update documents") { ns, filter, update, multi, upsert };
        writeConcern.AddTo(command);
        runner.Bind(command, new CliCommand(
            parseResult =>
            {
                var target = NamespaceArgument.Parse(parseResult.GetRequiredValue(ns));
                var statement = new BsonDocument
                {
                    { "q", JsonArgument.Document("FILTER", parseResult.GetRequiredValue(filter)) },
                    { "u", JsonArgument.Document("UPDATE", parseResult.GetRequiredValue(update)) },
                    { "multi", parseResult.GetValue(multi) },
                    { "upsert", parseResult.GetValue(upsert) },
                };
                var body = new BsonDocument { { "update", target.Collection }, { "updates", new BsonArray { statement } } };
                writeConcern.Apply(parseResult, body);
                return new CommandRequest(target.Db, body);
            },
            (_, reply, output) => WriteResultView.Render(UpdateSummary(reply), reply, output.Console)));
        return command;
    }

    private static string UpdateSummary(BsonDocument reply)
    {
        var upserted = ReplyFields.Documents(reply, "upserted")
            .Select(u => u.TryGetValue("_id", out var id) ? ExtendedJson.Format(id) : "?")
            .ToList();
        var summary = $"matched {ReplyFields.Long(reply, "n") - upserted.Count}, modified {ReplyFields.Long(reply, "nModified")} document(s)";
        return upserted.Count == 0 ? summary : $"{summary}, upserted _id {string.Join(", ", upserted)}";
    }

    private static Command Delete(CommandRunner runner)
    {
        var ns = NamespaceArgument.Create();
        var filter = JsonArgument.Create("FILTER", "Query filter document");
        var multi = new Option<bool>("--multi") { Description = "Delete every matching document, not just the first" };
        var writeConcern = new WriteConcernOptions();
        var command = new Command("delete", "Delete documents") { ns, filter, multi };
        writeConcern.AddTo(command);
        runner.Bind(command, new CliCommand(
            parseResult =>
            {
                var target = NamespaceArgument.Parse(parseResult.GetRequiredValue(ns));
                var statement = new BsonDocument
                {
                    { "q", JsonArgument.Document("FILTER", parseResult.GetRequiredValue(filter)) },
                    { "limit", parseResult.GetValue(multi) ? 0 : 1 },
                };
                var body = new BsonDocument { { "delete", target.Collection }, { "deletes", new BsonArray { statement } } };
                writeConcern.Apply(parseResult, body);
                return new CommandRequest(target.Db, body);
            },
            (_, reply, output) => WriteResultView.Render(
                $"deleted {ReplyFields.Long(reply, "n")} document(s)", reply, output.Console)));
        return command;
    }

    private static Command Count(CommandRunner runner)
    {
        var ns = NamespaceArgument.Create();
        var filter = JsonArgument.CreateOptional("FILTER", "Query filter document (default {})");
        var read = new ReadOptions();
        var command = new Command("count", "Count matching documents") { ns, filter };
        read.AddTo(command);
        runner.Bind(command, new CliCommand(
            parseResult =>
            {
                var target = NamespaceArgument.Parse(parseResult.GetRequiredValue(ns));
                var body = new BsonDocument
                {
                    { "count", target.Collection },
                    { "query", JsonArgument.DocumentOrEmpty("FILTER", parseResult.GetValue(filter)) },
                };
                read.Apply(parseResult, body);
                return new CommandRequest(target.Db, body);
            },
            (_, reply, output) => output.Console.WriteLine(ReplyFields.Long(reply, "n").ToString()),
            reply => reply.GetValue("n", 0)));
        return command;
    }
}
