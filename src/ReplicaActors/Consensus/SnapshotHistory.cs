using ReplicaActors.Protocol;

namespace ReplicaActors.Consensus;

/// <summary>
/// How far the store's undo history may be pruned: up to the newest commit point that has been the commit point for at
/// least the window (MongoDB's minSnapshotHistoryWindowInSeconds). A majority or linearizable read admitted at the commit
/// point of its moment runs on a reader a little later; pruning right up to the current commit point could take the
/// versions it reads from under it. Takes the time as an argument and keeps only the samples it still needs.
/// </summary>
public sealed class SnapshotHistory(TimeSpan window)
{
    private readonly Queue<(DateTimeOffset Since, OpTime CommitPoint)> _samples = new();
    private OpTime _newest = OpTime.Null;

    /// <summary>Records the commit point as of <paramref name="now"/>; returns the point history may be pruned to, if it moved.</summary>
    public OpTime? Observe(OpTime commitPoint, DateTimeOffset now)
    {
        if (commitPoint > _newest)
        {
            _newest = commitPoint;
            _samples.Enqueue((now, commitPoint));
        }
        OpTime? pruneTo = null;
        while (_samples.Count > 0 && now - _samples.Peek().Since >= window) pruneTo = _samples.Dequeue().CommitPoint;
        return pruneTo;
    }
}
