using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Wire;

/// <summary>
/// Server-side cursors: the member answers a read with all its results at once, and the wire layer hands them
/// out in batches (<c>firstBatch</c>, then <c>getMore</c>). Cursors live on the member that opened them, as
/// mongod's do; one not advanced for the idle timeout is closed. Time is an argument, so specs need no clock.
/// </summary>
public sealed class CursorRegistry(int defaultBatchSize, long maxBatchBytes, TimeSpan idleTimeout)
{
    private readonly Dictionary<long, Cursor> _cursors = new();
    private readonly Lock _lock = new();

    private sealed class Cursor(long id, string ns, IReadOnlyList<BsonValue> results, int position, DateTime lastUsed)
    {
        public long Id { get; } = id;
        public string Ns { get; } = ns;
        public IReadOnlyList<BsonValue> Results { get; } = results;
        public int Position { get; set; } = position;
        public DateTime LastUsed { get; set; } = lastUsed;
    }

    public int Count
    {
        get
        {
            lock (_lock) return _cursors.Count;
        }
    }

    /// <summary>
    /// The cursor document of a read's reply: its first batch, and an id to ask for the rest with (0 when
    /// nothing is left or the client wants a single batch). A <paramref name="batchSize"/> of 0 opens the cursor with an empty batch.
    /// </summary>
    public BsonDocument Open(string ns, IReadOnlyList<BsonValue> results, int? batchSize, bool singleBatch, DateTime now)
    {
        var taken = Take(results, 0, batchSize ?? defaultBatchSize);
        var id = 0L;
        if (!singleBatch && taken < results.Count)
        {
            lock (_lock)
            {
                do id = Random.Shared.NextInt64(1, long.MaxValue);
                while (_cursors.ContainsKey(id));
                _cursors[id] = new Cursor(id, ns, results, taken, now);
            }
        }
        return new BsonDocument { { "firstBatch", Slice(results, 0, taken) }, { "id", id }, { "ns", ns } };
    }

    /// <summary>The next batch of a cursor (getMore); with no batch size, as much as fits the batch byte limit.</summary>
    public BsonDocument Next(long id, string ns, int? batchSize, DateTime now)
    {
        lock (_lock)
        {
            if (!_cursors.TryGetValue(id, out var cursor))
                throw new ReplicaException(ErrorCode.CursorNotFound, $"cursor id {id} not found on this member (exhausted, killed, timed out after being idle, or opened on another member)");
            if (cursor.Ns != ns)
                throw new ReplicaException(ErrorCode.Unauthorized, $"cursor id {id} belongs to {cursor.Ns}, not {ns}");
            var start = cursor.Position;
            var taken = Take(cursor.Results, start, batchSize is > 0 ? batchSize.Value : int.MaxValue);
            cursor.Position += taken;
            cursor.LastUsed = now;
            var done = cursor.Position >= cursor.Results.Count;
            if (done) _cursors.Remove(id);
            return new BsonDocument { { "nextBatch", Slice(cursor.Results, start, taken) }, { "id", done ? 0L : id }, { "ns", ns } };
        }
    }

    /// <summary>Closes cursors (killCursors): which were open here and which were not.</summary>
    public (List<long> Killed, List<long> NotFound) Kill(IEnumerable<long> ids)
    {
        var killed = new List<long>();
        var notFound = new List<long>();
        lock (_lock)
            foreach (var id in ids)
                (_cursors.Remove(id) ? killed : notFound).Add(id);
        return (killed, notFound);
    }

    /// <summary>Closes every cursor idle since before <paramref name="now"/> minus the idle timeout; returns how many.</summary>
    public int CloseIdle(DateTime now)
    {
        lock (_lock)
        {
            var idle = _cursors.Values.Where(c => now - c.LastUsed >= idleTimeout).Select(c => c.Id).ToList();
            foreach (var id in idle) _cursors.Remove(id);
            return idle.Count;
        }
    }

    /// <summary>How many results from <paramref name="start"/> go into one batch: at most <paramref name="limit"/>, and at least one within the byte limit.</summary>
    private int Take(IReadOnlyList<BsonValue> results, int start, int limit)
    {
        var count = 0;
        long bytes = 0;
        while (start + count < results.Count && count < limit)
        {
            var value = results[start + count];
            bytes += value is BsonDocument document ? document.ToBson().Length : 16;
            if (count > 0 && bytes > maxBatchBytes) break;
            count++;
        }
        return count;
    }

    private static BsonArray Slice(IReadOnlyList<BsonValue> results, int start, int count)
    {
        var batch = new BsonArray(count);
        for (var i = start; i < start + count; i++) batch.Add(results[i]);
        return batch;
    }
}
