using System.Buffers.Binary;
using System.IO.Compression;
using MongoDB.Bson;

namespace ReplicaActors.Wire;

/// <summary>OP_COMPRESSED's compressor ids (the compression spec's table); only those this server has.</summary>
public enum CompressorId : byte
{
    Noop = 0,
    Zlib = 2,
}

/// <summary>
/// OP_COMPRESSED (opcode 2012): a message's payload compressed behind the original opcode, its uncompressed size
/// and the compressor's id. A connection uses the compressors its hello agreed on: those the client offered that
/// <c>replica-actors.wire.compressors</c> lists, in the client's order.
/// </summary>
public static class Compression
{
    private const int FixedFields = 4 + 4 + 1;

    /// <summary>Commands whose replies the compression spec keeps uncompressed (the handshake and authentication).</summary>
    private static readonly HashSet<string> NeverCompressed =
        ["hello", "isMaster", "ismaster", "saslStart", "saslContinue", "getnonce", "authenticate", "createUser", "updateUser", "copydbSaslStart", "copydbgetnonce", "copydb"];

    public static bool Supports(string name) => Id(name) is not null;

    public static CompressorId? Id(string name) => name switch
    {
        "zlib" => CompressorId.Zlib,
        "noop" => CompressorId.Noop,
        _ => null,
    };

    public static bool MayCompressReplyTo(string commandName) => !NeverCompressed.Contains(commandName);

    /// <summary>
    /// The compressors a hello agrees on: those of its <c>compression</c> list the server offers, in the client's
    /// order; null when the hello names none (then the connection's earlier agreement stands).
    /// </summary>
    public static IReadOnlyList<string>? Negotiate(BsonDocument hello, IReadOnlyList<string> offered)
    {
        if (!hello.TryGetValue("compression", out var listed)) return null;
        if (listed is not BsonArray names) throw new WireFormatException("hello's 'compression' must be an array of compressor names");
        return names.Where(n => n.IsString).Select(n => n.AsString).Where(offered.Contains).Distinct().ToList();
    }

    /// <summary>
    /// The message inside an OP_COMPRESSED payload (<paramref name="payload"/> after the header): its opcode and
    /// its payload. A frame whose sizes or bytes do not add up cannot be trusted and closes the connection.
    /// </summary>
    public static (int OpCode, byte[] Payload) Decompress(byte[] payload, CompressorId compressor, int maxMessageBytes)
    {
        if (payload.Length < FixedFields) throw new WireFormatException($"OP_COMPRESSED needs {FixedFields} bytes after its header, not {payload.Length}", closeConnection: true);
        var originalOpCode = BinaryPrimitives.ReadInt32LittleEndian(payload);
        var size = BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(4));
        if (originalOpCode == (int)OpCode.Compressed)
            throw new WireFormatException("an OP_COMPRESSED message holds another OP_COMPRESSED", closeConnection: true);
        if (size < 0 || size > maxMessageBytes - MessageHeader.Size)
            throw new WireFormatException($"OP_COMPRESSED claims {size} uncompressed bytes, outside 0..{maxMessageBytes - MessageHeader.Size}", closeConnection: true);
        var compressed = new MemoryStream(payload, FixedFields, payload.Length - FixedFields, writable: false);
        if (compressor == CompressorId.Noop)
        {
            if (compressed.Length != size)
                throw new WireFormatException($"a noop OP_COMPRESSED claims {size} bytes but holds {compressed.Length}", closeConnection: true);
            return (originalOpCode, payload[FixedFields..]);
        }
        var inflated = new byte[size];
        try
        {
            using var zlib = new ZLibStream(compressed, CompressionMode.Decompress);
            zlib.ReadExactly(inflated);
            // One byte more than claimed means the claim was wrong (or a decompression bomb behind it).
            if (zlib.ReadByte() != -1) throw new WireFormatException($"zlib OP_COMPRESSED holds more than the {size} bytes it claims", closeConnection: true);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new WireFormatException($"zlib OP_COMPRESSED could not be inflated to the {size} bytes it claims: {e.Message}", closeConnection: true);
        }
        return (originalOpCode, inflated);
    }

    /// <summary>The compressor id an OP_COMPRESSED payload names, or null when it is too short to name one.</summary>
    public static byte? CompressorOf(byte[] payload) => payload.Length >= FixedFields ? payload[FixedFields - 1] : null;

    /// <summary>A whole message (header included), compressed into an OP_COMPRESSED with the same ids.</summary>
    public static byte[] Compress(byte[] message, CompressorId compressor)
    {
        var header = MessageHeader.Read(message);
        var body = message.AsSpan(MessageHeader.Size);
        byte[] compressed;
        if (compressor == CompressorId.Noop) compressed = body.ToArray();
        else
        {
            using var buffer = new MemoryStream();
            using (var zlib = new ZLibStream(buffer, CompressionLevel.Fastest, leaveOpen: true)) zlib.Write(body);
            compressed = buffer.ToArray();
        }
        var result = new byte[MessageHeader.Size + FixedFields + compressed.Length];
        new MessageHeader(result.Length, header.RequestId, header.ResponseTo, (int)OpCode.Compressed).Write(result);
        BinaryPrimitives.WriteInt32LittleEndian(result.AsSpan(MessageHeader.Size), header.OpCode);
        BinaryPrimitives.WriteInt32LittleEndian(result.AsSpan(MessageHeader.Size + 4), body.Length);
        result[MessageHeader.Size + 8] = (byte)compressor;
        compressed.CopyTo(result, MessageHeader.Size + FixedFields);
        return result;
    }
}
