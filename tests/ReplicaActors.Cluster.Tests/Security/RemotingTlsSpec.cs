using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using MongoDB.Bson;
using ReplicaActors.Client;
using ReplicaActors.Config;
using ReplicaActors.Protocol;
using ReplicaActors.Security;
using ReplicaActors.Server;
using ReplicaActors.TestKit;

namespace ReplicaActors.Cluster.Tests.Security;

/// <summary>
/// Members that require mutual TLS on remoting elect and replicate among themselves and answer a client holding a
/// certificate from the set's CA; a system whose certificate another CA signed is refused at the handshake, so its
/// votes and commands never reach a member.
/// </summary>
[Collection("cluster")]
public sealed class RemotingTlsSpec : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly string _folder = Directory.CreateTempSubdirectory("tls-spec-").FullName;
    private readonly List<MemberHost> _members = [];
    private readonly List<IAsyncDisposable> _others = [];
    private readonly ConcurrentQueue<string> _refusals = new();
    private string _caFile = "";

    public Task InitializeAsync()
    {
        var now = DateTimeOffset.UtcNow.AddMinutes(-1);
        using var ca = SetCertificates.CreateAuthority("rs0", now, TimeSpan.FromDays(1));
        _caFile = Path.Combine(_folder, "ca.pem");
        File.WriteAllText(_caFile, SetCertificates.CertificatePem(ca));
        for (var i = 0; i < 3; i++) WriteKeyFile(ca, $"m{i}");
        WriteKeyFile(ca, "client");
        using var otherCa = SetCertificates.CreateAuthority("rs0", now, TimeSpan.FromDays(1));
        WriteKeyFile(otherCa, "rogue");
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Members_on_mutual_TLS_elect_and_replicate_and_refuse_a_certificate_from_another_CA()
    {
        for (var i = 0; i < 3; i++) Start($"m{i}");
        var hosts = _members.Select(m => m.Settings.Host).ToList();
        await using var client = new AkkaCommandTransport(clientOverrides: Tls("client"));

        var config = $"{{ _id: 'rs0', members: [{string.Join(", ", hosts.Select((h, i) => $"{{ _id: {i}, host: '{h}' }}"))}] }}";
        (await client.SendAsync(hosts[0], Command($"{{ replSetInitiate: {config} }}"), Deadline)).EnsureOk();
        var primary = await Eventually.UntilAsync("a primary and two secondaries", Deadline, async () =>
        {
            var hellos = await Task.WhenAll(hosts.Select(h => client.SendAsync(h, Command("{ hello: 1 }"), TimeSpan.FromSeconds(5))));
            var p = hellos.Select((r, i) => (r, i)).Where(x => x.r.Body.GetValue("isWritablePrimary", false).AsBoolean).Select(x => hosts[x.i]).FirstOrDefault();
            var secondaries = hellos.Count(r => r.Body.GetValue("secondary", false).AsBoolean);
            return (p is not null && secondaries == 2 ? p : null, string.Join("; ", hellos.Select(h => h.Body.ToString())));
        });

        (await client.SendAsync(primary, new CommandRequest("shop", BsonDocument.Parse("{ insert: 'items', documents: [{ _id: 1 }, { _id: 2 }], writeConcern: { w: 3 } }")), Deadline)).EnsureOk();
        foreach (var member in _members)
            Assert.Equal(2, (await Send(member, "shop", "{ count: 'items', $readPreference: { mode: 'secondaryPreferred' } }")).EnsureOk()["n"].ToInt32());
        var term = (await Send(_members[0], "admin", "{ replSetGetStatus: 1 }")).EnsureOk()["term"].ToInt64();

        // A client and a member-shaped system with certificates from another CA: the handshake fails, nothing is delivered.
        RogueVote(_members[0], term + 100);
        await Eventually.UntilAsync("the members to refuse the rogue's certificate", Deadline, () =>
            Task.FromResult<(object?, string)>((_refusals.Any(r => r.Contains("not signed by the set's CA")) ? true : null, string.Join(" | ", _refusals))));
        await using var rogueClient = new AkkaCommandTransport(clientOverrides: Tls("rogue"));
        await Assert.ThrowsAsync<ReplicaException>(() => rogueClient.SendAsync(primary,
            new CommandRequest("shop", BsonDocument.Parse("{ insert: 'items', documents: [{ _id: 3 }] }")), TimeSpan.FromSeconds(3)));
        // A client without TLS cannot talk to them either.
        await using var plain = new AkkaCommandTransport();
        await Assert.ThrowsAsync<ReplicaException>(() => plain.SendAsync(primary, Command("{ replSetStepDown: 60 }"), TimeSpan.FromSeconds(3)));

        foreach (var member in _members)
        {
            var status = (await Send(member, "admin", "{ replSetGetStatus: 1 }")).EnsureOk();
            Assert.Equal(term, status["term"].ToInt64());
            Assert.Equal(2, (await Send(member, "shop", "{ count: 'items', $readPreference: { mode: 'secondaryPreferred' } }")).EnsureOk()["n"].ToInt32());
        }
        Assert.Equal(primary, (await client.SendAsync(primary, Command("{ hello: 1 }"), Deadline)).EnsureOk()["primary"].AsString);
    }

    /// <summary>
    /// A system with the member protocol's serializer and a certificate from another CA, asking for a vote at a much
    /// higher term: a member that got it would adopt the term (and a primary would step down).
    /// </summary>
    private void RogueVote(MemberHost target, long term)
    {
        var tls = RemotingTls.From(Tls("rogue").WithFallback(ReferenceConfig.Value))!;
        var config = ConfigurationFactory.ParseString($$"""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
            {{RemotingTls.EnableSsl}}
            akka.loglevel = OFF
            akka.stdout-loglevel = OFF
            """).WithFallback(ReferenceConfig.Value);
        var rogue = ActorSystem.Create(MemberAddressing.SystemName, ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config), tls.Setup()));
        _others.Add(new Terminator(rogue));
        var address = $"akka.ssl.tcp://{MemberAddressing.SystemName}@127.0.0.1:{target.Settings.RemotingPort}/user/{MemberAddressing.MemberActorName}";
        rogue.ActorSelection(address).Tell(new RequestVote("rs0", false, term, 7, 1, 1, new OpTime(new Timestamp(uint.MaxValue, 1), term)));
    }

    private void Start(string name)
    {
        var host = WatchedMember.Start(Tls(name), _refusals);
        _members.Add(host);
    }

    private Akka.Configuration.Config Tls(string name) => ConfigurationFactory.ParseString($$"""
        replica-actors.tls {
          mode = requireTLS
          certificate-key-file = {{ReplicaActorsConfig.Quote(Path.Combine(_folder, name + ".pem"))}}
          ca-file = {{ReplicaActorsConfig.Quote(_caFile)}}
        }
        """);

    private void WriteKeyFile(X509Certificate2 ca, string name)
    {
        using var certificate = SetCertificates.Issue(ca, name, ["127.0.0.1"], DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromDays(1));
        SetCertificates.WritePrivate(Path.Combine(_folder, name + ".pem"), SetCertificates.CertificateAndKeyPem(certificate));
    }

    private static CommandRequest Command(string command) => new("admin", BsonDocument.Parse(command));

    private static Task<CommandReply> Send(MemberHost member, string db, string command) =>
        member.Member.Ask<CommandReply>(new CommandRequest(db, BsonDocument.Parse(command)), TimeSpan.FromSeconds(10));

    public async Task DisposeAsync()
    {
        foreach (var other in _others) await other.DisposeAsync();
        foreach (var member in _members) await member.CrashAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private sealed class Terminator(ActorSystem system) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await system.Terminate();
    }
}
