using MongoDB.Bson;
using ReplicaActors.Client;
using ReplicaActors.Protocol;

namespace ReplicaActors.Tests.Cli;

/// <summary>Each command line becomes the right MongoDB command document, sent to the right database.</summary>
public class CommandDocumentTests
{
    public static TheoryData<string, string, string> Commands => new()
    {
        { "rs hello", "admin", "{hello: 1}" },
        { "rs status", "admin", "{replSetGetStatus: 1}" },
        { "rs initiate", "admin", "{replSetInitiate: null}" },
        { "rs conf", "admin", "{replSetGetConfig: 1}" },
        { "rs stepdown", "admin", "{replSetStepDown: 60, secondaryCatchUpPeriodSecs: 10, force: false}" },
        { "rs stepdown 30 --catchup 5 --force", "admin", "{replSetStepDown: 30, secondaryCatchUpPeriodSecs: 5, force: true}" },
        { "rs freeze 120", "admin", "{replSetFreeze: 120}" },
        { "rs freeze 0", "admin", "{replSetFreeze: 0}" },
        { "rs syncfrom h2:27017", "admin", "{replSetSyncFrom: 'h2:27017'}" },
        { "rs stepup", "admin", "{replSetStepUp: 1}" },
        { "rs resync", "admin", "{resync: 1}" },
        { "db insert shop.orders {a:1}", "shop", "{insert: 'orders', documents: [{a: 1}], ordered: true}" },
        { "db insert shop.orders [{a:1},{_id:2}]", "shop", "{insert: 'orders', documents: [{a: 1}, {_id: 2}], ordered: true}" },
        { "db insert shop.orders {a:1} --w majority --wtimeout 500 --j", "shop",
            "{insert: 'orders', documents: [{a: 1}], ordered: true, writeConcern: {w: 'majority', wtimeout: 500, j: true}}" },
        { "db insert shop.orders {a:1} --w 2", "shop", "{insert: 'orders', documents: [{a: 1}], ordered: true, writeConcern: {w: 2}}" },
        { "db insert shop.orders {a:1} --w dc2", "shop", "{insert: 'orders', documents: [{a: 1}], ordered: true, writeConcern: {w: 'dc2'}}" },
        { "db find shop.orders", "shop", "{find: 'orders', filter: {}}" },
        { "db find shop.orders {qty:{$gt:2}} --sort {qty:-1} --limit 5 --skip 10 --projection {qty:1}", "shop",
            "{find: 'orders', filter: {qty: {$gt: 2}}, sort: {qty: -1}, skip: 10, limit: 5, projection: {qty: 1}}" },
        { "db find shop.orders {} --read-concern majority --read-preference primaryPreferred", "shop",
            "{find: 'orders', filter: {}, readConcern: {level: 'majority'}, $readPreference: {mode: 'primaryPreferred'}}" },
        { "db find local.oplog.rs", "local", "{find: 'oplog.rs', filter: {}}" },
        { "db update shop.orders {a:1} {$set:{b:2}}", "shop",
            "{update: 'orders', updates: [{q: {a: 1}, u: {$set: {b: 2}}, multi: false, upsert: false}]}" },
        { "db update shop.orders {a:1} {$set:{b:2}} --multi --upsert --w 1", "shop",
            "{update: 'orders', updates: [{q: {a: 1}, u: {$set: {b: 2}}, multi: true, upsert: true}], writeConcern: {w: 1}}" },
        { "db delete shop.orders {a:1}", "shop", "{delete: 'orders', deletes: [{q: {a: 1}, limit: 1}]}" },
        { "db delete shop.orders {a:1} --multi", "shop", "{delete: 'orders', deletes: [{q: {a: 1}, limit: 0}]}" },
        { "db count shop.orders", "shop", "{count: 'orders', query: {}}" },
        { "db count shop.orders {a:1} --read-concern local", "shop", "{count: 'orders', query: {a: 1}, readConcern: {level: 'local'}}" },
        { "db createIndex shop.orders {email:1}", "shop", "{createIndexes: 'orders', indexes: [{key: {email: 1}}]}" },
        { "db createIndex shop.orders {email:1} --unique --name by_email", "shop",
            "{createIndexes: 'orders', indexes: [{key: {email: 1}, name: 'by_email', unique: true}]}" },
        { "db dropIndex shop.orders by_email", "shop", "{dropIndexes: 'orders', index: 'by_email'}" },
        { "db indexes shop.orders", "shop", "{listIndexes: 'orders'}" },
        { "db dbs", "admin", "{listDatabases: 1}" },
        { "db collections shop", "shop", "{listCollections: 1}" },
        { "db drop shop.orders", "shop", "{drop: 'orders'}" },
        { "db dropDatabase shop --w majority", "shop", "{dropDatabase: 1, writeConcern: {w: 'majority'}}" },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Sends_the_command_document_to_the_database(string commandLine, string db, string expected)
    {
        var transport = new FakeTransport();

        var run = await RsctlRun.Of(transport, ["h1:27017", .. commandLine.Split(' ')]);

        Assert.Equal(0, run.ExitCode);
        var expectedCommand = BsonDocument.Parse(expected);
        // Reads and writes also send the client's hellos; only the command itself is checked here.
        var (host, request, _) = Assert.Single(transport.Sent, s => s.Request.Name == expectedCommand.GetElement(0).Name);
        Assert.Equal("h1:27017", host);
        Assert.Equal(db, request.Db);
        if (CommandRouting.KindOf(request.Name) == CommandKind.Write)
            Assert.True(request.Command["writeId"].IsObjectId, "a write carries a writeId so that a retry cannot apply it twice");
        Assert.Equal(expectedCommand, WithoutWriteId(request.Command));
    }

    [Fact]
    public async Task Initiate_sends_the_config_file_as_the_document()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rsctl-config-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, "{_id: 'rs0', members: [{_id: 0, host: 'h1:27017'}]}");
        try
        {
            var transport = new FakeTransport();

            var run = await RsctlRun.Of(transport, "h1", "rs", "initiate", path);

            Assert.Equal(0, run.ExitCode);
            Assert.Equal(
                BsonDocument.Parse("{replSetInitiate: {_id: 'rs0', members: [{_id: 0, host: 'h1:27017'}]}}"),
                Assert.Single(transport.Sent).Request.Command);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_json_argument_starting_with_at_is_read_from_that_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rsctl-docs-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, "[{_id: 1, s: 'x'}, {_id: 2}]");
        try
        {
            var transport = new FakeTransport();

            var run = await RsctlRun.Of(transport, "h1", "db", "insert", "shop.orders", "@" + path);

            Assert.Equal(0, run.ExitCode);
            Assert.Equal(
                BsonDocument.Parse("{insert: 'orders', documents: [{_id: 1, s: 'x'}, {_id: 2}], ordered: true}"),
                WithoutWriteId(Assert.Single(transport.Sent, s => s.Request.Name == "insert").Request.Command));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static BsonDocument WithoutWriteId(BsonDocument command)
    {
        var copy = new BsonDocument(command);
        copy.Remove("writeId");
        return copy;
    }

    [Fact]
    public async Task Global_options_may_follow_the_command_and_set_the_timeout()
    {
        var transport = new FakeTransport();

        await RsctlRun.Of(transport, "h1", "rs", "hello", "--timeout", "3");

        Assert.Equal(TimeSpan.FromSeconds(3), Assert.Single(transport.Sent).Timeout);
    }

    [Fact]
    public async Task The_timeout_defaults_to_ten_seconds()
    {
        var transport = new FakeTransport();

        await RsctlRun.Of(transport, "h1", "rs", "hello");

        Assert.Equal(TimeSpan.FromSeconds(10), Assert.Single(transport.Sent).Timeout);
    }
}
