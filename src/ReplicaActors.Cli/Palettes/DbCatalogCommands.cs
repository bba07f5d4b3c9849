using System.CommandLine;
using MongoDB.Bson;
using ReplicaActors.Cli.Arguments;
using ReplicaActors.Cli.Output;
using ReplicaActors.Protocol;
using ReplicaActors.Storage;
using Spectre.Console;

namespace ReplicaActors.Cli.Palettes;

/// <summary>Catalog commands: list and drop databases and collections.</summary>
public static class DbCatalogCommands
{
    public static IEnumerable<Command> Create(CommandRunner runner) =>
        [Databases(runner), Collections(runner), Drop(runner), DropDatabase(runner)];

    private static Command Databases(CommandRunner runner)
    {
        var command = new Command("dbs", "List databases");
        runner.Bind(command, new CliCommand(
            _ => new CommandRequest("admin", new BsonDocument("listDatabases", 1)),
            (_, reply, output) =>
            {
                DocumentTable.Render(ReplyFields.Documents(reply, "databases"), output.Console, "no databases");
                output.Console.WriteLine($"total size: {ReplyFields.Long(reply, "totalSize")} bytes");
            }));
        return command;
    }

    private static Command Collections(CommandRunner runner)
    {
        var db = NamespaceArgument.CreateDatabase();
        var command = new Command("collections", "List a database's collections") { db };
        runner.Bind(command, new CliCommand(
            parseResult => new CommandRequest(
                NamespaceArgument.Database(parseResult.GetRequiredValue(db)),
                new BsonDocument("listCollections", 1)),
            (_, reply, output) => DocumentTable.Render(ReplyFields.FirstBatch(reply), output.Console, "no collections")));
        return command;
    }

    private static Command Drop(CommandRunner runner) =>
        CollectionCommand.Create(
            runner, "drop", "Drop a collection and its indexes", "drop", [], [], new WriteConcernOptions(),
            _ => [],
            (request, _, output) => output.Console.WriteLine($"dropped collection {CollectionCommand.Namespace(request)}"));

    private static Command DropDatabase(CommandRunner runner)
    {
        var db = NamespaceArgument.CreateDatabase();
        var writeConcern = new WriteConcernOptions();
        var command = new Command("dropDatabase", "Drop a database and all its collections") { db };
        writeConcern.AddTo(command);
        runner.Bind(command, new CliCommand(
            parseResult =>
            {
                var body = new BsonDocument("dropDatabase", 1);
                writeConcern.Apply(parseResult, body);
                return new CommandRequest(NamespaceArgument.Database(parseResult.GetRequiredValue(db)), body);
            },
            (request, _, output) => output.Console.WriteLine($"dropped database {request.Db}")));
        return command;
    }
}
