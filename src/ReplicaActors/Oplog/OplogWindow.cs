using ReplicaActors.Protocol;

namespace ReplicaActors.Oplog;

/// <summary>
/// The newest oplog entries, held in memory to serve secondaries' fetches without reading the
/// journal. Bounded by size: a secondary that falls behind the oldest entry held is too stale to
/// catch up by tailing and needs a fresh initial sync.
/// </summary>
public sealed class OplogWindow
{
    private readonly long _maxBytes;
    private readonly List<OplogEntry> _entries = [];
    private readonly List<long> _sizes = [];
    private int _start;
    private long _bytes;

    public OplogWindow(long maxBytes)
    {
        _maxBytes = maxBytes;
        Entries = new View(this);
    }

    /// <summary>The entries held, oldest first: a live view, not a copy.</summary>
    public IReadOnlyList<OplogEntry> Entries { get; }

    /// <summary>True while every entry ever written is still held, so a fetch from the very beginning can be served.</summary>
    public bool HoldsBeginning { get; private set; } = true;

    public int Count => _entries.Count - _start;

    public OpTime Oldest => Count > 0 ? _entries[_start].OpTime : OpTime.Null;

    public OpTime Newest => Count > 0 ? _entries[^1].OpTime : OpTime.Null;

    public void Append(IReadOnlyList<OplogEntry> entries, Func<OplogEntry, long> sizeOf)
    {
        foreach (var entry in entries)
        {
            var size = sizeOf(entry);
            _entries.Add(entry);
            _sizes.Add(size);
            _bytes += size;
        }
        while (_bytes > _maxBytes && Count > 1)
        {
            _bytes -= _sizes[_start];
            _start++;
            HoldsBeginning = false;
        }
        // Compact now and then so dropped entries do not pin memory.
        if (_start > 4096 && _start > _entries.Count / 2)
        {
            _entries.RemoveRange(0, _start);
            _sizes.RemoveRange(0, _start);
            _start = 0;
        }
    }

    /// <summary>
    /// Forgets every entry up to <paramref name="opTime"/>: the journal no longer holds them (the oplog
    /// was truncated), so a fetch from before the window's oldest entry is told it is too old.
    /// </summary>
    public void ForgetThrough(OpTime opTime)
    {
        HoldsBeginning = false;
        while (Count > 0 && _entries[_start].OpTime <= opTime)
        {
            _bytes -= _sizes[_start];
            _start++;
        }
    }

    /// <summary>
    /// True when <paramref name="after"/> is newer than every entry held (a later timestamp in the same term, or a later
    /// term): the fetching member is ahead of this one (a secondary told to sync from a staler member), so the fetch
    /// waits rather than read as divergence, which would make the fetcher undo entries this member lacks. An entry of
    /// an older term than the newest held can never arrive after it: that fetch has diverged.
    /// </summary>
    public bool IsBehind(OpTime after) => Count > 0 && after > Newest;

    /// <summary>Forgets every entry after <paramref name="opTime"/> (rollback).</summary>
    public void TruncateAfter(OpTime opTime)
    {
        while (Count > 0 && _entries[^1].OpTime > opTime)
        {
            _bytes -= _sizes[^1];
            _entries.RemoveAt(_entries.Count - 1);
            _sizes.RemoveAt(_sizes.Count - 1);
        }
    }

    /// <summary>
    /// Up to <paramref name="max"/> entries after <paramref name="after"/>, or null when the window cannot
    /// tell what follows it: <paramref name="after"/> is older than the window or is not an entry in it.
    /// </summary>
    public IReadOnlyList<OplogEntry>? After(OpTime after, int max)
    {
        int first;
        if (after.IsNull)
        {
            if (!HoldsBeginning) return null;
            first = _start;
        }
        else
        {
            var index = IndexOf(after);
            if (index < 0) return null;
            first = index + 1;
        }
        var count = Math.Min(max, _entries.Count - first);
        return count <= 0 ? [] : _entries.GetRange(first, count);
    }

    /// <summary>
    /// What a fetch of the entries after <paramref name="after"/> gets from the window: up to <paramref name="max"/> of
    /// them; none when the fetching member is at or past the newest held (<see cref="IsBehind"/>: it may wait); or null
    /// when the window cannot tell (<paramref name="after"/> is older than the window, or on no history it holds).
    /// </summary>
    public IReadOnlyList<OplogEntry>? Fetch(OpTime after, int max) => After(after, max) ?? (IsBehind(after) ? [] : null);

    /// <summary>The entries held at or after <paramref name="from"/>, oldest first.</summary>
    public IReadOnlyList<OplogEntry> From(OpTime from)
    {
        var first = _start;
        while (first < _entries.Count && _entries[first].OpTime < from) first++;
        return _entries.GetRange(first, _entries.Count - first);
    }

    private int IndexOf(OpTime opTime) => OplogSearch.IndexOf(_entries, opTime, _start);

    private sealed class View(OplogWindow window) : IReadOnlyList<OplogEntry>
    {
        public int Count => window.Count;

        public OplogEntry this[int index] =>
            (uint)index < (uint)window.Count ? window._entries[window._start + index] : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<OplogEntry> GetEnumerator()
        {
            for (var i = window._start; i < window._entries.Count; i++) yield return window._entries[i];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
