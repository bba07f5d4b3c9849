using System.Collections.Concurrent;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using ReplicaActors.Config;
using ReplicaActors.Protocol;
using ReplicaActors.Security;

namespace ReplicaActors.Client;

/// <summary>
/// Talks to members over Akka remoting from a small client-only ActorSystem (no cluster membership):
/// a command is an Ask to the member actor at its well-known path.
/// </summary>
public sealed class AkkaCommandTransport : ICommandTransport
{
    private static readonly TimeSpan ConnectProbeTimeout = TimeSpan.FromSeconds(2);
    private readonly Lazy<ActorSystem> _system;
    private readonly ConcurrentDictionary<string, Task> _probes = new();
    private readonly int _remotingPortOffset;

    /// <param name="clientOverrides">
    /// HOCON over the client system's config, e.g. a transport adapter that test members also use, or
    /// <c>replica-actors.tls</c> (a client certificate and the set's CA) to reach members that require TLS.
    /// </param>
    public AkkaCommandTransport(string bindHost = "127.0.0.1", Akka.Configuration.Config? clientOverrides = null)
    {
        var config = (clientOverrides ?? Akka.Configuration.Config.Empty).WithFallback(ClientConfig(bindHost));
        _remotingPortOffset = config.GetInt("replica-actors.remoting.port-offset");
        // Certificate files are read now, so a bad one is reported before any command is tried.
        var tls = RemotingTls.From(config);
        var setup = tls is null
            ? ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config))
            : ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(ConfigurationFactory.ParseString(RemotingTls.EnableSsl).WithFallback(config)), tls.Setup());
        _system = new Lazy<ActorSystem>(() => ActorSystem.Create("rsctl", setup));
    }

    /// <param name="host">The member's replica-set host (its wire address); the command goes to its remoting port.</param>
    public async Task<CommandReply> SendAsync(string host, CommandRequest request, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var (hostName, wirePort) = ParseHost(host);
        if (!RemotingEndpoint.Fits(wirePort, _remotingPortOffset))
            throw new ReplicaException(ErrorCode.BadValue, $"'{host}' has no remoting port: {wirePort} + port offset {_remotingPortOffset} is not a TCP port");
        var port = RemotingEndpoint.PortFor(wirePort, _remotingPortOffset);
        // Akka drops messages to an address it cannot reach and the Ask would only time out;
        // a TCP connect first makes "nobody is listening there" an immediate, named error.
        var probe = _probes.GetOrAdd(host, _ => ProbeAsync(host, hostName, port));
        try
        {
            await probe.ConfigureAwait(false);
        }
        catch (ReplicaException)
        {
            // Only a successful probe is remembered: a member that was down may be up next time.
            _probes.TryRemove(KeyValuePair.Create(host, probe));
            throw;
        }
        // Members speak the client's protocol (akka.tcp, akka.ssl.tcp with TLS, or akka.trttl.tcp with the test throttler).
        var protocol = ((ExtendedActorSystem)_system.Value).Provider.DefaultAddress.Protocol;
        var selection = _system.Value.ActorSelection($"{protocol}://{MemberAddressing.SystemName}@{hostName}:{port}/user/{MemberAddressing.MemberActorName}");
        try
        {
            return await selection.Ask<CommandReply>(request, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            // The member may have died since the last probe: probe again next time.
            _probes.TryRemove(host, out _);
            throw new ReplicaException(ErrorCode.NetworkTimeout, $"{host} did not answer '{request.Name}' within {timeout.TotalSeconds:0.#} s");
        }
    }

    public static (string Host, int Port) ParseHost(string host)
    {
        var colon = host.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(host[(colon + 1)..], out var port) || port is <= 0 or > 65535)
            throw new ReplicaException(ErrorCode.BadValue, $"'{host}' is not a host:port");
        return (host[..colon], port);
    }

    private static async Task ProbeAsync(string member, string host, int port)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var cts = new CancellationTokenSource(ConnectProbeTimeout);
        try
        {
            await socket.ConnectAsync(host, port, cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            throw new ReplicaException(ErrorCode.HostUnreachable, $"cannot connect to {member} (its remoting port {port}): {(e is SocketException se ? se.SocketErrorCode.ToString() : "timed out")}");
        }
    }

    private static Akka.Configuration.Config ClientConfig(string bindHost) =>
        ConfigurationFactory.ParseString($$"""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp.hostname = "{{bindHost}}"
            akka.remote.dot-netty.tcp.port = 0
            # The client reports failures itself, naming the member; Akka's own connection logs would only repeat them as noise.
            akka.loglevel = OFF
            akka.stdout-loglevel = OFF
            akka.remote.log-remote-lifecycle-events = off
            # A member that restarts should be reachable again at once, not after the default 5 s gate.
            akka.remote.retry-gate-closed-for = 200ms
            akka.log-dead-letters = off
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            """).WithFallback(ReferenceConfig.Value);

    public async ValueTask DisposeAsync()
    {
        if (_system.IsValueCreated)
            await _system.Value.Terminate().ConfigureAwait(false);
    }
}
