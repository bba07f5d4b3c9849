using System.Buffers.Binary;
using MongoDB.Bson;

namespace ReplicaActors.Wire;

/// <summary>The legacy OP_REPLY (opcode 1): the answer to an OP_QUERY, holding exactly one document.</summary>
public static class OpReply
{
    private const int FixedFields = 4 + 8 + 4 + 4;

    public static byte[] Encode(int requestId, int responseTo, BsonDocument document)
    {
        var bytes = document.ToBson();
        var message = new byte[MessageHeader.Size + FixedFields + bytes.Length];
        new MessageHeader(message.Length, requestId, responseTo, (int)OpCode.Reply).Write(message);
        var fields = message.AsSpan(MessageHeader.Size);
        BinaryPrimitives.WriteInt32LittleEndian(fields, 0);        // responseFlags
        BinaryPrimitives.WriteInt64LittleEndian(fields[4..], 0);   // cursorID
        BinaryPrimitives.WriteInt32LittleEndian(fields[12..], 0);  // startingFrom
        BinaryPrimitives.WriteInt32LittleEndian(fields[16..], 1);  // numberReturned
        bytes.CopyTo(message, MessageHeader.Size + FixedFields);
        return message;
    }

    /// <summary>The document of an OP_REPLY's payload (tests and tools reading a member's answer).</summary>
    public static BsonDocument Document(byte[] payload)
    {
        var position = FixedFields;
        return BsonBytes.Document(payload, 0, ref position, payload.Length, "the OP_REPLY document");
    }
}
