using ReplicaActors.Protocol;

namespace ReplicaActors.Storage;

/// <summary>
/// The oplog entries this store applied as a secondary does (<see cref="StoreBatch.Apply"/>: replication, initial sync's
/// oplog phase, recovery's re-apply; not a primary's own writes), by op type, and the committed batches that applied
/// them: what mongod reports as <c>opcountersRepl</c> and <c>metrics.repl.apply</c>. Only committed batches count.
/// </summary>
public sealed class AppliedOps
{
    private long inserts, updates, deletes, commands, entries, batches, batchTicks;

    public long Inserts => Interlocked.Read(ref inserts);

    public long Updates => Interlocked.Read(ref updates);

    public long Deletes => Interlocked.Read(ref deletes);

    /// <summary>Commands (create, drop, index builds ...); mongod counts no-ops in none of these, nor does this.</summary>
    public long Commands => Interlocked.Read(ref commands);

    /// <summary>Every entry applied, no-ops included.</summary>
    public long Entries => Interlocked.Read(ref entries);

    public long Batches => Interlocked.Read(ref batches);

    /// <summary>The time the batches took, from their start to their commit.</summary>
    public TimeSpan BatchTime => TimeSpan.FromTicks(Interlocked.Read(ref batchTicks));

    internal void Committed(Tally tally, TimeSpan took)
    {
        if (tally.Entries == 0) return;
        Interlocked.Add(ref inserts, tally.Inserts);
        Interlocked.Add(ref updates, tally.Updates);
        Interlocked.Add(ref deletes, tally.Deletes);
        Interlocked.Add(ref commands, tally.Commands);
        Interlocked.Increment(ref batches);
        Interlocked.Add(ref batchTicks, took.Ticks);
        Interlocked.Add(ref entries, tally.Entries);
    }

    /// <summary>One batch's applied entries, folded in when it commits.</summary>
    internal sealed class Tally
    {
        public long Inserts, Updates, Deletes, Commands, Entries;

        public void Add(OpType op)
        {
            Entries++;
            switch (op)
            {
                case OpType.Insert: Inserts++; break;
                case OpType.Update: Updates++; break;
                case OpType.Delete: Deletes++; break;
                case OpType.Command: Commands++; break;
            }
        }
    }
}
