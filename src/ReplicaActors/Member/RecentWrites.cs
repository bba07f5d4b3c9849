using MongoDB.Bson;
using ReplicaActors.Oplog;

namespace ReplicaActors.Member;

/// <summary>
/// The write ids of recent write commands and what they did, so that a client's retry of a write
/// that was already applied (on this member, or on a former primary whose oplog this member has)
/// is answered without applying it twice. Bounded: the oldest ids are forgotten first.
/// </summary>
internal sealed class RecentWrites(int capacity)
{
    private readonly Dictionary<BsonValue, BsonDocument> _outcomes = new();
    private readonly Queue<BsonValue> _order = new();

    public bool TryGet(BsonValue writeId, out BsonDocument outcome) => _outcomes.TryGetValue(writeId, out outcome!);

    /// <summary>The reply a primary gave for the write.</summary>
    public void Remember(BsonValue writeId, BsonDocument reply)
    {
        if (!_outcomes.ContainsKey(writeId)) _order.Enqueue(writeId);
        _outcomes[writeId] = reply;
        Trim();
    }

    /// <summary>Writes learned from replicated entries: their reply is rebuilt from how many entries they made.</summary>
    public void Record(IReadOnlyList<OplogEntry> entries)
    {
        foreach (var group in entries.Where(e => e.WriteId is not null).GroupBy(e => e.WriteId!))
        {
            var n = group.Count(e => e.Op != OpType.Command);
            if (_outcomes.TryGetValue(group.Key, out var known))
                n += known.GetValue("n", 0).ToInt32();
            Remember(group.Key, new BsonDocument { { "n", n }, { "nModified", group.Count(e => e.Op == OpType.Update) }, { "retriedWrite", true } });
        }
    }

    private void Trim()
    {
        while (_order.Count > capacity) _outcomes.Remove(_order.Dequeue());
    }
}
