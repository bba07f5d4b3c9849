using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Client;

/// <summary>
/// A replica-set-aware client over an <see cref="ICommandTransport"/>: discovers the set from its seeds, sends
/// writes to the primary and reads where the read preference allows, and retries once when the member it chose
/// stopped being suitable. The transport stays the caller's to dispose.
/// </summary>
public sealed class ReplicaSetClient : IReplicaSetClient
{
    private readonly IReadOnlyList<string> _seeds;
    private readonly ICommandTransport _transport;
    private readonly ReplicaSetClientOptions _options;
    private readonly TopologyMonitor _monitor;

    public ReplicaSetClient(IEnumerable<string> seeds, ICommandTransport transport, ReplicaSetClientOptions? options = null)
    {
        _seeds = seeds.ToList();
        if (_seeds.Count == 0 || _seeds.Any(string.IsNullOrWhiteSpace))
            throw new ReplicaException(ErrorCode.BadValue, $"a replica set client needs at least one seed host:port, got [{string.Join(", ", _seeds)}]");
        _transport = transport;
        _options = options ?? new ReplicaSetClientOptions();
        _monitor = new TopologyMonitor(_options.Direct ? _seeds.Take(1) : _seeds, transport, _options);
    }

    public TopologyDescription Topology => _monitor.Current;

    public Task<TopologyDescription> WaitForTopologyAsync(Func<TopologyDescription, bool> condition, CancellationToken cancellationToken = default) =>
        _monitor.WaitForAsync(t => condition(t) ? t : null, "the topology did not reach the awaited state", cancellationToken);

    public async Task<CommandReply> RunCommandAsync(CommandRequest request, ReadPreference? readPreference = null, CancellationToken cancellationToken = default)
    {
        var kind = CommandRouting.KindOf(request.Name);
        if (_options.Direct) return await SendDirectAsync(request, kind, readPreference, cancellationToken).ConfigureAwait(false);
        switch (kind)
        {
            case CommandKind.Admin:
                return await SendToFirstAnsweringSeedAsync(request, cancellationToken).ConfigureAwait(false);
            case CommandKind.Read:
                var preference = readPreference ?? ReadPreferenceOf(request.Command) ?? ReadPreference.Primary;
                ReadPreferenceSelector.Validate(preference, HeartbeatMillis);
                return await RunOnSelectedAsync(
                    t => ReadPreferenceSelector.Select(preference, t.Members, HeartbeatMillis, Random.Shared.NextDouble(), _options.LocalThresholdMillis),
                    $"no member matching read preference {ReadPreference.ModeName(preference.Mode)} available for reads",
                    WithReadPreference(request, preference),
                    retry: true,
                    cancellationToken).ConfigureAwait(false);
            case CommandKind.Write:
                return await RunOnSelectedAsync(t => t.Primary, "no primary available for writes", WithWriteId(request), retry: true, cancellationToken)
                    .ConfigureAwait(false);
            default:
                return await RunOnSelectedAsync(t => t.Primary, $"no primary available for {request.Name}", request, retry: false, cancellationToken)
                    .ConfigureAwait(false);
        }
    }

    private int HeartbeatMillis => (int)_options.HeartbeatFrequency.TotalMilliseconds;

    /// <summary>
    /// One attempt, and one more on a fresh choice when the first member turned out unusable. A write's retry
    /// carries the same writeId, so the member that already applied it answers with the first outcome.
    /// </summary>
    private async Task<CommandReply> RunOnSelectedAsync(
        Func<TopologyDescription, ServerDescription?> pick, string purpose, CommandRequest request, bool retry, CancellationToken cancellationToken)
    {
        var server = await _monitor.WaitForAsync(pick, purpose, cancellationToken).ConfigureAwait(false);
        try
        {
            var reply = await _transport.SendAsync(server.Host, request, _options.CommandTimeout, cancellationToken).ConfigureAwait(false);
            if (CommandRouting.ErrorOf(reply) is not { } code || !CommandRouting.IsRetryable(code)) return reply;
            _monitor.MarkUnknown(server.Host, $"answered {request.Name} with {code}");
            if (!retry) return reply;
        }
        catch (ReplicaException e) when (CommandRouting.IsRetryable(e.Code))
        {
            _monitor.MarkUnknown(server.Host, e.Message);
            if (!retry) throw;
        }
        server = await _monitor.WaitForAsync(pick, purpose, cancellationToken).ConfigureAwait(false);
        return await _transport.SendAsync(server.Host, request, _options.CommandTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Admin commands ask one member about itself: the first seed that answers, as the seeds were given.</summary>
    private async Task<CommandReply> SendToFirstAnsweringSeedAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        foreach (var host in _seeds)
        {
            try
            {
                return await _transport.SendAsync(host, request, _options.CommandTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (ReplicaException e) when (e.Code is ErrorCode.HostUnreachable or ErrorCode.NetworkTimeout)
            {
                failures.Add($"{host} ({e.Message})");
            }
        }
        throw new ReplicaException(ErrorCode.HostUnreachable, $"no host answered: {string.Join("; ", failures)}");
    }

    /// <summary>Direct: the first seed only, whatever its role; a read says it accepts a secondary.</summary>
    private Task<CommandReply> SendDirectAsync(CommandRequest request, CommandKind kind, ReadPreference? readPreference, CancellationToken cancellationToken)
    {
        var prepared = kind switch
        {
            CommandKind.Write => WithWriteId(request),
            CommandKind.Read when readPreference is not null => WithReadPreference(request, readPreference),
            CommandKind.Read when !request.Command.Contains("$readPreference") =>
                WithReadPreference(request, new ReadPreference(ReadPreferenceMode.PrimaryPreferred)),
            _ => request,
        };
        return _transport.SendAsync(_seeds[0], prepared, _options.CommandTimeout, cancellationToken);
    }

    private static CommandRequest WithWriteId(CommandRequest request) =>
        request.Command.Contains("writeId")
            ? request
            : request with { Command = new BsonDocument(request.Command) { { "writeId", ObjectId.GenerateNewId() } } };

    /// <summary>Members refuse reads on a secondary unless the command says its read preference allows one.</summary>
    private static CommandRequest WithReadPreference(CommandRequest request, ReadPreference preference)
    {
        if (preference.Mode == ReadPreferenceMode.Primary && !request.Command.Contains("$readPreference")) return request;
        var command = new BsonDocument(request.Command) { ["$readPreference"] = new BsonDocument("mode", ReadPreference.ModeName(preference.Mode)) };
        return request with { Command = command };
    }

    private static ReadPreference? ReadPreferenceOf(BsonDocument command) =>
        command.TryGetValue("$readPreference", out var value) && value is BsonDocument d && d.TryGetValue("mode", out var mode) && mode.IsString
            ? new ReadPreference(ReadPreference.ParseMode(mode.AsString))
            : null;

    public ValueTask DisposeAsync() => _monitor.DisposeAsync();
}
