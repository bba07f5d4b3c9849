using Akka.Event;
using MongoDB.Bson;

namespace ReplicaActors.Wire;

/// <summary>
/// The member's <c>topologyVersion</c> for awaitable and streaming hello: a process id chosen at start and a
/// counter bumped whenever what hello says about the member or its set changes (state, primary, config),
/// found by asking the member's hello every <c>replica-actors.wire.topology-poll-interval</c>. A driver whose
/// monitor waits on a hello learns of a new primary within that interval instead of its heartbeat frequency.
/// </summary>
public sealed class TopologyWatch : IDisposable
{
    /// <summary>Fields of the member's hello that change without the topology changing.</summary>
    private static readonly string[] Unwatched = ["localTime", "lastWrite", "ok"];

    private readonly MemberChannel _member;
    private readonly ILoggingAdapter _log;
    private readonly Timer _timer;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _polling = new(1, 1);
    private BsonDocument? _seen;
    private long _counter;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TopologyWatch(MemberChannel member, TimeSpan interval, ILoggingAdapter log)
    {
        _member = member;
        _log = log;
        _timer = new Timer(_ => _ = PollAsync(), null, TimeSpan.Zero, interval);
    }

    public ObjectId ProcessId { get; } = ObjectId.GenerateNewId();

    public BsonDocument Version
    {
        get
        {
            lock (_lock) return Of(ProcessId, _counter);
        }
    }

    public static BsonDocument Of(ObjectId processId, long counter) => new() { { "processId", processId }, { "counter", counter } };

    /// <summary>
    /// Completes when the counter passes <paramref name="counter"/> or <paramref name="maxAwait"/> runs out,
    /// whichever is first; at once if the client's version is from another process or already behind.
    /// </summary>
    public async Task AwaitChangeAsync(BsonDocument clientVersion, TimeSpan maxAwait, CancellationToken cancellationToken)
    {
        Task changed;
        lock (_lock)
        {
            if (!clientVersion.TryGetValue("processId", out var process) || process != ProcessId
                || !clientVersion.TryGetValue("counter", out var counter) || !counter.IsNumeric || counter.ToInt64() != _counter)
                return;
            changed = _changed.Task;
        }
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAny(changed, Task.Delay(maxAwait, waiting.Token)).ConfigureAwait(false);
        waiting.Cancel();
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Looks again now: a state-change error from the member says the topology has probably just changed.</summary>
    public void Poke() => _ = PollAsync();

    private async Task PollAsync()
    {
        if (!await _polling.WaitAsync(0).ConfigureAwait(false)) return;
        try
        {
            var hello = await _member.AskForItselfAsync("admin", new BsonDocument("hello", 1)).ConfigureAwait(false);
            if (!WireErrors.IsOk(hello)) return;
            var watched = new BsonDocument(hello);
            foreach (var field in Unwatched) watched.Remove(field);
            TaskCompletionSource? completed = null;
            lock (_lock)
            {
                if (_seen is not null && _seen.Equals(watched)) return;
                if (_seen is not null)
                {
                    _counter++;
                    completed = _changed;
                    _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                _seen = watched;
            }
            completed?.TrySetResult();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.Warning("wire: could not read the member's hello for topologyVersion: {0}", e.Message);
        }
        finally
        {
            _polling.Release();
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        lock (_lock) _changed.TrySetResult();
    }
}
