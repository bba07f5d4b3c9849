using ReplicaActors.Protocol;

namespace ReplicaActors.Oplog;

public static class OplogSearch
{
    /// <summary>The index of the entry at <paramref name="opTime"/> in <paramref name="entries"/> (in OpTime order) from <paramref name="start"/> on, or -1.</summary>
    public static int IndexOf(IReadOnlyList<OplogEntry> entries, OpTime opTime, int start = 0)
    {
        int lo = start, hi = entries.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = entries[mid].OpTime.CompareTo(opTime);
            if (c == 0) return mid;
            if (c < 0) lo = mid + 1;
            else hi = mid - 1;
        }
        return -1;
    }
}
