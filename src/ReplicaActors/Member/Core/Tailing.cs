using ReplicaActors.Config;
using ReplicaActors.Consensus;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;

namespace ReplicaActors.Member.Core;

/// <summary>What the tailing flow reads of the member at each step; the member owns all of it.</summary>
/// <param name="LastWritten">The newest entry in the member's journal: what it fetches after.</param>
/// <param name="Window">The member's newest oplog entries: a rollback's candidates for the common point.</param>
/// <param name="CatchingUp">True while the member, newly elected, catches up before taking writes.</param>
public sealed record TailView(ReplicaSetConfig Config, int SelfId, MemberState State, long Term, OpTime LastWritten, OpTime CommitPoint,
    OplogWindow Window, PeerTable Peers, bool CatchingUp)
{
    public int? HealthyPrimaryId => Peers.HealthyPrimaryId(State, SelfId);

    public string HostOf(int memberId) => Config.FindById(memberId)?.Host ?? $"member {memberId}";
}

/// <summary>The member tails <paramref name="SourceId"/> from now on.</summary>
public sealed record Following(int SourceId, string Reason) : CoreEffect;

/// <summary>No member qualifies as a sync source now, and why.</summary>
public sealed record NoSyncSource(string Reason) : CoreEffect;

/// <summary>
/// Entries the sync source sent that this member lacks: the caller makes them durable and applies them, learns
/// <paramref name="CommitPoint"/>, and then asks <see cref="Tailing.FetchAfterAppend"/> for the next batch of <paramref name="Run"/>.
/// </summary>
public sealed record AppendFetched(IReadOnlyList<OplogEntry> Entries, OpTime CommitPoint, long Run) : CoreEffect;

/// <summary>The source had nothing new: only its commit point is news (the next fetch is already on its way).</summary>
public sealed record CommitPointHeard(OpTime CommitPoint) : CoreEffect;

/// <summary>This member's history diverged from its source's: it is in ROLLBACK, searching for the common point.</summary>
public sealed record RollbackStarted(int SourceId, string Reason) : CoreEffect;

/// <summary>The common point is found: the caller undoes what follows it, journals the rollback, then calls <see cref="Tailing.Rejoin"/>.</summary>
public sealed record RollBackTo(OplogEntry CommonPoint, int SourceId) : CoreEffect;

/// <summary>The member is RECOVERING, with <paramref name="Message"/> saying why; the flow retries until it is SECONDARY again.</summary>
public sealed record WentRecovering(string Message) : CoreEffect;

/// <summary>Back to SECONDARY after a rollback or a RECOVERING spell.</summary>
public sealed record Rejoined(string Reason) : CoreEffect;

/// <summary>A newly elected primary's catch-up source turned out to have a history this member's left: it takes writes with what it has.</summary>
public sealed record CatchUpSourceDiverged(int SourceId) : CoreEffect;

/// <summary>An initial sync's source failed it (no answer, or it no longer holds the begin point): the attempt fails.</summary>
public sealed record InitialSyncSourceFailed(string Reason) : CoreEffect;

/// <summary>
/// A data-bearing member's replication from another member, as one deterministic flow the member actor and
/// <see cref="MemberCore"/> both run: choosing and leaving sync sources (<see cref="SyncSourceSelector"/>), tailing one
/// (<see cref="OplogTail"/>: one request in flight, each answer judged), a rollback's common-point search
/// (<see cref="RollbackRun"/>), and a RECOVERING member's retries (<see cref="RecoveryAttempts"/>) until it is SECONDARY
/// again. The member's role, oplog and store are read from a <see cref="TailView"/> and changed only through the
/// effects it returns (<see cref="Send"/> for every request, the records above for the rest). No clock of its own.
/// </summary>
public sealed class Tailing(RecoveryBackoff backoff, SyncSourceLimits limits, TimeSpan awaitData, TimeSpan probeTimeout)
{
    private readonly OplogTail _tail = new();
    private readonly RecoveryAttempts _recovery = new(backoff);
    private readonly List<CoreEffect> _effects = [];
    private RollbackRun? _rollback;
    private int? _forcedSourceId;

    /// <summary>The member asked, while a tail or a rollback's probe runs.</summary>
    public int? SourceId => _tail.SourceId;

    /// <summary>The sync source this member tails (none while it probes for a rollback's common point).</summary>
    public int? SyncSourceId => _tail.SyncSourceId;

    /// <summary>Recovery attempts failed since the member was last SECONDARY.</summary>
    public int RecoveryFailures => _recovery.Failures;

    /// <summary>replSetSyncFrom: the next choice is <paramref name="sourceId"/> (already checked), later ones automatic again.</summary>
    public void Force(int sourceId) => _forcedSourceId = sourceId;

    /// <summary>On each heartbeat tick: a SECONDARY keeps or changes its source; a RECOVERING one leaves a source gone bad at once.</summary>
    public IReadOnlyList<CoreEffect> Heartbeat(TailView view, DateTimeOffset now)
    {
        _effects.Clear();
        if (view.State == MemberState.Secondary) Maintain(view, now, avoid: null);
        // A RECOVERING member chooses a source after each pause (Tick), and leaves one gone bad at once.
        if (view.State == MemberState.Recovering && _tail.SyncSourceId is not null)
        {
            Maintain(view, now, avoid: null);
            if (_tail.SourceId is null) RecoveryFailed(now, null);
        }
        return Done();
    }

    /// <summary>Chooses a source now (replSetSyncFrom, a closed connection to the current one).</summary>
    public IReadOnlyList<CoreEffect> ChooseSource(TailView view, DateTimeOffset now)
    {
        _effects.Clear();
        Maintain(view, now, avoid: null);
        return Done();
    }

    /// <summary>Tails <paramref name="sourceId"/> (a new primary's catch-up, an initial sync's oplog phase).</summary>
    public IReadOnlyList<CoreEffect> Follow(TailView view, DateTimeOffset now, int sourceId, string reason)
    {
        _effects.Clear();
        FollowNow(view, now, sourceId, reason);
        return Done();
    }

    /// <summary>Stops tailing, or a rollback's probing: an answer to a request already sent is dropped when it comes.</summary>
    public IReadOnlyList<CoreEffect> Stop(string reason)
    {
        _effects.Clear();
        StopNow(reason);
        return Done();
    }

    /// <summary>Deadlines: a fetch or probe unanswered in time gives its source up; a RECOVERING member's pause ends.</summary>
    public IReadOnlyList<CoreEffect> Tick(TailView view, DateTimeOffset now)
    {
        _effects.Clear();
        if (_tail.TimedOut(now) && _tail.SourceId is { } sourceId)
        {
            if (_tail.Probing)
                GoRecovering(now, $"rollback abandoned: the sync source did not answer within {probeTimeout.TotalMilliseconds:0} ms", sourceId);
            else
            {
                var reason = $"no answer from the sync source within {(view.Config.Settings.HeartbeatTimeout + awaitData).TotalMilliseconds:0} ms";
                if (view.State == MemberState.Startup2) _effects.Add(new InitialSyncSourceFailed(reason));
                else
                {
                    StopNow(reason);
                    if (view.State == MemberState.Recovering) RecoveryFailed(now, sourceId);
                }
            }
        }
        if (view.State == MemberState.Recovering && _tail.SourceId is null && _recovery.Due(now))
        {
            Maintain(view, now, _recovery.AvoidSourceId);
            if (_tail.SourceId is null) RecoveryFailed(now, null);
        }
        return Done();
    }

    /// <summary>An answer from a member this one asked: the next batch from its source, or a rollback probe's answer.</summary>
    public IReadOnlyList<CoreEffect> Batch(TailView view, OplogBatch batch, DateTimeOffset now)
    {
        _effects.Clear();
        // Only the answer to the request in flight: a late or duplicated answer to an earlier one would start a second chain of fetches.
        if (!_tail.Accept(batch)) return Done();
        if (_tail.Probing)
        {
            if (view.State == MemberState.Rollback && _rollback is { NextProbe: { } probed } run) ProbeNext(view, now, run.Record(batch.Holds(probed)));
            return Done();
        }
        if (view.State == MemberState.Startup2 && batch.AfterNotFound)
        {
            _effects.Add(new InitialSyncSourceFailed($"the source's oplog no longer holds the begin point {view.LastWritten}: it moved on while this member cloned"));
            return Done();
        }
        var sourceId = batch.SourceId;
        var verdict = OplogTail.Judge(batch, view.LastWritten);
        // A fresher member whose history left this one's cannot be caught up with: take writes with what this primary has.
        if (view.CatchingUp && verdict != TailVerdict.Append)
        {
            _effects.Add(new CatchUpSourceDiverged(sourceId));
            return Done();
        }
        switch (verdict)
        {
            case TailVerdict.FellOff:
                GoRecovering(now, OplogTail.FellOffMessage(view.LastWritten, batch.SourceOldest, view.HostOf(sourceId)), sourceId);
                return Done();
            case TailVerdict.Diverged:
                StopNow("this member's history diverged from its sync source's");
                StartRollback(view, now, sourceId, batch.SourceOldest);
                return Done();
        }
        // A RECOVERING member's history is back on its source's: the source holds its newest entry.
        if (view.State == MemberState.Recovering && batch.Holds(view.LastWritten)) RejoinNow("the sync source holds this member's newest entry");
        var entries = OplogTail.NewEntries(batch, view.LastWritten);
        if (entries.Count > 0)
        {
            // The next fetch only once this batch is durable (FetchAfterAppend), so a slow disk slows the fetch instead of filling memory.
            _effects.Add(new AppendFetched(entries, batch.CommitPoint, _tail.Run));
            return Done();
        }
        _effects.Add(new CommitPointHeard(batch.CommitPoint));
        Fetch(view, now);
        return Done();
    }

    /// <summary>A fetched batch is durable: the next fetch, if the tail of <paramref name="run"/> still runs (not stopped, nor restarted meanwhile).</summary>
    public IReadOnlyList<CoreEffect> FetchAfterAppend(TailView view, DateTimeOffset now, long run)
    {
        _effects.Clear();
        if (_tail.Run == run) Fetch(view, now);
        return Done();
    }

    /// <summary>The rollback could not be carried out (the store's undo history no longer reaches the common point).</summary>
    public IReadOnlyList<CoreEffect> RollbackFailed(DateTimeOffset now, string message, int sourceId)
    {
        _effects.Clear();
        GoRecovering(now, message, sourceId);
        return Done();
    }

    /// <summary>The rollback is journaled: SECONDARY again.</summary>
    public IReadOnlyList<CoreEffect> Rejoin(string reason)
    {
        _effects.Clear();
        RejoinNow(reason);
        return Done();
    }

    /// <param name="avoid">A source a failed recovery attempt used: another is preferred when there is one.</param>
    private void Maintain(TailView view, DateTimeOffset now, int? avoid)
    {
        var request = new SyncSourceRequest(view.Config, view.SelfId, view.LastWritten, view.Peers.Views(), view.Config.Settings.ChainingAllowed,
            view.HealthyPrimaryId, limits, _forcedSourceId, avoid);
        var step = SyncSourceSelector.Maintain(request, _tail.SyncSourceId);
        if (step.Leave) StopNow(step.LeaveReason);
        if (step.Next is not { } choice) return;
        _forcedSourceId = null;
        if (choice.SourceId is { } sourceId && view.Config.FindById(sourceId) is not null) FollowNow(view, now, sourceId, choice.Reason);
        else _effects.Add(new NoSyncSource(choice.Reason));
    }

    private void FollowNow(TailView view, DateTimeOffset now, int sourceId, string reason)
    {
        _tail.Follow(sourceId);
        _effects.Add(new Following(sourceId, reason));
        Fetch(view, now);
    }

    /// <summary>
    /// Asks the sync source for what follows this member's newest entry. The source may hold the fetch up to its
    /// await-data wait; unanswered within the heartbeat timeout beyond that, the source is given up (<see cref="Tick"/>).
    /// </summary>
    private void Fetch(TailView view, DateTimeOffset now)
    {
        if (_tail.SyncSourceId is not { } sourceId) return;
        var deadline = now + view.Config.Settings.HeartbeatTimeout + awaitData;
        _effects.Add(new Send(sourceId, _tail.Request(view.SelfId, view.LastWritten, view.Term, deadline)));
    }

    private void StopNow(string reason)
    {
        if (_tail.SourceId is not { } sourceId) return;
        if (!_tail.Probing) Log($"stopped syncing from member {sourceId}: {reason}");
        _tail.Stop();
    }

    private void StartRollback(TailView view, DateTimeOffset now, int sourceId, OpTime sourceOldest)
    {
        // The commit point this member knows may belong to the new branch (learned by heartbeat): it bounds the undo, not the search.
        var run = RollbackRun.Start(sourceId, view.Window.From(sourceOldest));
        _effects.Add(new RollbackStarted(sourceId,
            $"this member's newest entry {view.LastWritten} is not in member {sourceId}'s oplog; searching {run.Candidates.Count} entries from {sourceOldest} for the common point"));
        _tail.Probe(sourceId);
        ProbeNext(view, now, run);
    }

    private void ProbeNext(TailView view, DateTimeOffset now, RollbackRun run)
    {
        _rollback = run;
        if (run.NextProbe is not { } probed)
        {
            FinishRollback(view, now, run);
            return;
        }
        if (view.Config.FindById(run.SourceId) is null)
        {
            GoRecovering(now, "rollback abandoned: the sync source left the config", run.SourceId);
            return;
        }
        // Unanswered by the deadline, the rollback is abandoned (Tick) and retried from RECOVERING.
        _effects.Add(new Send(run.SourceId, _tail.Request(view.SelfId, probed, view.Term, now + probeTimeout)));
    }

    private void FinishRollback(TailView view, DateTimeOffset now, RollbackRun run)
    {
        _rollback = null;
        StopNow("the common point is found");
        var verdict = run.Verdict(view.CommitPoint, view.Window.After(view.CommitPoint, 0) is not null);
        if (verdict.CommonPoint is { } common) _effects.Add(new RollBackTo(common, run.SourceId));
        else GoRecovering(now, verdict.Refusal!, run.SourceId);
    }

    /// <summary>
    /// RECOVERING: not readable, and trying again after a pause that grows with each failed attempt, preferring another
    /// source than <paramref name="failedSourceId"/>, until the member is SECONDARY again.
    /// </summary>
    private void GoRecovering(DateTimeOffset now, string message, int? failedSourceId)
    {
        _rollback = null;
        StopNow(message);
        _effects.Add(new WentRecovering(message));
        RecoveryFailed(now, failedSourceId);
    }

    private void RecoveryFailed(DateTimeOffset now, int? failedSourceId)
    {
        var delay = _recovery.Failed(failedSourceId, now);
        Log($"recovery attempt {_recovery.Failures} failed; trying again in {delay.TotalMilliseconds} ms");
    }

    /// <summary>Back to SECONDARY: the next trouble starts its pauses afresh.</summary>
    private void RejoinNow(string reason)
    {
        _recovery.Rejoined();
        _effects.Add(new Rejoined(reason));
    }

    private void Log(string message) => _effects.Add(new LogLine(message));

    private IReadOnlyList<CoreEffect> Done() => _effects.Count == 0 ? [] : _effects.ToList();
}
