using MongoDB.Bson;
using MongoDB.Bson.Serialization;

namespace ReplicaActors.Tests.Cli;

public class OutputTests
{
    private static async Task<RsctlRun> Run(string reply, params string[] args) =>
        await RsctlRun.Of(new FakeTransport { Reply = BsonDocument.Parse(reply) }, ["h1", .. args]);

    /// <summary>rs hello: the member's hello answer is the reply.</summary>
    private static async Task<RsctlRun> RunHello(string hello, params string[] args) =>
        await RsctlRun.Of(new FakeTransport { Hello = _ => BsonDocument.Parse(hello) }, ["h1", "rs", "hello", .. args]);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public async Task Json_prints_the_reply_without_ok_as_relaxed_extended_json()
    {
        var run = await RunHello("{ok: 1, isWritablePrimary: true, setName: 'rs0', lastWrite: {d: ISODate('2024-01-02T03:04:05Z')}}", "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(BsonDocument.Parse("{isWritablePrimary: true, setName: 'rs0', lastWrite: {d: ISODate('2024-01-02T03:04:05Z')}}"), BsonDocument.Parse(run.Out));
        Assert.Contains("\"$date\" : \"2024-01-02T03:04:05Z\"", run.Out);
    }

    [Fact]
    public async Task Count_json_prints_just_the_number()
    {
        var run = await Run("{ok: 1, n: 42}", "db", "count", "a.b", "--json");

        Assert.Equal("42", run.Out.Trim());
    }

    [Fact]
    public async Task Count_prints_the_number()
    {
        var run = await Run("{ok: 1, n: 7}", "db", "count", "a.b");

        Assert.Equal("7", run.Out.Trim());
    }

    [Fact]
    public async Task Find_json_prints_the_array_of_documents()
    {
        var run = await Run("{ok: 1, cursor: {firstBatch: [{_id: 1, a: 2}, {_id: 2, b: 'x'}], id: 0, ns: 'a.b'}}", "db", "find", "a.b", "--json");

        Assert.Equal(BsonSerializer.Deserialize<BsonArray>("[{_id: 1, a: 2}, {_id: 2, b: 'x'}]"), BsonSerializer.Deserialize<BsonArray>(run.Out));
    }

    [Fact]
    public async Task Find_shows_a_table_whose_columns_are_the_union_of_fields_with_id_first()
    {
        var run = await Run(
            "{ok: 1, cursor: {firstBatch: [{a: 1, _id: 10}, {_id: 11, b: {c: 'x'}}], id: 0, ns: 'a.b'}}",
            "db", "find", "a.b");

        var header = Lines(run.Out).First(l => l.Contains("_id"));
        Assert.True(header.IndexOf("_id") < header.IndexOf(" a ") && header.IndexOf(" a ") < header.IndexOf(" b "), header);
        Assert.Contains(Lines(run.Out), l => l.Contains("11") && l.Contains("{ \"c\" : \"x\" }"));
    }

    [Fact]
    public async Task Find_with_no_documents_says_so()
    {
        var run = await Run("{ok: 1, cursor: {firstBatch: [], id: 0, ns: 'a.b'}}", "db", "find", "a.b");

        Assert.Equal("no documents", run.Out.Trim());
    }

    [Theory]
    [InlineData("{ok: 1, n: 3, insertedIds: [1, 2, 3]}", "insert a.b [{},{},{}]", "inserted 3 document(s)")]
    [InlineData("{ok: 1, n: 2, nModified: 1}", "update a.b {} {$set:{x:1}} --multi", "matched 2, modified 1 document(s)")]
    [InlineData("{ok: 1, n: 1, nModified: 0, upserted: [{index: 0, _id: 5}]}", "update a.b {_id:5} {$set:{x:1}} --upsert", "matched 0, modified 0 document(s), upserted _id 5")]
    [InlineData("{ok: 1, n: 4}", "delete a.b {} --multi", "deleted 4 document(s)")]
    [InlineData("{ok: 1, numIndexesBefore: 1, numIndexesAfter: 2, createdCollectionAutomatically: true}", "createIndex a.b {x:1}", "created index on a.b (2 index(es) now); created the collection")]
    [InlineData("{ok: 1, numIndexesBefore: 2, numIndexesAfter: 2}", "createIndex a.b {x:1}", "index already exists on a.b")]
    [InlineData("{ok: 1, nIndexesWas: 2}", "dropIndex a.b x_1", "dropped index x_1 from a.b")]
    [InlineData("{ok: 1}", "drop a.b", "dropped collection a.b")]
    [InlineData("{ok: 1}", "dropDatabase a", "dropped database a")]
    [InlineData("{ok: 1}", "initiate", "replica set initiated")]
    public async Task Writes_print_one_summary_line(string reply, string commandLine, string summary)
    {
        var palette = commandLine.StartsWith("initiate") ? "rs" : "db";

        var run = await Run(reply, [palette, .. commandLine.Split(' ')]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(summary, run.Out.Trim());
    }

    [Fact]
    public async Task Listings_show_a_row_per_item()
    {
        var run = await Run(
            "{ok: 1, databases: [{name: 'admin', sizeOnDisk: 4096, empty: false}, {name: 'shop', sizeOnDisk: 8192, empty: false}], totalSize: 12288}",
            "db", "dbs");

        Assert.Contains(Lines(run.Out), l => l.Contains("\"shop\"") && l.Contains("8192"));
        Assert.Contains("total size: 12288 bytes", run.Out);
    }

    [Fact]
    public async Task Hello_shows_its_fields_as_a_key_value_table()
    {
        var run = await RunHello("{ok: 1, isWritablePrimary: false, secondary: true, hosts: ['h1:1', 'h2:2']}");

        Assert.Contains(Lines(run.Out), l => l.Contains("secondary") && l.Contains("true"));
        Assert.Contains(Lines(run.Out), l => l.Contains("hosts") && l.Contains("[\"h1:1\", \"h2:2\"]"));
        Assert.DoesNotContain(Lines(run.Out), l => l.Contains(" ok "));
    }

    [Fact]
    public async Task Conf_prints_the_config_document()
    {
        var run = await Run("{ok: 1, config: {_id: 'rs0', version: 2, members: [{_id: 0, host: 'h1:1'}]}}", "rs", "conf");

        Assert.Equal(BsonDocument.Parse("{_id: 'rs0', version: 2, members: [{_id: 0, host: 'h1:1'}]}"), BsonDocument.Parse(run.Out));
    }
}
