using System.Buffers.Binary;
using MongoDB.Bson;

namespace ReplicaActors.Wire;

/// <summary>OP_MSG's flag bits (bits 0-15 are required: a receiver refuses unknown ones).</summary>
[Flags]
public enum OpMsgFlags : uint
{
    None = 0,
    ChecksumPresent = 1,
    MoreToCome = 2,
    ExhaustAllowed = 1 << 16,
}

/// <summary>A kind-1 section: documents that stand for the array argument <paramref name="Identifier"/> of the body.</summary>
public sealed record DocumentSequence(string Identifier, IReadOnlyList<BsonDocument> Documents);

/// <summary>
/// OP_MSG (opcode 2013): flag bits, one kind-0 body and any number of kind-1 document sequences, and
/// a CRC-32C when the checksum flag says so (accepted, not verified: TCP already checks the bytes).
/// </summary>
public sealed record OpMsg(OpMsgFlags Flags, BsonDocument Body, IReadOnlyList<DocumentSequence> Sequences)
{
    private const uint KnownRequiredFlags = (uint)(OpMsgFlags.ChecksumPresent | OpMsgFlags.MoreToCome);
    private const uint RequiredFlagBits = 0xFFFF;

    /// <summary>The client wants no reply (an unacknowledged write, a fire-and-forget endSessions).</summary>
    public bool MoreToCome => Flags.HasFlag(OpMsgFlags.MoreToCome);

    /// <summary>The command with every document sequence merged into the body as the array it stands for.</summary>
    public BsonDocument Command()
    {
        if (Sequences.Count == 0) return Body;
        var command = new BsonDocument(Body);
        foreach (var sequence in Sequences)
        {
            if (command.Contains(sequence.Identifier))
                throw new WireFormatException($"'{sequence.Identifier}' is given both in the body and as a document sequence");
            command[sequence.Identifier] = new BsonArray(sequence.Documents);
        }
        return command;
    }

    /// <summary>Reads the message after its header: <paramref name="length"/> bytes of <paramref name="buffer"/>.</summary>
    public static OpMsg Parse(byte[] buffer, int length)
    {
        var span = buffer.AsSpan(0, length);
        var position = 0;
        var flags = (uint)BsonBytes.Int32(span, ref position, "the OP_MSG flag bits");
        if ((flags & RequiredFlagBits & ~KnownRequiredFlags) != 0)
            throw new WireFormatException($"OP_MSG has unknown required flag bits 0x{flags & RequiredFlagBits & ~KnownRequiredFlags:x}", closeConnection: true);
        var end = (flags & (uint)OpMsgFlags.ChecksumPresent) != 0 ? length - 4 : length;
        if (end < position) throw new WireFormatException("OP_MSG is too short for its checksum", closeConnection: true);

        BsonDocument? body = null;
        var sequences = new List<DocumentSequence>();
        while (position < end)
        {
            var kind = span[position++];
            switch (kind)
            {
                case 0:
                    if (body is not null) throw new WireFormatException("OP_MSG has more than one body section");
                    body = BsonBytes.Document(buffer, 0, ref position, end, "the OP_MSG body");
                    break;
                case 1:
                    sequences.Add(ReadSequence(buffer, ref position, end, sequences));
                    break;
                default:
                    throw new WireFormatException($"OP_MSG has a section of unknown kind {kind}", closeConnection: true);
            }
        }
        return new OpMsg((OpMsgFlags)flags, body ?? throw new WireFormatException("OP_MSG has no body section"), sequences);
    }

    private static DocumentSequence ReadSequence(byte[] buffer, ref int position, int end, List<DocumentSequence> earlier)
    {
        var start = position;
        var size = BsonBytes.Int32(buffer.AsSpan(0, end), ref position, "a document sequence's size");
        if (size < 5 || size > end - start)
            throw new WireFormatException($"a document sequence claims {size} bytes but {end - start} remain", closeConnection: true);
        var sectionEnd = start + size;
        var identifier = BsonBytes.CString(buffer.AsSpan(0, sectionEnd), ref position, "a document sequence's identifier");
        if (earlier.Any(s => s.Identifier == identifier))
            throw new WireFormatException($"the document sequence '{identifier}' is given twice");
        var documents = new List<BsonDocument>();
        while (position < sectionEnd)
            documents.Add(BsonBytes.Document(buffer, 0, ref position, sectionEnd, $"document {documents.Count} of the sequence '{identifier}'"));
        return new DocumentSequence(identifier, documents);
    }

    /// <summary>A reply: one kind-0 section; <c>moreToCome</c> only in an exhaust stream.</summary>
    public static byte[] Encode(int requestId, int responseTo, BsonDocument body, OpMsgFlags flags = OpMsgFlags.None)
    {
        var document = body.ToBson();
        var message = new byte[MessageHeader.Size + 4 + 1 + document.Length];
        new MessageHeader(message.Length, requestId, responseTo, (int)OpCode.Msg).Write(message);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(MessageHeader.Size), (uint)flags);
        message[MessageHeader.Size + 4] = 0;
        document.CopyTo(message, MessageHeader.Size + 5);
        return message;
    }

    /// <summary>A request, as a driver frames it (tests and tools): the body, then each sequence.</summary>
    public static byte[] EncodeRequest(int requestId, OpMsgFlags flags, BsonDocument body, params DocumentSequence[] sequences)
    {
        using var stream = new MemoryStream();
        stream.Write(new byte[MessageHeader.Size]);
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(word, (uint)flags);
        stream.Write(word);
        stream.WriteByte(0);
        stream.Write(body.ToBson());
        foreach (var sequence in sequences)
        {
            var identifier = System.Text.Encoding.UTF8.GetBytes(sequence.Identifier);
            var documents = sequence.Documents.Select(d => d.ToBson()).ToList();
            stream.WriteByte(1);
            BinaryPrimitives.WriteInt32LittleEndian(word, 4 + identifier.Length + 1 + documents.Sum(d => d.Length));
            stream.Write(word);
            stream.Write(identifier);
            stream.WriteByte(0);
            foreach (var document in documents) stream.Write(document);
        }
        if (flags.HasFlag(OpMsgFlags.ChecksumPresent)) stream.Write(new byte[4]);
        var message = stream.ToArray();
        new MessageHeader(message.Length, requestId, 0, (int)OpCode.Msg).Write(message);
        return message;
    }
}
