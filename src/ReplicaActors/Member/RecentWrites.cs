using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Member;

/// <summary>What a write id's write did: the reply its primary gave (or one its entries carry or rebuild) and its newest entry.</summary>
internal readonly record struct WriteOutcome(BsonDocument Reply, OpTime At);

/// <summary>
/// The write ids of recent write commands and what they did, so that a client's retry of a write
/// that was already applied (on this member, or on a former primary whose oplog this member has)
/// is answered without applying it twice. Learned from the oplog itself (entries carry their write id),
/// so it survives a failover and a restart the way MongoDB's config.transactions does. Bounded: the
/// oldest ids are forgotten first. A rollback forgets the ids of the entries it undid.
/// </summary>
internal sealed class RecentWrites(int capacity)
{
    private readonly Dictionary<BsonValue, WriteOutcome> _outcomes = new();
    private readonly Queue<BsonValue> _order = new();

    public bool TryGet(BsonValue writeId, out WriteOutcome outcome) => _outcomes.TryGetValue(writeId, out outcome);

    /// <summary>The reply a primary gave for the write, whose newest entry is <paramref name="at"/>.</summary>
    public void Remember(BsonValue writeId, BsonDocument reply, OpTime at)
    {
        if (!_outcomes.ContainsKey(writeId)) _order.Enqueue(writeId);
        _outcomes[writeId] = new WriteOutcome(reply, at);
        Trim();
    }

    /// <summary>
    /// Writes learned from replicated (or replayed) entries: their reply is the one an entry carries (a findAndModify's
    /// value), else rebuilt from how many entries they made.
    /// </summary>
    public void Record(IReadOnlyList<OplogEntry> entries)
    {
        foreach (var group in entries.Where(e => e.WriteId is not null).GroupBy(e => e.WriteId!))
        {
            if (group.LastOrDefault(e => e.Reply is not null) is { Reply: { } carried } entry)
            {
                Remember(group.Key, carried, entry.OpTime);
                continue;
            }
            var n = group.Count(e => e.Op != OpType.Command);
            var modified = group.Count(e => e.Op == OpType.Update);
            if (_outcomes.TryGetValue(group.Key, out var known))
            {
                n += known.Reply.GetValue("n", 0).ToInt32();
                modified += known.Reply.GetValue("nModified", 0).ToInt32();
            }
            Remember(group.Key, new BsonDocument { { "n", n }, { "nModified", modified }, { "retriedWrite", true } }, group.Last().OpTime);
        }
    }

    /// <summary>Rollback undid every entry after <paramref name="common"/>: their writes did not happen, and a retry must run them.</summary>
    public void ForgetAfter(OpTime common)
    {
        foreach (var (id, _) in _outcomes.Where(o => o.Value.At > common).ToList()) _outcomes.Remove(id);
    }

    private void Trim()
    {
        // An id a rollback forgot and a retry wrote again is queued twice, so it may be forgotten capacity writes early.
        while (_order.Count > capacity) _outcomes.Remove(_order.Dequeue());
    }
}
