using System.Collections.Immutable;
using Akka.Persistence;
using Akka.Persistence.Journal;
using ReplicaActors.Oplog;

namespace ReplicaActors.Tests.MemberActor;

/// <summary>The in-memory journal, refusing oplog batches (as a journal does an event it cannot serialize) while <see cref="RejectOplog"/> is set.</summary>
public sealed class RejectingJournal : MemoryJournal
{
    public static volatile bool RejectOplog;

    protected override async Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages.ToList();
        if (!RejectOplog) return await base.WriteMessagesAsync(writes, cancellationToken);
        var accepted = writes.Where(w => !IsOplog(w)).ToList();
        await base.WriteMessagesAsync(accepted, cancellationToken);
        return writes.Select(w => IsOplog(w) ? new InvalidOperationException("this journal refuses oplog batches now") : null!).ToImmutableList<Exception>();
    }

    private static bool IsOplog(AtomicWrite write) =>
        ((IEnumerable<IPersistentRepresentation>)write.Payload).Any(p => p.Payload is OplogAppended);
}
