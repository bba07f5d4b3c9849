using System.Net;
using System.Net.Sockets;
using MongoDB.Bson;
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

    /// <summary>One command (with its <c>$db</c>) on a fresh connection to a member, as a driver would send it, and the reply's body.</summary>
    public static async Task<BsonDocument> RunAsync(int port, BsonDocument command)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        await using var stream = new NetworkStream(socket);
        await stream.WriteAsync(OpMsg.EncodeRequest(1, OpMsgFlags.None, command));
        return (await ReadMessageAsync(stream)).Message.Body;
    }
}
