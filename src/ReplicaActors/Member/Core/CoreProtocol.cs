using MongoDB.Bson;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;

namespace ReplicaActors.Member.Core;

// What goes into the member core and what comes out: the core decides, its caller does the IO. Peer messages are the
// member protocol's own records (MemberMessages.cs), so a shell only routes them.

/// <summary>Something that happened to the member: time passed, a peer's message arrived, a client asked for a write.</summary>
public abstract record CoreInput;

/// <summary>Time passed: the core checks its deadlines (heartbeats, election, fetch and probe timeouts, recovery retries).</summary>
public sealed record Tick : CoreInput
{
    public static readonly Tick Instance = new();
}

/// <summary>A message from member <paramref name="From"/>.</summary>
public sealed record Received(int From, IReplicaMessage Message) : CoreInput;

/// <summary>
/// A client write (or a retry of one: the same <paramref name="WriteId"/>): a primary appends one entry carrying the id,
/// unless its oplog already holds it; any other member refuses it. Answered at once (w:1), or once majority-committed.
/// </summary>
public sealed record ClientWrite(BsonValue WriteId, bool Majority = true) : CoreInput;

/// <summary>replSetStepDown, asked of this member; answered with a <see cref="StepDownAnswered"/>.</summary>
public sealed record ClientStepDown(StepDownRequest Request) : CoreInput;

/// <summary>How fresh a read must be, as MongoDB's read concern levels say.</summary>
public enum ReadLevel
{
    /// <summary>The member's newest entries, committed or not.</summary>
    Local,

    /// <summary>Only majority-committed entries: as of the member's commit point.</summary>
    Majority,

    /// <summary>On a primary only: a no-op barrier is majority-committed first, so no newer primary can have acknowledged a later write.</summary>
    Linearizable,
}

/// <summary>A client read at <paramref name="Level"/>; the answer names <paramref name="ReadId"/>.</summary>
public sealed record ClientRead(long ReadId, ReadLevel Level) : CoreInput;

/// <summary>What the caller must do, in order: persist first, then send, then report.</summary>
public abstract record CoreEffect;

/// <summary>Make this event durable before the effects after it are carried out.</summary>
public sealed record Persist(IMemberEvent Event) : CoreEffect;

public sealed record Send(int To, IReplicaMessage Message) : CoreEffect;

/// <summary>
/// A client write is acknowledged at its write concern (or was refused, with <paramref name="Error"/>); <paramref name="At"/>
/// is the entry that holds it (for a retry, the entry its first successful attempt made).
/// </summary>
public sealed record WriteAnswered(BsonValue WriteId, OpTime At, string? Error) : CoreEffect;

/// <summary>
/// A read's answer: the write ids of the client writes the member holds at <paramref name="At"/> (as of its commit
/// point for majority and linearizable reads), or the refusal in <paramref name="Error"/>.
/// </summary>
public sealed record ReadAnswered(long ReadId, IReadOnlyList<BsonValue> Seen, OpTime At, string? Error) : CoreEffect;

/// <summary>A rollback undid these entries of this member's oplog (their changes must be undone in the store).</summary>
public sealed record RolledBackEntries(OpTime CommonPoint, IReadOnlyList<OplogEntry> Undone) : CoreEffect;

/// <summary>Something a flow decided that is worth a log line (<paramref name="Detail"/>: only at debug level).</summary>
public sealed record LogLine(string Message, bool Detail = false) : CoreEffect;

/// <summary>The member's state changed, and why.</summary>
public sealed record StateChanged(MemberState State, string Reason) : CoreEffect;
