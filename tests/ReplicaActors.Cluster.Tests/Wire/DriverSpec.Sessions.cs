using System.Net.Sockets;
using MongoDB.Bson;
using MongoDB.Driver;
using ReplicaActors.TestKit;
using ReplicaActors.Wire;

namespace ReplicaActors.Cluster.Tests.Wire;

/// <summary>Causal sessions, tag sets, max staleness and compression, through MongoDB.Driver.</summary>
public sealed partial class DriverSpec
{
    [Fact]
    public async Task A_causally_consistent_session_reads_its_own_w1_write_from_a_secondary()
    {
        var docs = _client.GetDatabase("driver").GetCollection<BsonDocument>("causal").WithWriteConcern(WriteConcern.W1);
        using var session = await _client.StartSessionAsync(new ClientSessionOptions { CausalConsistency = true });

        for (var i = 0; i < 20; i++)
        {
            // w:1 answers before any secondary has the write: only afterClusterTime makes the secondary wait for it.
            await docs.InsertOneAsync(session, new BsonDocument { { "_id", i }, { "v", $"value {i}" } });
            var read = await docs.WithReadPreference(ReadPreference.Secondary).Find(session, new BsonDocument("_id", i)).SingleOrDefaultAsync();
            Assert.Equal($"value {i}", read?["v"].AsString);
        }

        Assert.NotNull(session.OperationTime);
        Assert.Equal(BsonType.Timestamp, session.ClusterTime["clusterTime"].BsonType);
    }

    [Fact]
    public async Task Replies_carry_operationTime_and_an_unsigned_clusterTime()
    {
        var reply = await _client.GetDatabase("driver").RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1));
        var primary = await set.ReplicaSet.WaitForPrimaryAsync();
        var status = await _client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("replSetGetStatus", 1));

        var clusterTime = reply["$clusterTime"].AsBsonDocument;
        Assert.Equal(reply["operationTime"], clusterTime["clusterTime"]);
        Assert.True(reply["operationTime"].AsBsonTimestamp <= status["optimes"]["durableOpTime"]["ts"].AsBsonTimestamp, $"{reply["operationTime"]} is past the primary {primary.Host}'s last optime");
        Assert.Equal(new byte[20], clusterTime["signature"]["hash"].AsByteArray);
        Assert.Equal(0L, clusterTime["signature"]["keyId"].AsInt64);
    }

    [Fact]
    public async Task A_read_after_a_cluster_time_the_member_never_reaches_times_out_with_a_clear_error()
    {
        var future = new BsonTimestamp((int)DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds(), 1);
        var command = new BsonDocument
        {
            { "find", "causal-timeout" },
            { "readConcern", new BsonDocument("afterClusterTime", future) },
            { "maxTimeMS", 300 },
        };

        var e = await Assert.ThrowsAsync<MongoExecutionTimeoutException>(() => _client.GetDatabase("driver").RunCommandAsync<BsonDocument>(command));
        var wrongType = await Assert.ThrowsAsync<MongoCommandException>(() => _client.GetDatabase("driver").RunCommandAsync<BsonDocument>(
            new BsonDocument { { "find", "causal-timeout" }, { "readConcern", new BsonDocument("afterClusterTime", 5) } }));
        // The driver keeps only the code of a time-limit error; the message is read off the wire.
        var primary = await set.ReplicaSet.WaitForPrimaryAsync();
        command["$db"] = "driver";
        var reply = await WireFrames.RunAsync(primary.Port, command);

        Assert.Equal(50, e.Code);
        Assert.Equal(50, reply["code"].ToInt32());
        Assert.Contains($"readConcern.afterClusterTime Timestamp({future.Timestamp}, 1) was not reached within the command's maxTimeMS (300 ms)", reply["errmsg"].AsString);
        Assert.Equal(14, wrongType.Code);
    }

    [Fact]
    public async Task A_tag_set_read_preference_reads_from_the_tagged_secondary_and_max_staleness_is_accepted()
    {
        var primary = await set.ReplicaSet.WaitForPrimaryAsync();
        var tagged = set.ReplicaSet.Members.First(m => m != primary);
        var admin = _client.GetDatabase("admin");
        var original = (await admin.RunCommandAsync<BsonDocument>(new BsonDocument("replSetGetConfig", 1)))["config"].AsBsonDocument;
        var config = original.DeepClone().AsBsonDocument;
        config["version"] = config["version"].ToInt64() + 1;
        config["members"].AsBsonArray.Select(m => m.AsBsonDocument).Single(m => m["host"] == tagged.Host)["tags"] = new BsonDocument("dc", "east");
        await admin.RunCommandAsync<BsonDocument>(new BsonDocument("replSetReconfig", config));
        try
        {
            var east = new ReadPreference(ReadPreferenceMode.Secondary, [new TagSet([new Tag("dc", "east")])]);
            var stale = new ReadPreference(ReadPreferenceMode.Secondary, maxStaleness: TimeSpan.FromSeconds(90));
            // Selection waits until the driver's monitor has seen the tags in the member's hello.
            var served = new List<string>();
            for (var i = 0; i < 5; i++)
                served.Add((await admin.RunCommandAsync<BsonDocument>(new BsonDocument("hello", 1), east))["me"].AsString);
            var hello = await admin.RunCommandAsync<BsonDocument>(new BsonDocument("hello", 1), east);
            var staleHost = (await admin.RunCommandAsync<BsonDocument>(new BsonDocument("hello", 1), stale))["me"].AsString;

            Assert.All(served, host => Assert.Equal(tagged.Host, host));
            Assert.Equal(new BsonDocument("dc", "east"), hello["tags"]);
            Assert.True(hello["lastWrite"]["lastWriteDate"].ToUniversalTime() > DateTime.UtcNow.AddSeconds(-90));
            Assert.NotEqual(primary.Host, staleHost);
        }
        finally
        {
            var current = (await admin.RunCommandAsync<BsonDocument>(new BsonDocument("replSetGetConfig", 1)))["config"].AsBsonDocument;
            original["version"] = current["version"].ToInt64() + 1;
            await admin.RunCommandAsync<BsonDocument>(new BsonDocument("replSetReconfig", original));
        }
    }

    [Fact]
    public async Task A_driver_with_zlib_compression_does_a_round_trip()
    {
        using var compressed = new MongoClient(set.ReplicaSet.ConnectionString + "&compressors=zlib");
        var docs = compressed.GetDatabase("driver").GetCollection<BsonDocument>("zlib").WithWriteConcern(WriteConcern.WMajority);
        var big = new string('z', 100_000);

        await docs.InsertManyAsync(Enumerable.Range(0, 50).Select(i => new BsonDocument { { "_id", i }, { "pad", big } }));
        var read = await docs.Find(FilterDefinition<BsonDocument>.Empty).SortBy(d => d["_id"]).ToListAsync();

        Assert.Equal(Enumerable.Range(0, 50), read.Select(d => d["_id"].AsInt32));
        Assert.All(read, d => Assert.Equal(big, d["pad"].AsString));
    }

    [Fact]
    public async Task Hello_agrees_on_the_offered_compressors_and_replies_come_back_in_the_requests_compressor()
    {
        var primary = await set.ReplicaSet.WaitForPrimaryAsync();
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(System.Net.IPAddress.Loopback, primary.Port);
        await using var stream = new NetworkStream(socket);

        await stream.WriteAsync(OpMsg.EncodeRequest(1, OpMsgFlags.None, BsonDocument.Parse("{ hello: 1, compression: ['snappy', 'zlib', 'zstd'], $db: 'admin' }")));
        var (_, hello) = await WireFrames.ReadMessageAsync(stream);
        await stream.WriteAsync(Compression.Compress(OpMsg.EncodeRequest(2, OpMsgFlags.None, BsonDocument.Parse("{ ping: 1, $db: 'admin' }")), CompressorId.Zlib));
        var (header, payload) = await WireFrames.ReadAsync(stream);
        var (opCode, inner) = Compression.Decompress(payload, CompressorId.Zlib, int.MaxValue);
        await stream.WriteAsync(Compression.Compress(OpMsg.EncodeRequest(3, OpMsgFlags.None, BsonDocument.Parse("{ ping: 1, $db: 'admin' }")), CompressorId.Noop));
        var (_, refused) = await WireFrames.ReadMessageAsync(stream);

        Assert.Equal(new BsonArray { "zlib" }, hello.Body["compression"]);
        Assert.Equal((OpCode.Compressed, 2, CompressorId.Zlib), ((OpCode)header.OpCode, header.ResponseTo, (CompressorId)payload[8]));
        Assert.Equal(OpCode.Msg, (OpCode)opCode);
        Assert.Equal(1.0, OpMsg.Parse(inner, inner.Length).Body["ok"].ToDouble());
        Assert.Equal(115, refused.Body["code"].ToInt32());
        Assert.Contains("did not agree on", refused.Body["errmsg"].AsString);
    }
}
