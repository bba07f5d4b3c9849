using System.Net;
using System.Net.Sockets;
using MongoDB.Bson;
using ReplicaActors.TestKit;
using ReplicaActors.Wire;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.Wire;

/// <summary>Awaitable hello on the wire, as drivers' monitors use it: a stream of replies, one per topology change.</summary>
public sealed class StreamingHelloSpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    protected override ReplicaSetFixtureOptions Options => new() { Members = 3, Journal = FixtureJournal.InMemory };

    [Fact]
    public async Task A_monitor_waiting_on_hello_hears_of_a_step_down_without_asking_again()
    {
        var primary = await ReplicaSet.WaitForPrimaryAsync();
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, primary.Port);
        await using var stream = new NetworkStream(socket);

        await stream.WriteAsync(OpMsg.EncodeRequest(1, OpMsgFlags.None, BsonDocument.Parse("{ hello: 1, $db: 'admin' }")));
        var (_, first) = await WireFrames.ReadMessageAsync(stream);
        var version = first.Body["topologyVersion"].AsBsonDocument;
        var awaitable = new BsonDocument { { "hello", 1 }, { "topologyVersion", version }, { "maxAwaitTimeMS", 60_000 }, { "$db", "admin" } };
        await stream.WriteAsync(OpMsg.EncodeRequest(2, OpMsgFlags.ExhaustAllowed, awaitable));

        await ReplicaSet.StepDownAsync();
        // Every reply answers the one before it and comes only when something changed; the step-down is one of them.
        var responseTo = 2;
        var counter = version["counter"].AsInt64;
        OpMsg streamed;
        do
        {
            (var header, streamed) = await WireFrames.ReadMessageAsync(stream);
            Assert.Equal(responseTo, header.ResponseTo);
            Assert.True(streamed.MoreToCome);
            Assert.Equal(version["processId"], streamed.Body["topologyVersion"]["processId"]);
            Assert.True(streamed.Body["topologyVersion"]["counter"].AsInt64 > counter);
            responseTo = header.RequestId;
            counter = streamed.Body["topologyVersion"]["counter"].AsInt64;
        }
        while (streamed.Body["isWritablePrimary"].AsBoolean);

        Assert.True(first.Body["isWritablePrimary"].AsBoolean);
    }
}
