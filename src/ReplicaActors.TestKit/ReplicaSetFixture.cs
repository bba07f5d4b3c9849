using Akka.Actor;
using Akka.Event;
using Akka.TestKit.Xunit2.Internals;
using MongoDB.Bson;
using MongoDB.Driver;
using ReplicaActors.Client;
using ReplicaActors.Server;
using ReplicaActors.Protocol;
using ReplicaActors.Security;
using Xunit.Abstractions;

namespace ReplicaActors.TestKit;

/// <summary>
/// An N-member replica set in one process: one ActorSystem, store and folder per member, on free loopback
/// ports, with crash-like kills, restarts on the same port and folder, and network partitions.
/// </summary>
public sealed partial class ReplicaSetFixture : IAsyncDisposable
{
    private static readonly TimeSpan LoggerStartTimeout = TimeSpan.FromSeconds(5);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ra-fixture-" + Guid.NewGuid().ToString("N"));
    private readonly List<FixtureMember> _members;
    private readonly FixtureCertificates? _certificates;
    private AkkaCommandTransport _transport;
    private readonly ITestOutputHelper? _log;

    private ReplicaSetFixture(ReplicaSetFixtureOptions options)
    {
        Options = options;
        _log = options.Output is { } output ? new PrefixedOutput(output, "[fixture] ") : null;
        if (options.Secure)
        {
            _certificates = FixtureCertificates.Create(Path.Combine(_root, "tls"), options.SetName);
            RootPassword = WireLogins.NewPassword();
        }
        _transport = NewTransport();
        _members = Enumerable.Range(0, options.MemberCount)
            .Select(i => new FixtureMember(i, isArbiter: i >= options.Members, Path.Combine(_root, $"m{i}")))
            .ToList();
    }

    public ReplicaSetFixtureOptions Options { get; }

    /// <summary>Every member, running or killed, in config order (an arbiter last, then extra members).</summary>
    public IReadOnlyList<FixtureMember> Members => _members;

    /// <summary>
    /// The MongoDB connection string of the set (every member's wire address and the set name), for
    /// MongoDB.Driver and other unmodified clients; append options such as <c>&amp;heartbeatFrequencyMS=500</c>.
    /// A <see cref="ReplicaSetFixtureOptions.Secure"/> set's logs in as root with TLS and names the CA file (tlsCAFile),
    /// which mongosh reads; MongoDB.Driver for .NET does not, so give it <see cref="MongoSettings"/>.
    /// </summary>
    public string ConnectionString => _certificates is null
        ? $"mongodb://{string.Join(",", _members.Select(m => m.Host))}/?replicaSet={Options.SetName}"
        : WireLogins.ConnectionString(_members.Select(m => m.Host), Options.SetName, _certificates.CaFile, (RootUser, RootPassword!));

    /// <summary>The user a secure fixture creates, with the <c>root</c> role on admin.</summary>
    public const string RootUser = "root";

    /// <summary>Root's generated password on a <see cref="ReplicaSetFixtureOptions.Secure"/> set; null on a plain one.</summary>
    public string? RootPassword { get; }

    /// <summary>The PEM file with a secure set's CA certificate; null on a plain set.</summary>
    public string? CaFile => _certificates?.CaFile;

    /// <summary>MongoDB.Driver settings for <see cref="ConnectionString"/>, trusting the fixture's CA on a secure set.</summary>
    public MongoClientSettings MongoSettings() => WireSettings(ConnectionString);

    private MongoClientSettings WireSettings(string connectionString)
    {
        var settings = MongoClientSettings.FromConnectionString(connectionString);
        if (_certificates is not null)
            settings.SslSettings = new SslSettings { ServerCertificateValidationCallback = WireTls.TrustedBy(TlsConfig.LoadAuthorities(_certificates.CaFile, "the fixture's CA")) };
        return settings;
    }

    /// <summary>A secure fixture's client shows the members' certificate, which the set's CA signed.</summary>
    private AkkaCommandTransport NewTransport() => new(clientOverrides: _certificates is null
        ? FixtureConfig.Client
        : FixtureConfig.Client.WithFallback(ReplicaActorsConfig.ClientTls(_certificates.KeyFile, _certificates.CaFile)));

    /// <summary>The fixture's client transport. A restart replaces it (see <see cref="RestartAsync"/>): read it anew, do not keep it.</summary>
    public ICommandTransport Transport => _transport;

    /// <summary>
    /// A replica-set-aware client over every member, as an application would use one: writes go to the
    /// primary, reads by read preference, one retry when the primary changes. Created on first use.
    /// </summary>
    public IReplicaSetClient Client => _client ??= new ReplicaSetClient(
        _members.Select(m => m.Host), new CurrentTransport(this),
        new ReplicaSetClientOptions { HeartbeatFrequency = TimeSpan.FromMilliseconds(200), ServerSelectionTimeout = Options.StartupTimeout });

    private IReplicaSetClient? _client;

    /// <summary>Always the fixture's current transport, which a restart replaces.</summary>
    private sealed class CurrentTransport(ReplicaSetFixture fixture) : ICommandTransport
    {
        public Task<CommandReply> SendAsync(string host, CommandRequest request, TimeSpan timeout, CancellationToken cancellationToken = default) =>
            fixture._transport.SendAsync(host, request, timeout, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>Starts every member and, unless <see cref="ReplicaSetFixtureOptions.Initiate"/> is off, initiates the set and waits for a primary.</summary>
    public static async Task<ReplicaSetFixture> StartAsync(ReplicaSetFixtureOptions options)
    {
        options.Validate();
        var fixture = new ReplicaSetFixture(options);
        try
        {
            foreach (var member in fixture._members) await fixture.StartMemberAsync(member, fixture.FreePort()).ConfigureAwait(false);
            if (options.Initiate)
            {
                await fixture.InitiateAsync().ConfigureAwait(false);
                await fixture.WaitForPrimaryAsync(options.StartupTimeout).ConfigureAwait(false);
                if (options.Secure) await fixture.CreateRootAsync().ConfigureAwait(false);
            }
            return fixture;
        }
        catch
        {
            await fixture.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Starts one more member, in no config: it waits in STARTUP until a reconfig adds it (its <c>_id</c> there
    /// should be its <see cref="FixtureMember.Index"/>) and a heartbeat brings it the config.
    /// </summary>
    public async Task<FixtureMember> StartExtraMemberAsync()
    {
        var member = new FixtureMember(_members.Count, isArbiter: false, Path.Combine(_root, $"m{_members.Count}"));
        _members.Add(member);
        await StartMemberAsync(member, FreePort()).ConfigureAwait(false);
        return member;
    }

    /// <summary>
    /// Starts one more member and adds it to the set through the primary (replSetReconfig, as
    /// <c>rs add</c> does), then waits until it is a SECONDARY. Returns the new member.
    /// </summary>
    public async Task<FixtureMember> AddMemberAsync(TimeSpan? timeout = null)
    {
        var deadline = timeout ?? Options.StartupTimeout;
        var primary = await WaitForPrimaryAsync(deadline).ConfigureAwait(false);
        var member = await StartExtraMemberAsync().ConfigureAwait(false);
        // The current config must be committed first; right after a start or an earlier reconfig the
        // heartbeats saying so may still be on their way.
        await Eventually.UntilAsync($"{member} is added to the config", deadline, async () =>
        {
            var config = (await SendAsync(primary, "admin", "{ replSetGetConfig: 1 }").ConfigureAwait(false)).EnsureOk()["config"].AsBsonDocument;
            config["version"] = config["version"].ToInt64() + 1;
            config["members"].AsBsonArray.Add(new BsonDocument { { "_id", member.Index }, { "host", member.Host } });
            var reply = await SendAsync(primary, "admin", new BsonDocument(CommandCatalog.ReplSetReconfig, config)).ConfigureAwait(false);
            if (reply.Ok) return ((object?)true, "");
            if (reply.Body.GetValue("errmsg", "").AsString.Contains("not yet committed")) return (null, reply.Body.ToString());
            reply.EnsureOk();
            return (null, "");
        }).ConfigureAwait(false);
        await Eventually.UntilAsync($"{member} becomes SECONDARY", deadline, async () =>
        {
            var hello = (await SendAsync(member, "admin", "{ hello: 1 }").ConfigureAwait(false)).Body;
            return hello.GetValue("secondary", false).AsBoolean ? ((object?)true, "") : (null, hello.ToString());
        }).ConfigureAwait(false);
        return member;
    }

    /// <summary>Ends the member's ActorSystem abruptly (no cluster leave, like a crash), then closes its store.</summary>
    public async Task KillAsync(FixtureMember member)
    {
        var host = member.Stopped();
        Log($"killing {member}");
        await host.CrashAsync().ConfigureAwait(false);
        await AwaitPortClosedAsync(member).ConfigureAwait(false);
    }

    /// <summary>
    /// Remoting closes its sockets after the system reports termination; a restart before that would
    /// share the port with the dying listener and the client could keep talking to the dead incarnation.
    /// The wire listener must be gone too, so a driver sees the kill as a refused connection.
    /// </summary>
    private Task AwaitPortClosedAsync(FixtureMember member) =>
        Eventually.UntilAsync($"{member} stops listening", Options.StartupTimeout, async () =>
        {
            foreach (var port in new[] { member.Port, member.RemotingPort })
            {
                using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                try
                {
                    await socket.ConnectAsync(System.Net.IPAddress.Loopback, port).ConfigureAwait(false);
                    return ((object?)null, $"port {port} still accepts connections");
                }
                catch (System.Net.Sockets.SocketException)
                {
                }
            }
            return (true, "");
        });

    /// <summary>A wire port whose remoting port is free too, by the offset the fixture's members use.</summary>
    private int FreePort() =>
        FreePorts.ForMember(FixtureConfig.ForMember(Options, _root, 0).WithFallback(ReferenceConfig.Value).GetInt("replica-actors.remoting.port-offset"));

    /// <summary>Kills whichever member is primary now, and returns it.</summary>
    public async Task<FixtureMember> KillPrimaryAsync()
    {
        var primary = await WaitForPrimaryAsync().ConfigureAwait(false);
        await KillAsync(primary).ConfigureAwait(false);
        return primary;
    }

    /// <summary>Starts a killed member again on its port and folder; links cut by a partition stay cut.</summary>
    public async Task RestartAsync(FixtureMember member)
    {
        if (member.IsRunning) throw new InvalidOperationException($"member {member} is running: kill it before restarting it");
        // Over the throttler transport (needed for partitions), a client that was linked to the old
        // incarnation never re-associates with a new one on the same port; real processes on plain TCP
        // do (the process specs restart members). A fresh client system sidesteps it.
        var old = _transport;
        _transport = NewTransport();
        await old.DisposeAsync().ConfigureAwait(false);
        await StartMemberAsync(member, member.Port).ConfigureAwait(false);
        await ReapplyPartitionsAsync(member).ConfigureAwait(false);
    }

    private async Task StartMemberAsync(FixtureMember member, int port)
    {
        Directory.CreateDirectory(member.DbPath);
        var host = await Task.Run(() => MemberHost.Start(FixtureConfig.ForMember(Options, member.DbPath, port, _certificates))).ConfigureAwait(false);
        member.Started(host);
        if (Options.Output is { } output)
            await AttachLoggerAsync(host.System, new PrefixedOutput(output, $"[{member}] ")).ConfigureAwait(false);
        await AwaitAnswerAsync(member).ConfigureAwait(false);
        Log($"started {member}");
    }

    /// <summary>
    /// A started member is one the client can reach: right after a restart the client's link to the old
    /// incarnation may still be closing, and a command sent into it would be dropped, not refused.
    /// </summary>
    private Task AwaitAnswerAsync(FixtureMember member) =>
        Eventually.UntilAsync($"{member} answers hello", Options.StartupTimeout, async () =>
        {
            var (_, hello, error) = await HelloAsync(member).ConfigureAwait(false);
            return (hello, error ?? "");
        });

    /// <summary>The same logger Akka's xunit TestKit installs, so member logs land in the test's output.</summary>
    private static async Task AttachLoggerAsync(ActorSystem system, ITestOutputHelper output)
    {
        var logger = ((ExtendedActorSystem)system).SystemActorOf(Props.Create(() => new TestOutputLogger(output)), "test-output-logger");
        await logger.Ask<LoggerInitialized>(new InitializeLogger(system.EventStream), LoggerStartTimeout).ConfigureAwait(false);
    }

    private async Task InitiateAsync()
    {
        var members = new BsonArray(_members.Select(m =>
        {
            var entry = new BsonDocument { { "_id", m.Index }, { "host", m.Host } };
            if (m.IsArbiter) entry.Add("arbiterOnly", true);
            return entry;
        }));
        var config = new BsonDocument { { "_id", Options.SetName }, { "version", 1 }, { "members", members } };
        Log($"initiating {config}");
        (await SendAsync(_members[0], "admin", new BsonDocument(CommandCatalog.ReplSetInitiate, config)).ConfigureAwait(false)).EnsureOk();
    }

    /// <summary>Root, through the localhost exception: the fixture's client is on loopback and the set has no user yet.</summary>
    private async Task CreateRootAsync()
    {
        var anonymous = WireSettings(WireLogins.ConnectionString(_members.Select(m => m.Host), Options.SetName, _certificates!.CaFile, credentials: null));
        anonymous.ServerSelectionTimeout = Options.StartupTimeout;
        using var client = new MongoClient(anonymous);
        await client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument
        {
            { "createUser", RootUser }, { "pwd", RootPassword }, { "roles", new BsonArray { "root" } },
        }).ConfigureAwait(false);
        Log($"created {RootUser}");
    }

    private void Log(string message) => _log?.WriteLine(message);

    /// <summary>Kills every running member and deletes every member's folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_client is not null) await _client.DisposeAsync().ConfigureAwait(false);
        foreach (var member in _members.Where(m => m.IsRunning)) await member.Stopped().CrashAsync().ConfigureAwait(false);
        await _transport.DisposeAsync().ConfigureAwait(false);
        try
        {
            if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a pooled SQLite connection: the temp folder is cleaned by the OS later.
        }
    }
}
