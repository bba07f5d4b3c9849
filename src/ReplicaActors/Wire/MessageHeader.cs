using System.Buffers.Binary;

namespace ReplicaActors.Wire;

/// <summary>The opcodes a member meets; only <see cref="Msg"/> and a first <see cref="Query"/> are served.</summary>
public enum OpCode
{
    Reply = 1,
    Query = 2004,
    Compressed = 2012,
    Msg = 2013,
}

/// <summary>
/// The 16-byte header in front of every wire message (little-endian): the whole message's length,
/// the sender's id for it, the id it answers (0 on requests) and its opcode.
/// </summary>
public readonly record struct MessageHeader(int MessageLength, int RequestId, int ResponseTo, int OpCode)
{
    public const int Size = 16;

    public int PayloadLength => MessageLength - Size;

    public static MessageHeader Read(ReadOnlySpan<byte> bytes) => new(
        BinaryPrimitives.ReadInt32LittleEndian(bytes),
        BinaryPrimitives.ReadInt32LittleEndian(bytes[4..]),
        BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]),
        BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]));

    public void Write(Span<byte> bytes)
    {
        BinaryPrimitives.WriteInt32LittleEndian(bytes, MessageLength);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[4..], RequestId);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[8..], ResponseTo);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[12..], OpCode);
    }

    /// <summary>Why this header cannot start a message the member will read, or null when it can.</summary>
    public string? Problem(int maxMessageBytes) =>
        MessageLength < Size ? $"message length {MessageLength} is shorter than the 16-byte header"
        : MessageLength > maxMessageBytes ? $"message length {MessageLength} is over the limit of {maxMessageBytes} bytes"
        : null;
}
