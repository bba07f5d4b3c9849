using System.Net.Sockets;
using MongoDB.Bson;
using MongoDB.Driver;
using ReplicaActors.TestKit;
using ReplicaActors.Wire;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.Wire;

/// <summary>
/// A read with <c>readConcern.afterClusterTime</c> and no <c>maxTimeMS</c> waits as mongod does: until the time is
/// reached or the client hangs up, not until the wire layer's own command timeout (short here, so a wait bounded by
/// it would show). A one-member set writes nothing by itself, so "the next write's time" is reached only by a write
/// the test makes.
/// </summary>
public sealed class AfterClusterTimeSpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(1.5);

    protected override ReplicaSetFixtureOptions Options => new()
    {
        Members = 1,
        Journal = FixtureJournal.InMemory,
        ExtraHocon = $"replica-actors.wire.command-timeout = {CommandTimeout.TotalMilliseconds}ms",
    };

    [Fact]
    public async Task A_read_without_maxTimeMS_waits_past_the_command_timeout_until_its_time_is_reached()
    {
        var db = new MongoClient(ReplicaSet.ConnectionString).GetDatabase("causal");
        var docs = db.GetCollection<BsonDocument>("next").WithWriteConcern(WriteConcern.WMajority);
        await docs.InsertOneAsync(new BsonDocument("_id", 0));
        var now = (await db.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1)))["operationTime"].AsBsonTimestamp;
        var next = new BsonTimestamp(now.Timestamp, now.Increment + 1);

        var read = db.RunCommandAsync<BsonDocument>(new BsonDocument
        {
            { "find", "next" },
            { "filter", new BsonDocument("_id", 1) },
            { "readConcern", new BsonDocument("afterClusterTime", next) },
        });
        // Showing that the read did not end needs time to pass: twice the timeout that used to end it with 50.
        var firstDone = await Task.WhenAny(read, Task.Delay(CommandTimeout * 2));
        await docs.InsertOneAsync(new BsonDocument("_id", 1));
        var reply = await read;

        Assert.NotSame(read, firstDone);
        Assert.Equal(new BsonArray { new BsonDocument("_id", 1) }, reply["cursor"]["firstBatch"]);
    }

    [Fact]
    public async Task A_client_that_hangs_up_while_its_read_waits_ends_the_wait_and_its_connection()
    {
        var member = await ReplicaSet.WaitForPrimaryAsync();
        using var observer = await ConnectAsync(member.Port);
        await using var observing = new NetworkStream(observer);
        var queriesBefore = (await ServerStatusAsync(observing))["opcounters"]["query"].ToInt64();
        var far = new BsonTimestamp((int)DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds(), 1);

        var waiter = await ConnectAsync(member.Port);
        await using (var waiting = new NetworkStream(waiter, ownsSocket: true))
        {
            await waiting.WriteAsync(OpMsg.EncodeRequest(1, OpMsgFlags.None, new BsonDocument
            {
                { "find", "far" },
                { "readConcern", new BsonDocument("afterClusterTime", far) },
                { "$db", "causal" },
            }));
            // The find is counted when it starts, and then it waits: only then does hanging up test the wait.
            await Eventually.UntilAsync("the member is serving the waiting find", TimeSpan.FromSeconds(20), async () =>
            {
                var status = await ServerStatusAsync(observing);
                return (status["opcounters"]["query"].ToInt64() > queriesBefore && status["connections"]["current"].ToInt32() == 2 ? status : null, status.ToString());
            });
        }

        var after = await Eventually.UntilAsync("the waiting connection is closed", TimeSpan.FromSeconds(20), async () =>
        {
            var status = await ServerStatusAsync(observing);
            return (status["connections"]["current"].ToInt32() == 1 ? status : null, status.ToString());
        });
        Assert.Equal(1, after["connections"]["current"].ToInt32());
    }

    private static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(System.Net.IPAddress.Loopback, port);
        return socket;
    }

    private static async Task<BsonDocument> ServerStatusAsync(Stream stream)
    {
        await stream.WriteAsync(OpMsg.EncodeRequest(1, OpMsgFlags.None, BsonDocument.Parse("{ serverStatus: 1, $db: 'admin' }")));
        return (await WireFrames.ReadMessageAsync(stream)).Message.Body;
    }
}
