using System.Buffers.Binary;
using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Wire;

namespace ReplicaActors.Tests.Wire;

public sealed class CompressionTests
{
    private const int Max = 48_000_000;

    private static readonly byte[] Ping = OpMsg.EncodeRequest(9, OpMsgFlags.None, BsonDocument.Parse("{ ping: 1, pad: '" + new string('p', 500) + "', $db: 'admin' }"));

    [Theory]
    [InlineData(CompressorId.Zlib)]
    [InlineData(CompressorId.Noop)]
    public void A_message_survives_compression_with_its_ids(CompressorId compressor)
    {
        var compressed = Compression.Compress(Ping, compressor);
        var header = MessageHeader.Read(compressed);

        var (opCode, payload) = Compression.Decompress(compressed[MessageHeader.Size..], compressor, Max);

        Assert.Equal((OpCode.Compressed, 9, compressed.Length), ((OpCode)header.OpCode, header.RequestId, header.MessageLength));
        Assert.Equal(OpCode.Msg, (OpCode)opCode);
        Assert.Equal(Ping[MessageHeader.Size..], payload);
        if (compressor == CompressorId.Zlib) Assert.True(compressed.Length < Ping.Length);
    }

    [Fact]
    public void Hello_agrees_on_the_offered_compressors_in_the_clients_order()
    {
        string[] offered = ["zlib", "noop"];

        Assert.Equal(["noop", "zlib"], Compression.Negotiate(BsonDocument.Parse("{ hello: 1, compression: ['snappy', 'noop', 'zstd', 'zlib'] }"), offered));
        Assert.Empty(Compression.Negotiate(BsonDocument.Parse("{ isMaster: 1, compression: [] }"), offered)!);
        Assert.Empty(Compression.Negotiate(BsonDocument.Parse("{ hello: 1, compression: ['zlib'] }"), [])!);
        Assert.Null(Compression.Negotiate(BsonDocument.Parse("{ hello: 1 }"), offered));
        Assert.Throws<WireFormatException>(() => Compression.Negotiate(BsonDocument.Parse("{ hello: 1, compression: 'zlib' }"), offered));
    }

    public static TheoryData<string, byte[], CompressorId, string> BadFrames()
    {
        var zlib = Compression.Compress(Ping, CompressorId.Zlib)[MessageHeader.Size..];
        var data = new TheoryData<string, byte[], CompressorId, string>
        {
            { "too short", [1, 2, 3], CompressorId.Zlib, "needs 9 bytes" },
            { "size over the limit", WithSize(zlib, Max), CompressorId.Zlib, "outside 0.." },
            { "negative size", WithSize(zlib, -1), CompressorId.Zlib, "outside 0.." },
            { "claims fewer bytes than it holds", WithSize(zlib, 10), CompressorId.Zlib, "holds more than the 10 bytes" },
            { "claims more bytes than it holds", WithSize(zlib, 100_000), CompressorId.Zlib, "could not be inflated" },
            { "noop size mismatch", WithSize(Compression.Compress(Ping, CompressorId.Noop)[MessageHeader.Size..], 3), CompressorId.Noop, "claims 3 bytes but holds" },
        };
        var corrupt = (byte[])zlib.Clone();
        for (var i = 12; i < corrupt.Length; i += 7) corrupt[i] ^= 0x5a;
        data.Add("corrupt zlib bytes", corrupt, CompressorId.Zlib, "could not be inflated");
        var nested = (byte[])zlib.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(nested, (int)OpCode.Compressed);
        data.Add("nested OP_COMPRESSED", nested, CompressorId.Zlib, "holds another OP_COMPRESSED");
        return data;
    }

    [Theory]
    [MemberData(nameof(BadFrames))]
    public void A_frame_that_does_not_inflate_as_claimed_closes_the_connection(string why, byte[] payload, CompressorId compressor, string message)
    {
        var e = Assert.Throws<WireFormatException>(() => Compression.Decompress(payload, compressor, Max));

        Assert.True(e.CloseConnection, why);
        Assert.Contains(message, e.Message);
    }

    private static byte[] WithSize(byte[] payload, int size)
    {
        var copy = (byte[])payload.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(4), size);
        return copy;
    }
}
