using System.Collections.Concurrent;
using System.Diagnostics;
using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Client;

/// <summary>
/// Keeps a client's <see cref="TopologyDescription"/> current: one background loop sends <c>hello</c> to every
/// known member each heartbeat (sooner when asked), and every change wakes whoever waits for a suitable member.
/// </summary>
internal sealed class TopologyMonitor(IEnumerable<string> seeds, ICommandTransport transport, ReplicaSetClientOptions options) : IAsyncDisposable
{
    private static readonly CommandRequest Hello = new("admin", new BsonDocument(CommandCatalog.Hello, 1));

    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly ConcurrentDictionary<string, Task> _checks = new();
    private readonly Dictionary<string, long> _markedUnknownAt = [];
    private TopologyDescription _topology = TopologyDescription.FromSeeds(seeds);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;

    public TopologyDescription Current
    {
        get
        {
            lock (_gate) return _topology;
        }
    }

    /// <summary>Waits until <paramref name="pick"/> finds something in the topology, or fails naming what was seen.</summary>
    /// <param name="purpose">What is missing, for the error: "no primary available for writes".</param>
    public async Task<T> WaitForAsync<T>(Func<TopologyDescription, T?> pick, string purpose, CancellationToken cancellationToken)
        where T : class
    {
        Start();
        var waited = Stopwatch.StartNew();
        var checkRequested = false;
        while (true)
        {
            Task changed;
            TopologyDescription topology;
            lock (_gate)
            {
                changed = _changed.Task;
                topology = _topology;
            }
            if (pick(topology) is { } found) return found;
            var remaining = options.ServerSelectionTimeout - waited.Elapsed;
            if (remaining <= TimeSpan.Zero)
                throw new ReplicaException(ErrorCode.HostUnreachable,
                    $"{purpose} within {options.ServerSelectionTimeout.TotalSeconds:0.###} s; members: {topology.Describe()}");
            if (!checkRequested)
            {
                RequestCheck();
                checkRequested = true;
            }
            try
            {
                await changed.WaitAsync(remaining, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The next pass names what was seen.
            }
        }
    }

    /// <summary>A command found the member unusable: forget its role until a heartbeat tells it again.</summary>
    public void MarkUnknown(string host, string error)
    {
        Update(t =>
        {
            _markedUnknownAt[host] = Stopwatch.GetTimestamp();
            return TopologyRules.Failed(t, host, error);
        });
        RequestCheck();
    }

    public void Start()
    {
        lock (_gate) _loop ??= Task.Run(() => RunAsync(_stop.Token));
    }

    private void RequestCheck() => _wake.Release();

    private async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            foreach (var member in Current.Members)
            {
                // A member still being checked (a slow or hung one) is not asked twice; the others do not wait for it.
                if (_checks.ContainsKey(member.Host)) continue;
                var check = CheckAsync(member.Host, stop);
                _checks[member.Host] = check;
                _ = check.ContinueWith(done => _checks.TryRemove(KeyValuePair.Create(member.Host, done)), TaskScheduler.Default);
            }
            try
            {
                await _wake.WaitAsync(options.HeartbeatFrequency, stop).ConfigureAwait(false);
                while (_wake.CurrentCount > 0) await _wake.WaitAsync(0, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task CheckAsync(string host, CancellationToken stop)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var reply = await transport.SendAsync(host, Hello, options.CommandTimeout, stop).ConfigureAwait(false);
            var roundTrip = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            // A hello sent before a command found the member unusable must not bring back the role it had then.
            if (reply.Ok)
                Update(t => _markedUnknownAt.GetValueOrDefault(host) > started
                    ? t
                    : TopologyRules.Answered(t, host, HelloReply.Parse(reply.Body), roundTrip, DateTimeOffset.UtcNow));
            else Update(t => TopologyRules.Failed(t, host, $"hello failed: {reply.Body.GetValue("errmsg", "no message")}"));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client is being disposed.
        }
        catch (Exception e)
        {
            // Whatever went wrong, the member is unusable until it answers again; monitoring goes on.
            Update(t => TopologyRules.Failed(t, host, e.Message));
        }
    }

    /// <summary>Applies <paramref name="change"/> under the lock and wakes everyone waiting for a change.</summary>
    private void Update(Func<TopologyDescription, TopologyDescription> change)
    {
        TaskCompletionSource changed;
        bool learnedMembers;
        lock (_gate)
        {
            var before = _topology;
            _topology = change(before);
            if (ReferenceEquals(before, _topology)) return;
            learnedMembers = _topology.Members.Any(m => before.Find(m.Host) is null);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.SetResult();
        if (learnedMembers) RequestCheck();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        Task? loop;
        lock (_gate) loop = _loop;
        if (loop is not null) await loop.ConfigureAwait(false);
        await Task.WhenAll(_checks.Values).ConfigureAwait(false);
        _stop.Dispose();
        _wake.Dispose();
    }
}
