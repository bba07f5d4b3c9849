using ReplicaActors.Protocol;

namespace ReplicaActors.Wire;

/// <summary>What <see cref="CommittedOplogTail.ReadAsync"/> found for a stream's position.</summary>
/// <param name="Entries">Majority-committed entries right after the position, in oplog order (empty: none arrived in time).</param>
/// <param name="Outside">The tail cannot serve the position (older than it holds, not an entry it holds, or not started):
/// the stream fetches from the member itself.</param>
public sealed record TailRead(IReadOnlyList<OplogEntry> Entries, bool Outside)
{
    public static readonly TailRead None = new([], false);
    public static readonly TailRead NotHeld = new([], true);
}

/// <summary>
/// The majority-committed oplog as one wire listener's change streams share it: one reader tails the member with the
/// member protocol's own <see cref="FetchOplog"/> (as a secondary tails its sync source) while any stream waits, keeps
/// the newest <c>shared-tail-entries</c> committed entries, and wakes every waiting stream when more are committed.
/// Each stream reads from its own position, so 100 watchers cost the member one fetch (and one commit-point poll)
/// instead of 100. Entries are kept only once majority-committed, and those are never rolled back, so what is held
/// stays true; it is held as one unbroken run after <see cref="_base"/>, so a stream that reads from it skips nothing.
/// </summary>
public sealed class CommittedOplogTail(MemberChannel member, TimeSpan commitPollInterval, int capacity)
{
    private readonly Lock _lock = new();
    private readonly List<OplogEntry> _entries = [];
    private OpTime? _base;
    private TaskCompletionSource _advanced = NewSignal();
    private int _waiting;
    private bool _reading;

    /// <summary>Fetches once straight from the member (a stream the tail cannot serve, or checking a start).</summary>
    public Task<OplogBatch> FetchAsync(OpTime after, CancellationToken cancellationToken) => member.FetchOplogAsync(after, cancellationToken);

    /// <summary>How long a stream waits before asking again when the member holds entries not yet majority-committed.</summary>
    public TimeSpan CommitPollInterval => commitPollInterval;

    /// <summary>
    /// Starts the tail at <paramref name="commitPoint"/>, a commit point the member just reported, unless it runs
    /// already. A tail the member could not serve (its position gone) stops and waits for the next stream's start.
    /// </summary>
    public void Seed(OpTime commitPoint)
    {
        lock (_lock)
        {
            if (_base is not null) return;
            _base = commitPoint;
            _entries.Clear();
        }
    }

    /// <summary>
    /// The committed entries after <paramref name="after"/>, waiting up to <paramref name="maxWait"/> while there are
    /// none yet; <see cref="TailRead.NotHeld"/> when the tail cannot serve that position.
    /// </summary>
    public async Task<TailRead> ReadAsync(OpTime after, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        Task advanced;
        lock (_lock)
        {
            if (Find(after) is { } read) return read;
            _waiting++;
            advanced = _advanced.Task;
            if (!_reading)
            {
                _reading = true;
                _ = Task.Run(TailAsync, CancellationToken.None);
            }
        }
        try
        {
            await Task.WhenAny(advanced, Task.Delay(maxWait, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
        finally
        {
            lock (_lock) _waiting--;
        }
        lock (_lock) return Find(after) ?? TailRead.None;
    }

    /// <summary>Null: the position is the newest held, or newer (wait for more); otherwise what there is to read.</summary>
    private TailRead? Find(OpTime after)
    {
        if (_base is not { } start || after < start) return TailRead.NotHeld;
        var head = _entries.Count > 0 ? _entries[^1].OpTime : start;
        if (after >= head) return null;
        var from = after == start ? 0 : IndexOf(after) + 1;
        return from == 0 && after != start ? TailRead.NotHeld : new TailRead(_entries.GetRange(from, _entries.Count - from), false);
    }

    /// <summary>Where the entry at <paramref name="opTime"/> is held, or -1 (the entries are in OpTime order).</summary>
    private int IndexOf(OpTime opTime)
    {
        int low = 0, high = _entries.Count - 1;
        while (low <= high)
        {
            var middle = low + (high - low) / 2;
            var found = _entries[middle].OpTime;
            if (found == opTime) return middle;
            if (found < opTime) low = middle + 1;
            else high = middle - 1;
        }
        return -1;
    }

    /// <summary>The one reader: fetches after the newest committed entry held while any stream waits.</summary>
    private async Task TailAsync()
    {
        while (true)
        {
            OpTime head;
            lock (_lock)
            {
                if (_waiting == 0 || _base is not { } start)
                {
                    _reading = false;
                    return;
                }
                head = _entries.Count > 0 ? _entries[^1].OpTime : start;
            }
            OplogBatch batch;
            try
            {
                batch = await member.FetchOplogAsync(head, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The member did not answer (or the ask failed): the waiting streams fetch for themselves and get the error.
                Stop();
                return;
            }
            if (batch.AfterNotFound)
            {
                // The member no longer holds the head (its oplog was truncated or resynced): a stream's own fetch says why.
                Stop();
                return;
            }
            var committed = batch.Entries.TakeWhile(e => e.OpTime <= batch.CommitPoint).ToList();
            if (committed.Count > 0) Append(committed);
            // The member does not announce commit-point progress to the wire layer: look again shortly.
            else if (batch.Entries.Count > 0) await Task.Delay(commitPollInterval).ConfigureAwait(false);
        }
    }

    private void Append(List<OplogEntry> committed)
    {
        TaskCompletionSource advanced;
        lock (_lock)
        {
            _entries.AddRange(committed);
            var over = _entries.Count - capacity;
            if (over > 0)
            {
                _base = _entries[over - 1].OpTime;
                _entries.RemoveRange(0, over);
            }
            advanced = _advanced;
            _advanced = NewSignal();
        }
        advanced.SetResult();
    }

    private void Stop()
    {
        TaskCompletionSource advanced;
        lock (_lock)
        {
            _base = null;
            _entries.Clear();
            _reading = false;
            advanced = _advanced;
            _advanced = NewSignal();
        }
        advanced.SetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
