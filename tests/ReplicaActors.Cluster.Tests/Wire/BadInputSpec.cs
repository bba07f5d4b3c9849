using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using MongoDB.Bson;
using MongoDB.Driver;
using ReplicaActors.Cluster.Tests.Fixture;
using ReplicaActors.TestKit;
using ReplicaActors.Wire;

namespace ReplicaActors.Cluster.Tests.Wire;

/// <summary>Random and mutated frames at a member's wire port: it keeps answering and nothing stored changes.</summary>
public sealed class BadInputSpec(OneMemberSet set) : IClassFixture<OneMemberSet>
{
    /// <summary>A few thousand keep the suite quick; <c>RA_BAD_INPUT_FRAMES=100000</c> runs the long version by hand.</summary>
    private static readonly int Frames = int.TryParse(Environment.GetEnvironmentVariable("RA_BAD_INPUT_FRAMES"), out var frames) ? frames : 3000;
    private static readonly TimeSpan ConnectionTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Thousands_of_bad_frames_leave_the_member_answering_and_its_data_unchanged()
    {
        var member = await set.ReplicaSet.WaitForPrimaryAsync();
        var client = new MongoClient($"mongodb://{member.Host}/?directConnection=true");
        var items = client.GetDatabase("fuzz").GetCollection<BsonDocument>("items");
        await items.InsertManyAsync(Enumerable.Range(0, 100).Select(i => new BsonDocument { { "_id", i }, { "v", $"value {i}" } }));
        var before = await items.Find(FilterDefinition<BsonDocument>.Empty).SortBy(d => d["_id"]).ToListAsync();

        // Only reads as seeds: a mutation can break a command but cannot turn a read into a write.
        byte[][] seeds =
        [
            OpMsg.EncodeRequest(1, OpMsgFlags.None, BsonDocument.Parse("{ hello: 1, $db: 'admin' }")),
            OpMsg.EncodeRequest(2, OpMsgFlags.None, BsonDocument.Parse("{ find: 'items', filter: { v: { $gt: 'value 5' } }, batchSize: 2, $db: 'fuzz' }")),
            OpMsg.EncodeRequest(3, OpMsgFlags.ChecksumPresent, BsonDocument.Parse("{ count: 'items', query: {}, $db: 'fuzz' }")),
            OpMsg.EncodeRequest(4, OpMsgFlags.None, BsonDocument.Parse("{ aggregate: 'items', pipeline: [{ $match: {} }, { $group: { _id: 1, n: { $sum: 1 } } }], cursor: {}, $db: 'fuzz' }")),
            OpMsg.EncodeRequest(5, OpMsgFlags.None, BsonDocument.Parse("{ getMore: NumberLong(42), collection: 'items', $db: 'fuzz' }")),
            OpMsg.EncodeRequest(6, OpMsgFlags.None, BsonDocument.Parse("{ find: 'items', $db: 'fuzz' }"),
                new DocumentSequence("filter", [new BsonDocument("_id", 1), new BsonDocument("_id", 2)])),
            LegacyHello(),
            // A hello agreeing on compression, then a compressed read on the same connection: mutations reach the inflater.
            [.. OpMsg.EncodeRequest(8, OpMsgFlags.None, BsonDocument.Parse("{ hello: 1, compression: ['zlib', 'noop'], $db: 'admin' }")),
                .. Compression.Compress(OpMsg.EncodeRequest(9, OpMsgFlags.None, BsonDocument.Parse("{ find: 'items', filter: { _id: { $lt: 5 } }, $db: 'fuzz' }")), CompressorId.Zlib)],
        ];
        var errors = new ConcurrentQueue<string>();
        member.System.EventStream.Subscribe(member.System.ActorOf(Props.Create(() => new ErrorCollector(errors))), typeof(Error));
        var random = new Random(12);
        for (var i = 0; i < Frames; i++)
            await SendAsync(member.Port, i % 5 == 0 ? RandomBytes(random) : Mutate(seeds[random.Next(seeds.Length)], random));

        var hello = await client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("hello", 1));
        var after = await items.Find(FilterDefinition<BsonDocument>.Empty).SortBy(d => d["_id"]).ToListAsync();
        Assert.True(hello["isWritablePrimary"].AsBoolean);
        Assert.Equal(before, after);
        // Every bad frame was handled as the protocol says: none reached the connection's last-resort error log.
        Assert.Empty(errors);
        Assert.Equal(["fuzz"], (await client.ListDatabaseNamesAsync()).ToList().Where(n => n is not ("admin" or "local" or "config")));
    }

    [Fact]
    public async Task Protocol_edges_get_the_answer_the_spec_asks_for()
    {
        var member = await set.ReplicaSet.WaitForPrimaryAsync();
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, member.Port);
        await using var stream = new NetworkStream(socket);

        // A fire-and-forget endSessions gets no reply: the next reply on the connection answers the ping.
        await stream.WriteAsync(OpMsg.EncodeRequest(1, OpMsgFlags.MoreToCome, BsonDocument.Parse("{ endSessions: [], $db: 'admin' }")));
        await stream.WriteAsync(OpMsg.EncodeRequest(2, OpMsgFlags.None, BsonDocument.Parse("{ ping: 1, $db: 'admin' }")));
        var (pingHeader, ping) = await ReadAsync(stream);
        // OP_COMPRESSED in a compressor this connection's hello did not agree on is refused with an error the client can read, and the connection stays usable.
        var compressed = new byte[32];
        new MessageHeader(compressed.Length, 3, 0, (int)OpCode.Compressed).Write(compressed);
        await stream.WriteAsync(compressed);
        var (_, refused) = await ReadAsync(stream);
        // A legacy OP_QUERY that is not the handshake gets an OP_REPLY error.
        await stream.WriteAsync(LegacyQuery("shop.items", "{ sku: 'a' }"));
        var legacy = await ReadReplyAsync(stream);
        // A legacy OP_INSERT (2002) has no answer in the protocol: the connection closes.
        var insert = new byte[32];
        new MessageHeader(insert.Length, 5, 0, 2002).Write(insert);
        await stream.WriteAsync(insert);
        var closed = await ClosedAsync(stream);

        Assert.Equal(2, pingHeader.ResponseTo);
        Assert.Equal(1.0, ping["ok"].ToDouble());
        Assert.Equal((0.0, 115), (refused["ok"].ToDouble(), refused["code"].ToInt32()));
        Assert.Equal(5739101, legacy["code"].ToInt32());
        Assert.True(closed);
    }

    private static async Task<(MessageHeader Header, BsonDocument Body)> ReadAsync(Stream stream)
    {
        var (header, message) = await WireFrames.ReadMessageAsync(stream);
        return (header, message.Body);
    }

    /// <summary>The member closed the connection: an end of stream, or a reset when it left our bytes unread.</summary>
    private static async Task<bool> ClosedAsync(Stream stream)
    {
        using var timeout = new CancellationTokenSource(ConnectionTimeout);
        try
        {
            return await stream.ReadAsync(new byte[16], timeout.Token) == 0;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static async Task<BsonDocument> ReadReplyAsync(Stream stream) => OpReply.Document((await WireFrames.ReadAsync(stream)).Payload);

    private sealed class ErrorCollector : ReceiveActor
    {
        public ErrorCollector(ConcurrentQueue<string> errors) => Receive<Error>(e => errors.Enqueue($"{e.LogSource}: {e.Message} {e.Cause}"));
    }

    /// <summary>Sends one frame on its own connection, ends the sending side and reads until the member closes.</summary>
    private static async Task SendAsync(int port, byte[] frame)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(ConnectionTimeout);
        await socket.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
        try
        {
            await socket.SendAsync(frame, SocketFlags.None, timeout.Token);
            socket.Shutdown(SocketShutdown.Send);
            var buffer = new byte[64 * 1024];
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
            {
            }
        }
        catch (SocketException)
        {
            // The member closed the connection first (a bad length or opcode): what it should do.
        }
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 256)];
        random.NextBytes(bytes);
        // Half of them with a plausible header, so the bytes reach the parsers behind the framing.
        if (bytes.Length >= 16 && random.Next(2) == 0)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes, bytes.Length);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), random.Next(2) == 0 ? (int)OpCode.Msg : (int)OpCode.Query);
        }
        return bytes;
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = (byte[])seed.Clone();
        switch (random.Next(4))
        {
            case 0:
                for (var flips = random.Next(1, 9); flips > 0; flips--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                return bytes;
            case 1:
                return bytes[..random.Next(bytes.Length)];
            case 2:
                BinaryPrimitives.WriteInt32LittleEndian(bytes, random.Next(-10, bytes.Length * 2));
                return bytes;
            default:
                // Flip bytes past the header only, where the BSON and section parsers must cope.
                for (var flips = random.Next(1, 5); flips > 0; flips--) bytes[random.Next(16, bytes.Length)] ^= (byte)(1 << random.Next(8));
                return bytes;
        }
    }

    private static byte[] LegacyHello() => LegacyQuery("admin.$cmd", "{ isMaster: 1, helloOk: true, client: { driver: { name: 'fuzz' } } }");

    private static byte[] LegacyQuery(string collection, string json)
    {
        var query = BsonDocument.Parse(json).ToBson();
        var name = System.Text.Encoding.UTF8.GetBytes(collection + "\0");
        var message = new byte[16 + 4 + name.Length + 8 + query.Length];
        new MessageHeader(message.Length, 7, 0, (int)OpCode.Query).Write(message);
        name.CopyTo(message, 20);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(20 + name.Length + 4), -1);
        query.CopyTo(message, 20 + name.Length + 8);
        return message;
    }
}
