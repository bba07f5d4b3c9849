using ReplicaActors.Wire;

namespace ReplicaActors.Cluster.Tests.Wire;

/// <summary>Reading a member's replies off a raw socket, for specs that speak the wire protocol by hand.</summary>
internal static class WireFrames
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(20);

    public static async Task<(MessageHeader Header, byte[] Payload)> ReadAsync(Stream stream)
    {
        using var timeout = new CancellationTokenSource(ReplyTimeout);
        var headerBytes = new byte[MessageHeader.Size];
        await stream.ReadExactlyAsync(headerBytes, timeout.Token);
        var header = MessageHeader.Read(headerBytes);
        var payload = new byte[header.PayloadLength];
        await stream.ReadExactlyAsync(payload, timeout.Token);
        return (header, payload);
    }

    public static async Task<(MessageHeader Header, OpMsg Message)> ReadMessageAsync(Stream stream)
    {
        var (header, payload) = await ReadAsync(stream);
        return (header, OpMsg.Parse(payload, payload.Length));
    }
}
