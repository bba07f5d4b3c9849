using System.Globalization;
using System.Net;
using Akka.Actor;
using Akka.Configuration;
using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Server;
using ReplicaActors.TestKit;

namespace ReplicaActors.Cluster.Tests.ReplicaSet;

/// <summary>
/// With <c>replica-actors.remoting.bind-outgoing</c>, members on their own loopback addresses connect to each other
/// from those addresses, which is what lets a firewall rule partition them on one machine.
/// </summary>
[Collection("cluster")]
public sealed class BindOutgoingSpec : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly List<MemberHost> _members = [];

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Members_connect_to_each_other_from_their_own_addresses()
    {
        var a = Start("127.0.0.2");
        var c = Start("127.0.0.3");

        // Commands go to the member actors in-process, so every connection to a remoting port is member-to-member.
        (await Send(a, $$"""{ replSetInitiate: { _id: 'rs0', members: [ { _id: 0, host: '{{a.Settings.Host}}' }, { _id: 1, host: '{{c.Settings.Host}}' } ] } }""")).EnsureOk();
        await Eventually.UntilAsync("a primary and a secondary", Deadline, async () =>
        {
            var hellos = await Task.WhenAll(_members.Select(m => Send(m, "{ hello: 1 }")));
            var done = hellos.Any(h => h.Body.GetValue("isWritablePrimary", false).AsBoolean) && hellos.Any(h => h.Body.GetValue("secondary", false).AsBoolean);
            return (done ? (object?)true : null, string.Join("; ", hellos.Select(h => h.Body.ToString())));
        });

        var remoting = _members.Select(m => new IPEndPoint(IPAddress.Parse(m.Settings.BindIp), m.Settings.RemotingPort)).ToList();
        var links = EstablishedConnections().Where(l => remoting.Contains(l.Remote)).ToList();
        var seen = string.Join(", ", links.Select(l => $"{l.Local} -> {l.Remote}"));
        Assert.True(links.Count > 0, "no connection between the members");
        Assert.All(links, l => Assert.True(
            remoting.Any(r => r.Address.Equals(l.Local.Address) && !r.Address.Equals(l.Remote.Address)),
            $"a connection to a member leaves from an address of no other member: {seen}"));
    }

    private MemberHost Start(string address)
    {
        var host = MemberHost.Start(ConfigurationFactory.ParseString($$"""
            replica-actors.member { replSet = rs0, bind-ip = "{{address}}", port = {{FreePorts.ForMember(FreePorts.DefaultOffset)}} }
            replica-actors.remoting.bind-outgoing = on
            replica-actors.storage.temporary = on
            akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
            akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            akka.loglevel = WARNING
            """).WithFallback(ConfigurationFactory.ParseString(ReplicaSetFixtureOptions.FastProfile)));
        _members.Add(host);
        return host;
    }

    private static Task<CommandReply> Send(MemberHost member, string command) =>
        member.Member.Ask<CommandReply>(new CommandRequest("admin", BsonDocument.Parse(command)), TimeSpan.FromSeconds(10));

    /// <summary>
    /// Established TCP connections as the kernel lists them: /proc/net/tcp, and /proc/net/tcp6 since DotNetty's sockets
    /// are dual-mode (an IPv4 peer shows as ::ffff:a.b.c.d). Addresses are hex 32-bit words in host byte order; state 01.
    /// </summary>
    private static IEnumerable<(IPEndPoint Local, IPEndPoint Remote)> EstablishedConnections() =>
        new[] { "/proc/net/tcp", "/proc/net/tcp6" }.SelectMany(file => File.ReadLines(file).Skip(1))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f[3] == "01")
            .Select(f => (Endpoint(f[1]), Endpoint(f[2])));

    private static IPEndPoint Endpoint(string hex)
    {
        var parts = hex.Split(':');
        var bytes = parts[0].Chunk(8).SelectMany(word => BitConverter.GetBytes(uint.Parse(word, NumberStyles.HexNumber))).ToArray();
        var address = new IPAddress(bytes);
        return new IPEndPoint(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, int.Parse(parts[1], NumberStyles.HexNumber));
    }

    public async Task DisposeAsync()
    {
        foreach (var member in _members)
            await member.CrashAsync();
    }
}
