using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Wire;

namespace ReplicaActors.Tests.Wire;

public sealed class HelloDocumentTests
{
    private static readonly HelloContext Context = new(48_000_000, 30, 42, new DateTime(2026, 12, 7, 0, 0, 0, DateTimeKind.Utc));

    private const string Lists = "setName: 'rs0', setVersion: NumberLong(3), hosts: ['h:1', 'h:2'], passives: ['h:3'], me: 'h:1'";

    /// <summary>Member hello in, the fields drivers classify by out (state table of the SDAM spec).</summary>
    [Theory]
    [InlineData("{ isWritablePrimary: true, secondary: false, " + Lists + ", primary: 'h:1', electionTerm: NumberLong(1) }",
        "hello", "{ isWritablePrimary: true, secondary: false, primary: 'h:1', electionId: ObjectId('7fffffff0000000000000001') }")]
    [InlineData("{ isWritablePrimary: false, secondary: true, " + Lists + ", primary: 'h:2' }",
        "isMaster", "{ ismaster: false, secondary: true, primary: 'h:2' }")]
    [InlineData("{ isWritablePrimary: false, secondary: false, isreplicaset: true, info: 'Does not have a valid replica set config', me: 'h:1' }",
        "hello", "{ isWritablePrimary: false, secondary: false, isreplicaset: true }")]
    [InlineData("{ isWritablePrimary: false, secondary: false, " + Lists + ", arbiterOnly: true }",
        "hello", "{ isWritablePrimary: false, arbiterOnly: true, setName: 'rs0' }")]
    [InlineData("{ isWritablePrimary: false, secondary: false, setName: 'rs0', setVersion: 3, hosts: ['h:1'], passives: ['h:3'], me: 'h:3' }",
        "hello", "{ passive: true }")]
    public void The_reply_has_the_fields_for_the_members_state(string member, string command, string expected)
    {
        var reply = HelloDocument.Build(BsonDocument.Parse(member), new BsonDocument(command, 1), Context);

        foreach (var field in BsonDocument.Parse(expected))
            Assert.True(reply.GetValue(field.Name, BsonNull.Value) == field.Value, $"{field.Name}: expected {field.Value} in {reply}");
        Assert.Equal(command == "hello", reply.Contains("isWritablePrimary"));
    }

    [Fact]
    public void Every_reply_carries_limits_wire_versions_and_session_timeout()
    {
        var reply = HelloDocument.Build(BsonDocument.Parse("{ isWritablePrimary: false, secondary: true, setVersion: NumberLong(2) }"),
            BsonDocument.Parse("{ hello: 1, helloOk: true }"), Context);

        Assert.Equal(BsonDocument.Parse("""
            { isWritablePrimary: false, helloOk: true, secondary: true, setVersion: 2, maxBsonObjectSize: 16777216, maxMessageSizeBytes: 48000000,
              maxWriteBatchSize: 100000, localTime: ISODate('2026-12-07T00:00:00Z'), logicalSessionTimeoutMinutes: 30, connectionId: 42,
              minWireVersion: 0, maxWireVersion: 17, readOnly: false, ok: 1.0 }
            """), reply);
        Assert.IsType<BsonInt32>(reply["setVersion"]);
        Assert.False(reply.Contains("topologyVersion"));
    }

    [Fact]
    public void The_topology_version_is_sent_where_the_wire_layer_serves_streaming_hello()
    {
        var version = BsonDocument.Parse("{ processId: ObjectId('6b16dcb5cd5c111c1e962514'), counter: NumberLong(4) }");

        var reply = HelloDocument.Build(BsonDocument.Parse("{ isWritablePrimary: true }"), new BsonDocument("hello", 1), Context with { TopologyVersion = version });

        Assert.Equal(version, reply["topologyVersion"]);
    }

    [Fact]
    public void Last_write_dates_are_whole_seconds()
    {
        var member = BsonDocument.Parse("{ isWritablePrimary: true, lastWrite: { opTime: { ts: Timestamp(5, 1), t: NumberLong(1) }, lastWriteDate: ISODate('2026-12-07T00:00:01.750Z') } }");

        var reply = HelloDocument.Build(member, new BsonDocument("hello", 1), Context);

        Assert.Equal(new BsonDateTime(new DateTime(2026, 12, 7, 0, 0, 1, DateTimeKind.Utc)), reply["lastWrite"]["lastWriteDate"]);
    }

    [Theory]
    [InlineData(1, "7fffffff0000000000000001")]
    [InlineData(258, "7fffffff0000000000000102")]
    public void The_election_id_orders_primaries_by_term(long term, string id) =>
        Assert.Equal(ObjectId.Parse(id), HelloDocument.ElectionId(term));
}
