using ReplicaActors.Protocol;

namespace ReplicaActors.Member.Core;

/// <summary>What an answer from the sync source means for the member that asked.</summary>
public enum TailVerdict
{
    /// <summary>The source holds this member's newest entry: what follows it (possibly nothing yet) is this member's to append.</summary>
    Append,

    /// <summary>The source's history left this member's: roll back to the newest entry both hold.</summary>
    Diverged,

    /// <summary>The source's oplog no longer reaches back to this member's newest entry (it was truncated): only a resync helps.</summary>
    FellOff,
}

/// <summary>
/// This member's one outstanding request for another member's oplog: the next batch from its sync source (tailing),
/// or one step of a rollback's common-point search (probing). One request at a time, the next only after the caller
/// has made the previous batch durable, so a slow disk slows the fetch instead of filling memory. Each request has
/// its own id, so an answer to an earlier request (late, duplicated, or from a source since left) is told apart and
/// dropped. Pure; the member actor and <see cref="MemberCore"/> share it: the caller sends the requests it returns,
/// feeds it the answers, and asks it on every tick whether the one in flight timed out.
/// </summary>
public sealed class OplogTail
{
    private long _lastRequestId;
    private bool _inFlight;
    private DateTimeOffset _deadline;

    /// <summary>The member asked, while a tail or a probe runs.</summary>
    public int? SourceId { get; private set; }

    /// <summary>True while the requests are a rollback's probes rather than fetches of new entries.</summary>
    public bool Probing { get; private set; }

    /// <summary>The sync source this member tails (none while it probes for a rollback's common point).</summary>
    public int? SyncSourceId => Probing ? null : SourceId;

    /// <summary>Bumped by every <see cref="Follow"/>, <see cref="Probe"/> and <see cref="Stop"/>: work begun for one run can check it still runs.</summary>
    public long Run { get; private set; }

    /// <summary>Tail <paramref name="sourceId"/>'s oplog from now on; the first request is the caller's to make.</summary>
    public void Follow(int sourceId) => Begin(sourceId, probing: false);

    /// <summary>Probe <paramref name="sourceId"/>'s oplog for a rollback's common point.</summary>
    public void Probe(int sourceId) => Begin(sourceId, probing: true);

    public void Stop()
    {
        SourceId = null;
        Probing = false;
        _inFlight = false;
        Run++;
    }

    /// <summary>
    /// The request to send to <see cref="SourceId"/>: the entries after <paramref name="after"/> (or, when probing,
    /// whether it holds <paramref name="after"/>), unanswered by <paramref name="deadline"/> counting as no answer.
    /// </summary>
    public FetchOplog Request(int selfId, OpTime after, long term, DateTimeOffset deadline)
    {
        if (SourceId is null) throw new InvalidOperationException("no source to ask: Follow or Probe one first");
        _inFlight = true;
        _deadline = deadline;
        return new FetchOplog(selfId, after, term, ++_lastRequestId);
    }

    /// <summary>True when <paramref name="batch"/> answers the request in flight; it is then no longer in flight.</summary>
    public bool Accept(OplogBatch batch)
    {
        if (SourceId != batch.SourceId || !_inFlight || batch.RequestId != _lastRequestId) return false;
        _inFlight = false;
        return true;
    }

    /// <summary>True when the request in flight is still unanswered at its deadline.</summary>
    public bool TimedOut(DateTimeOffset now) => SourceId is not null && _inFlight && now >= _deadline;

    /// <summary>What an accepted tailing answer means to a member whose newest entry is <paramref name="lastFetched"/>.</summary>
    public static TailVerdict Judge(OplogBatch batch, OpTime lastFetched) =>
        !batch.AfterNotFound ? TailVerdict.Append
        : batch.SourceOldest > lastFetched ? TailVerdict.FellOff
        : TailVerdict.Diverged;

    /// <summary>Why a <see cref="TailVerdict.FellOff"/> member is RECOVERING, and what helps.</summary>
    public static string FellOffMessage(OpTime lastFetched, OpTime sourceOldest, string source) =>
        $"fell off its sync source's oplog: this member's newest entry {lastFetched} is older than the oldest entry {sourceOldest} " +
        $"that {source} still holds (its oplog was truncated past it); too stale to catch up by tailing: run `rs resync` for a fresh initial sync";

    /// <summary>The entries of an <see cref="TailVerdict.Append"/> answer this member does not hold yet.</summary>
    public static List<OplogEntry> NewEntries(OplogBatch batch, OpTime lastFetched) =>
        batch.Entries.Where(e => e.OpTime > lastFetched).ToList();

    private void Begin(int sourceId, bool probing)
    {
        SourceId = sourceId;
        Probing = probing;
        _inFlight = false;
        Run++;
    }
}
