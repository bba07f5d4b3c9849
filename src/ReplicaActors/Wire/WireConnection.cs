using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Akka.Event;
using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Security;

namespace ReplicaActors.Wire;

/// <summary>
/// One client connection: read a message, answer it, read the next (the protocol has one request in flight per
/// connection). Whatever a client sends, the worst outcome is this connection closing: a framing it cannot trust
/// (a bad length, an unknown opcode or section kind) closes it, anything else unreadable gets an error reply.
/// With <paramref name="tls"/>, a client that opens with a TLS handshake is served over TLS.
/// </summary>
internal sealed class WireConnection(Socket socket, int id, CommandDispatcher dispatcher, WireSettings settings, WireTls? tls, Func<int> nextRequestId, ILoggingAdapter log)
{
    private const int OpQueryUnsupported = 5739101;

    /// <summary>The compressors this connection's last hello that named any agreed on.</summary>
    private IReadOnlyList<string> _compressors = [];

    /// <summary>Who the client is, as far as it has authenticated on this connection.</summary>
    private readonly ClientSession _session = new(socket.RemoteEndPoint is IPEndPoint { Address: var address } && IPAddress.IsLoopback(address));

    /// <summary>Where a hang-up watch peeks: the byte is never consumed.</summary>
    private readonly byte[] _peeked = new byte[1];

    public int Id => id;

    public async Task ServeAsync(CancellationToken cancellationToken)
    {
        await using var network = new NetworkStream(socket, ownsSocket: true);
        var headerBytes = new byte[MessageHeader.Size];
        try
        {
            await using var stream = tls is null ? network : await OpenAsync(network, tls, cancellationToken).ConfigureAwait(false);
            if (stream is null) return;
            while (!cancellationToken.IsCancellationRequested)
            {
                if (await stream.ReadAtLeastAsync(headerBytes, MessageHeader.Size, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) < MessageHeader.Size)
                    return;
                var header = MessageHeader.Read(headerBytes);
                if (header.Problem(settings.MaxMessageBytes) is { } problem)
                {
                    log.Debug("wire connection {0}: {1}; closing it", id, problem);
                    return;
                }
                var payload = new byte[header.PayloadLength];
                await stream.ReadExactlyAsync(payload, cancellationToken).ConfigureAwait(false);
                byte[]? reply;
                using (var request = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    var hangUp = CancelOnHangUpAsync(request);
                    try
                    {
                        reply = await AnswerAsync(header, payload, stream, request.Token).ConfigureAwait(false);
                    }
                    finally
                    {
                        await request.CancelAsync().ConfigureAwait(false);
                        await hangUp.ConfigureAwait(false);
                    }
                }
                if (reply is not null) await stream.WriteAsync(reply, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (WireFormatException e)
        {
            log.Debug("wire connection {0}: {1}; closing it", id, e.Message);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away, or the member is stopping.
        }
    }

    /// <summary>
    /// Reads a new connection's first bytes to tell a TLS client from a plaintext one: a TLS client gets the
    /// handshake, a plaintext one is served as it is when the mode accepts plaintext and closed when it requires TLS.
    /// </summary>
    /// <returns>The stream to serve, or null when the connection is to be closed.</returns>
    private async Task<Stream?> OpenAsync(NetworkStream network, WireTls tls, CancellationToken cancellationToken)
    {
        using var opening = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        opening.CancelAfter(tls.HandshakeTimeout);
        var first = new byte[WireTls.SniffLength];
        try
        {
            if (await network.ReadAtLeastAsync(first, first.Length, throwOnEndOfStream: false, opening.Token).ConfigureAwait(false) < first.Length)
                return null;
            var replayed = new PrefixedStream(network, first);
            if (!WireTls.IsClientHello(first))
            {
                if (tls.AcceptsPlaintext) return replayed;
                log.Info("wire connection {0} from {1} closed: it did not open with a TLS handshake, and replica-actors.tls.mode is requireTLS", id, socket.RemoteEndPoint);
                return null;
            }
            var secured = new SslStream(replayed, leaveInnerStreamOpen: false);
            try
            {
                await secured.AuthenticateAsServerAsync(tls.ServerOptions(), opening.Token).ConfigureAwait(false);
                return secured;
            }
            catch
            {
                await secured.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            log.Info("wire connection {0} from {1} closed: no TLS handshake or first message within replica-actors.tls.handshake-timeout ({2})", id, socket.RemoteEndPoint, tls.HandshakeTimeout);
            return null;
        }
        catch (AuthenticationException e)
        {
            log.Info("wire connection {0} from {1} closed: the TLS handshake failed: {2}", id, socket.RemoteEndPoint, e.Message);
            return null;
        }
    }

    /// <summary>
    /// Cancels <paramref name="request"/> if the client hangs up while it is served, so work done only for it ends
    /// with it (a read waiting for an afterClusterTime with no maxTimeMS has no other end). It peeks, so bytes the
    /// client sends meanwhile (after a moreToCome request) stay for the next read; it stops when the request ends.
    /// </summary>
    private async Task CancelOnHangUpAsync(CancellationTokenSource request)
    {
        try
        {
            if (await socket.ReceiveAsync(_peeked, SocketFlags.Peek, request.Token).ConfigureAwait(false) == 0) await request.CancelAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Answered first.
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            await request.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The reply to send, or null when the client asked for none.</summary>
    /// <param name="compressor">The compressor the request came in, which its reply goes out in (null: uncompressed).</param>
    private async Task<byte[]?> AnswerAsync(MessageHeader header, byte[] payload, Stream stream, CancellationToken cancellationToken, CompressorId? compressor = null)
    {
        switch ((OpCode)header.OpCode)
        {
            case OpCode.Msg:
                return await AnswerMessageAsync(header, payload, stream, compressor, cancellationToken).ConfigureAwait(false);
            case OpCode.Query:
                return OpReply.Encode(nextRequestId(), header.RequestId, await AnswerQueryAsync(payload, cancellationToken).ConfigureAwait(false));
            case OpCode.Compressed when compressor is null:
                return await AnswerCompressedAsync(header, payload, stream, cancellationToken).ConfigureAwait(false);
            default:
                throw new WireFormatException($"opcode {header.OpCode} is not served (only OP_MSG, and OP_QUERY for the first hello)", closeConnection: true);
        }
    }

    /// <summary>
    /// Unwraps an OP_COMPRESSED in a compressor this connection's hello agreed on and answers what it holds, in the
    /// same compressor. A compressor not agreed on gets an error; bytes that do not inflate as claimed close the connection.
    /// </summary>
    private async Task<byte[]?> AnswerCompressedAsync(MessageHeader header, byte[] payload, Stream stream, CancellationToken cancellationToken)
    {
        if (Compression.CompressorOf(payload) is not { } id)
            throw new WireFormatException("OP_COMPRESSED is too short to name its compressor", closeConnection: true);
        if (!_compressors.Any(name => (byte?)Compression.Id(name) == id))
            return OpMsg.Encode(nextRequestId(), header.RequestId, WireErrors.Error(ErrorCode.CommandNotSupported,
                $"OP_COMPRESSED with compressor id {id}, which this connection's hello did not agree on (agreed: [{string.Join(", ", _compressors)}])"));
        var compressor = (CompressorId)id;
        var (opCode, inner) = Compression.Decompress(payload, compressor, settings.MaxMessageBytes);
        if (opCode is not ((int)OpCode.Msg or (int)OpCode.Query))
            throw new WireFormatException($"OP_COMPRESSED holds opcode {opCode} (only OP_MSG and OP_QUERY are served)", closeConnection: true);
        return await AnswerAsync(header with { MessageLength = MessageHeader.Size + inner.Length, OpCode = opCode }, inner, stream, cancellationToken, compressor).ConfigureAwait(false);
    }

    private async Task<byte[]?> AnswerMessageAsync(MessageHeader header, byte[] payload, Stream stream, CompressorId? compressor, CancellationToken cancellationToken)
    {
        var moreToCome = payload.Length >= 4 && (BitConverter.ToUInt32(payload, 0) & (uint)OpMsgFlags.MoreToCome) != 0;
        BsonDocument reply;
        var name = "";
        try
        {
            var message = OpMsg.Parse(payload, payload.Length);
            var command = message.Command();
            if (!command.TryGetValue("$db", out var db) || !db.IsString)
                throw new WireFormatException("the command has no '$db' naming its database");
            var request = new WireRequest(db.AsString, command, id);
            name = request.Name;
            // A fire-and-forget endSessions needs no work; a reply to it would desynchronise the stream.
            if (moreToCome && request.Name == "endSessions") return null;
            if (message.Flags.HasFlag(OpMsgFlags.ExhaustAllowed) && HelloDocument.IsHello(request.Name) && HelloCommand.IsAwaitable(command))
            {
                await StreamHelloAsync(request, header.RequestId, stream, cancellationToken).ConfigureAwait(false);
                return null;
            }
            reply = Negotiated(name, command, await dispatcher.RunAsync(request, _session, cancellationToken).ConfigureAwait(false));
        }
        catch (WireFormatException e) when (!e.CloseConnection)
        {
            reply = WireErrors.Error(ErrorCode.InvalidBSON, e.Message);
        }
        if (!moreToCome)
        {
            var message = OpMsg.Encode(nextRequestId(), header.RequestId, reply);
            return compressor is { } replyCompressor && Compression.MayCompressReplyTo(name) ? Compression.Compress(message, replyCompressor) : message;
        }
        // An unacknowledged write that reached a non-primary must not vanish silently: closing tells the driver.
        if (reply.GetValue("code", 0).ToInt32() is (int)ErrorCode.NotWritablePrimary or (int)ErrorCode.NotPrimaryNoSecondaryOk)
            throw new WireFormatException("an unacknowledged write reached a member that is not primary", closeConnection: true);
        return null;
    }

    /// <summary>
    /// Exhaust hello: each reply sets moreToCome and answers the previous reply, and the next one follows the next
    /// topology change (or the client's maxAwaitTimeMS) with no request in between. An error ends the stream
    /// without the flag; a client ends it by closing the connection.
    /// </summary>
    private async Task StreamHelloAsync(WireRequest request, int requestId, Stream stream, CancellationToken cancellationToken)
    {
        var responseTo = requestId;
        var command = new BsonDocument(request.Command);
        while (!cancellationToken.IsCancellationRequested)
        {
            var reply = await dispatcher.RunAsync(request with { Command = command }, _session, cancellationToken).ConfigureAwait(false);
            var ok = WireErrors.IsOk(reply);
            var replyId = nextRequestId();
            await stream.WriteAsync(OpMsg.Encode(replyId, responseTo, reply, ok ? OpMsgFlags.MoreToCome : OpMsgFlags.None), cancellationToken).ConfigureAwait(false);
            if (!ok) return;
            responseTo = replyId;
            command["topologyVersion"] = reply["topologyVersion"];
        }
    }

    private async Task<BsonDocument> AnswerQueryAsync(byte[] payload, CancellationToken cancellationToken)
    {
        OpQuery query;
        try
        {
            query = OpQuery.Parse(payload, payload.Length);
        }
        catch (WireFormatException e)
        {
            return LegacyError(e.Message);
        }
        var command = query.Command();
        // Drivers finish the handshake in the legacy opcode they opened it with, authentication included.
        if (query.CommandDb is not { } db || command.ElementCount == 0 || command.GetElement(0).Name is var name && !HelloDocument.IsHello(name) && name is not ("saslStart" or "saslContinue"))
            return LegacyError("OP_QUERY is no longer supported except for the handshake (hello/isMaster, saslStart, saslContinue); use OP_MSG");
        try
        {
            return Negotiated(command.GetElement(0).Name, command, await dispatcher.RunAsync(new WireRequest(db, command, id, query.SecondaryOk), _session, cancellationToken).ConfigureAwait(false));
        }
        catch (WireFormatException e)
        {
            return LegacyError(e.Message);
        }
    }

    /// <summary>A hello that lists compressors agrees on those the server offers too, and its reply says which (none: no field).</summary>
    private BsonDocument Negotiated(string name, BsonDocument command, BsonDocument reply)
    {
        if (!HelloDocument.IsHello(name) || !WireErrors.IsOk(reply)
            || Compression.Negotiate(command, settings.Compressors) is not { } agreed)
            return reply;
        _compressors = agreed;
        if (agreed.Count > 0) reply["compression"] = new BsonArray(agreed);
        return reply;
    }

    private static BsonDocument LegacyError(string message) => new()
    {
        { "$err", message },
        { "errmsg", message },
        { "code", OpQueryUnsupported },
        { "ok", 0.0 },
    };
}
