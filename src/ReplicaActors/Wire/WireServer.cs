using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using ReplicaActors.Security;

namespace ReplicaActors.Wire;

/// <summary>
/// The member's MongoDB wire listener on its replica-set host (bind-ip:port), serving each connection on its
/// own task and closing idle cursors on a timer. Stopped with the member's ActorSystem.
/// </summary>
public sealed class WireServer : IDisposable
{
    private readonly Socket _listener;
    private readonly CommandDispatcher _dispatcher;
    private readonly CursorRegistry _cursors;
    private readonly WireSettings _settings;
    private readonly WireTls? _tls;
    private readonly ILoggingAdapter _log;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<int, Socket> _connections = new();
    private readonly Timer _sweep;
    private readonly TopologyWatch _topology;
    private readonly WireMetrics _metrics;
    private int _connectionIds;
    private int _requestIds;

    private WireServer(Socket listener, IActorRef member, string host, WireSettings settings, WireTls? tls, AuthSettings auth, ILoggingAdapter log)
    {
        _listener = listener;
        _settings = settings;
        _tls = tls;
        _log = log;
        _cursors = new CursorRegistry(settings.DefaultBatchSize, settings.MaxBatchBytes, settings.CursorIdleTimeout);
        var channel = new MemberChannel(member, settings.CommandTimeout, settings.HelloTimeout);
        _topology = new TopologyWatch(channel, settings.TopologyPollInterval, log);
        var changeStreams = new ChangeStreamCommands(channel, settings);
        var status = new ServerStatus(channel, () => _connections.Count, () => Volatile.Read(ref _connectionIds), settings.MaxConnections);
        _dispatcher = new CommandDispatcher(channel, _cursors, changeStreams, _topology, status, settings, new UserStore(channel), auth);
        _metrics = new WireMetrics(host, () => _connections.Count, () => _cursors.Count, () => changeStreams.Count);
        _sweep = new Timer(_ =>
        {
            var now = DateTime.UtcNow;
            _cursors.CloseIdle(now);
            changeStreams.CloseIdle(now);
        }, null, settings.CursorSweepInterval, settings.CursorSweepInterval);
    }

    /// <summary>The port it listens on.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    /// <summary>
    /// Listens on <paramref name="bindIp"/>:<paramref name="port"/> for the member actor <paramref name="member"/>, until the
    /// system terminates. <paramref name="host"/>, the member's name in the config, tags its metrics.
    /// </summary>
    /// <exception cref="IOException">The address cannot be bound (another process has the port, say).</exception>
    public static WireServer Start(ActorSystem system, IActorRef member, string host, string bindIp, int port)
    {
        var settings = WireSettings.From(system.Settings.Config);
        var auth = AuthSettings.From(system.Settings.Config);
        var tls = WireTls.From(system.Settings.Config);
        var address = BindAddress(bindIp);
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        // As mongod: a restarted member binds its port again at once, though connections it closed linger in TIME_WAIT.
        // Only where SO_REUSEADDR means that (on Windows it would let two listeners share the port).
        if (!OperatingSystem.IsWindows()) listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        try
        {
            listener.Bind(new IPEndPoint(address, port));
            listener.Listen(512);
        }
        catch (SocketException e)
        {
            listener.Dispose();
            throw new IOException($"cannot listen for the MongoDB wire protocol on {bindIp}:{port}: {e.Message}", e);
        }
        var server = new WireServer(listener, member, host, settings, tls, auth, system.Log);
        system.RegisterOnTermination(server.Dispose);
        _ = server.AcceptAsync();
        system.Log.Info("MongoDB wire protocol listening on {0}:{1}, TLS {2}, client authorization {3}", bindIp, server.Port,
            tls is null ? "off" : tls.AcceptsPlaintext ? "accepted (plaintext too)" : "required", auth.Enabled ? "enabled" : "disabled");
        return server;
    }

    private static IPAddress BindAddress(string bindIp)
    {
        var trimmed = bindIp.Trim('[', ']');
        if (trimmed.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return IPAddress.Loopback;
        return IPAddress.TryParse(trimmed, out var parsed) ? parsed : Dns.GetHostAddresses(trimmed).First();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stopping.IsCancellationRequested) return;
                continue;
            }
            if (_connections.Count >= _settings.MaxConnections)
            {
                _log.Warning("wire: {0} connections are open, the most replica-actors.wire.max-connections allows; closing a new one", _connections.Count);
                client.Dispose();
                continue;
            }
            client.NoDelay = true;
            var connection = new WireConnection(client, Interlocked.Increment(ref _connectionIds), _dispatcher, _settings, _tls,
                () => Interlocked.Increment(ref _requestIds), _log);
            _connections[connection.Id] = client;
            _ = Task.Run(async () =>
            {
                try
                {
                    await connection.ServeAsync(_stopping.Token).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    _log.Error(e, "wire connection {0} failed", connection.Id);
                }
                finally
                {
                    _connections.TryRemove(connection.Id, out _);
                    client.Dispose();
                }
            });
        }
    }

    public void Dispose()
    {
        if (_stopping.IsCancellationRequested) return;
        _stopping.Cancel();
        _sweep.Dispose();
        _topology.Dispose();
        _metrics.Dispose();
        _listener.Dispose();
        foreach (var connection in _connections.Values) connection.Dispose();
    }
}
