using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Remote.Transport;
using Google.Protobuf;

namespace ReplicaActors.Server;

/// <summary>
/// Akka's DotNetty TCP transport, except that outgoing connections leave from the member's own address
/// (<c>akka.remote.dot-netty.tcp.hostname</c>) rather than the one the OS picks (127.0.0.1 for any loopback
/// peer), so that a firewall rule can cut one member on this machine from another
/// (<c>replica-actors.remoting.bind-outgoing</c>). Akka 1.5 has no setting for the client's local address and
/// its TcpTransport is internal and sealed, so listening, inbound connections and shutdown stay Akka's own
/// (created by the name Akka's reference.conf gives it) and only <see cref="Associate"/> is done here, in
/// DotNetty's framing as Akka configures it: a 4-byte little-endian length before each payload.
/// </summary>
public sealed class SourceBoundTcpTransport : Akka.Remote.Transport.Transport
{
    private const string AkkaTcpTransport = "Akka.Remote.Transport.DotNetty.TcpTransport, Akka.Remote";

    private readonly Akka.Remote.Transport.Transport _akka;
    private readonly IPAddress _source;
    private readonly TimeSpan _connectTimeout;
    private readonly bool _noDelay;
    private readonly bool _keepAlive;
    private readonly ConcurrentDictionary<OutboundHandle, byte> _outbound = new();

    public SourceBoundTcpTransport(ActorSystem system, Akka.Configuration.Config config)
    {
        if (config.GetBoolean("enable-ssl"))
            throw new Akka.Configuration.ConfigurationException("replica-actors.remoting.bind-outgoing does not support akka.remote.dot-netty.tcp.enable-ssl");
        if (config.GetString("byte-order") != "little-endian")
            throw new Akka.Configuration.ConfigurationException("replica-actors.remoting.bind-outgoing needs akka.remote.dot-netty.tcp.byte-order = little-endian");
        var hostname = config.GetString("hostname");
        if (!IPAddress.TryParse(hostname, out var source))
            throw new Akka.Configuration.ConfigurationException($"replica-actors.remoting.bind-outgoing needs an IP address to bind to, not '{hostname}'");

        System = system;
        Config = config;
        _akka = (Akka.Remote.Transport.Transport)Activator.CreateInstance(Type.GetType(AkkaTcpTransport, throwOnError: true)!, system, config)!;
        SchemeIdentifier = _akka.SchemeIdentifier;
        MaximumPayloadBytes = _akka.MaximumPayloadBytes;
        _source = source;
        _connectTimeout = config.GetTimeSpan("connection-timeout");
        _noDelay = config.GetBoolean("tcp-nodelay");
        _keepAlive = config.GetBoolean("tcp-keepalive");
    }

    public override Task<(Address, TaskCompletionSource<IAssociationEventListener>)> Listen() => _akka.Listen();

    public override bool IsResponsibleFor(Address remote) => _akka.IsResponsibleFor(remote);

    public override async Task<AssociationHandle> Associate(Address remoteAddress)
    {
        var socket = new Socket(_source.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = _noDelay };
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, _keepAlive);
        try
        {
            socket.Bind(new IPEndPoint(_source, 0));
            using var timeout = new CancellationTokenSource(_connectTimeout);
            await socket.ConnectAsync(remoteAddress.Host!, remoteAddress.Port ?? 0, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            throw new InvalidAssociationException($"Failed to associate with {remoteAddress} from {_source}: {e.Message}");
        }

        var local = new Address(SchemeIdentifier, System.Name, _source.ToString(), ((IPEndPoint)socket.LocalEndPoint!).Port);
        var handle = new OutboundHandle(local, remoteAddress, socket, MaximumPayloadBytes, _connectTimeout, h => _outbound.TryRemove(h, out _));
        _outbound[handle] = 0;
        return handle;
    }

    public override async Task<bool> Shutdown()
    {
        foreach (var handle in _outbound.Keys)
            handle.Close();
        return await _akka.Shutdown().ConfigureAwait(false);
    }

    /// <summary>One outgoing connection: a writer draining the queue Akka writes into, a reader started once Akka listens.</summary>
    private sealed class OutboundHandle : AssociationHandle
    {
        private readonly NetworkStream _stream;
        private readonly long _maxFrameBytes;
        private readonly TimeSpan _closeGrace;
        private readonly Action<OutboundHandle> _closed;
        private readonly Channel<ByteString> _outgoing = Channel.CreateUnbounded<ByteString>(new UnboundedChannelOptions { SingleReader = true });
        private readonly TaskCompletionSource _closing = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public OutboundHandle(Address local, Address remote, Socket socket, long maxFrameBytes, TimeSpan closeGrace, Action<OutboundHandle> closed)
            : base(local, remote)
        {
            _stream = new NetworkStream(socket, ownsSocket: true);
            _maxFrameBytes = maxFrameBytes;
            _closeGrace = closeGrace;
            _closed = closed;
            _ = SendAsync();
            _ = ReceiveAsync();
        }

        public override bool Write(ByteString payload) => _outgoing.Writer.TryWrite(payload);

#pragma warning disable CS0672 // Akka's own handles override it too: Disassociate(reason, log) logs and then calls this.
        public override void Disassociate()
#pragma warning restore CS0672
        {
            // What Akka queued (its Disassociate message among it) goes out before the socket closes, as DotNetty
            // flushes before it closes; a peer that stopped reading must not hold the connection open.
            _outgoing.Writer.TryComplete();
            _ = Task.Delay(_closeGrace).ContinueWith(_ => Close(), TaskScheduler.Default);
        }

        public void Close()
        {
            _outgoing.Writer.TryComplete();
            if (!_closing.TrySetResult()) return;
            _stream.Dispose();
            _closed(this);
        }

        private async Task SendAsync()
        {
            try
            {
                await foreach (var payload in _outgoing.Reader.ReadAllAsync().ConfigureAwait(false))
                {
                    var frame = new byte[4 + payload.Length];
                    BinaryPrimitives.WriteInt32LittleEndian(frame, payload.Length);
                    payload.Span.CopyTo(frame.AsSpan(4));
                    await _stream.WriteAsync(frame).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // The connection broke; the reader reports it to Akka.
            }
            Close();
        }

        private async Task ReceiveAsync()
        {
            // Nothing is read before Akka listens, as Akka's own transport keeps auto-read off until then.
            await Task.WhenAny(ReadHandlerSource.Task, _closing.Task).ConfigureAwait(false);
            if (!ReadHandlerSource.Task.IsCompletedSuccessfully) return;
            var listener = ReadHandlerSource.Task.Result;
            try
            {
                var header = new byte[4];
                while (true)
                {
                    await _stream.ReadExactlyAsync(header).ConfigureAwait(false);
                    var length = BinaryPrimitives.ReadInt32LittleEndian(header);
                    // Akka's frame decoder fails the connection on an oversized frame as well.
                    if (length < 0 || length > _maxFrameBytes) break;
                    var body = new byte[length];
                    await _stream.ReadExactlyAsync(body).ConfigureAwait(false);
                    if (length > 0) listener.Notify(new InboundPayload(UnsafeByteOperations.UnsafeWrap(body)));
                }
            }
            catch (Exception e) when (e is IOException or EndOfStreamException or ObjectDisposedException)
            {
                // Closed by either side; Akka hears it below.
            }
            Close();
            listener.Notify(new Disassociated(DisassociateInfo.Unknown));
        }
    }
}
