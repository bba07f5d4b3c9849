using Akka.Actor;
using Akka.Event;
using ReplicaActors.Config;
using ReplicaActors.Consensus;
using ReplicaActors.Member.Core;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;
using ReplicaActors.Replication;

namespace ReplicaActors.Member;

/// <summary>
/// Replication: a secondary tails its sync source as the tailing flow decides (<see cref="Tailing"/>: choosing sources,
/// one fetch in flight answered straight to this actor, rollback and recovery), journals and applies each batch, and
/// reports its progress upstream; any data-bearing member serves fetches from its oplog window, or from its journal
/// when they are older; the primary turns reported progress into the majority commit point.
/// </summary>
public sealed partial class ReplicaMember
{
    private const string JournalReaderName = "journal-reader-";
    private readonly MemberPositions _positions = new();
    private readonly ParkedFetches<IActorRef> _parkedFetches = new();
    private readonly Tailing _tailing;
    private OpTime _commitPoint = OpTime.Null;
    private int _journalReaderCount;
    private string? _infoMessage;
    private IActorRef? _delayedApplier;
    private TimeSpan _applyDelay;
    private int _delayedApplierCount;

    // ---- Serving fetches -------------------------------------------------------------------------

    private void OnFetchOplog(FetchOplog fetch)
    {
        if (fetch.Term > _durable.Term) UpdateTerm(fetch.Term, $"member {fetch.FromId} fetches in term {fetch.Term}");
        if (!AnswerFetch(fetch, Sender, answerEmpty: false)) _parkedFetches.Park(fetch, Sender, DateTimeOffset.UtcNow + _settings.FetchAwaitData);
    }

    /// <returns>False when there is nothing new and the fetch may wait.</returns>
    private bool AnswerFetch(FetchOplog fetch, IActorRef replyTo, bool answerEmpty)
    {
        var entries = _window.Fetch(fetch.After, _settings.FetchBatchEntries);
        if (entries is null && ReadFromJournal(fetch, replyTo)) return true;
        if (entries is { Count: 0 } && !answerEmpty) return false;
        ReplyToFetch(fetch, replyTo, entries);
        return true;
    }

    /// <summary>
    /// The window caches the newest entries; the journal is the oplog. A fetch older than the window is read
    /// from the journal by a child; one at or after the window's oldest entry that the window lacks is on
    /// no history this member holds.
    /// </summary>
    private bool ReadFromJournal(FetchOplog fetch, IActorRef replyTo)
    {
        if (fetch.After >= _window.Oldest || _journalOplog.RangeAfter(fetch.After) is not { } range) return false;
        Context.ActorOf(JournalOplogReader.Props(Journal, PersistenceId, range, fetch, replyTo, _settings.FetchBatchEntries),
            JournalReaderName + ++_journalReaderCount);
        return true;
    }

    private void OnJournalOplogRead(JournalOplogRead read) => ReplyToFetch(read.Fetch, read.ReplyTo, read.Entries);

    /// <param name="entries">Null: this member's oplog does not hold the fetch's OpTime.</param>
    private void ReplyToFetch(FetchOplog fetch, IActorRef replyTo, IReadOnlyList<OplogEntry>? entries)
    {
        var oldest = _journalOplog.First is { IsNull: false } first && first < _window.Oldest ? first : _window.Oldest;
        replyTo.Tell(new OplogBatch(Me?.Id ?? -1, _durable.Term, _commitPoint, entries ?? [], entries is null, oldest, _durable.LastOpTime, fetch.RequestId));
    }

    /// <summary>Answers parked fetches that now have entries, and those whose wait is over (with none).</summary>
    private void AnswerParkedFetches() => _parkedFetches.AnswerDue(DateTimeOffset.UtcNow, AnswerFetch);

    // ---- Tailing a sync source, rollback and recovery ------------------------------------------

    /// <summary>What the tailing flow reads of this member; only called with a config installed.</summary>
    private TailView TailView() =>
        new(Config!, Me?.Id ?? -1, _state, _durable.Term, _durable.LastOpTime, _commitPoint, _window, _peers, _catchUp.Running);

    /// <summary>Carries out what the tailing flow (<see cref="Tailing"/>) decided, in order.</summary>
    private void Replicate(IReadOnlyList<CoreEffect> effects)
    {
        foreach (var effect in effects)
        {
            switch (effect)
            {
                // A RECOVERING member keeps the message that says why until it is SECONDARY again; STARTUP2 keeps its progress.
                case NoSyncSource { Reason: var reason }:
                    if (_state == MemberState.Secondary) _infoMessage = $"no sync source: {reason}";
                    break;
                case Following { SourceId: var sourceId, Reason: var reason }:
                    if (_state == MemberState.Secondary) _infoMessage = null;
                    _log.Info("syncing from {0}: {1}", Config?.FindById(sourceId)?.Host, reason);
                    break;
                case AppendFetched appended:
                    AppendFetched(appended);
                    break;
                case CommitPointHeard { CommitPoint: var commitPoint }:
                    LearnCommitPoint(commitPoint);
                    break;
                case RollbackStarted { Reason: var reason }:
                    _log.Warning("rolling back: {0}", reason);
                    AbandonCandidacy();
                    Become(Rollback);
                    break;
                case RollBackTo { CommonPoint: var common, SourceId: var sourceId }:
                    RollBackTo(common, sourceId);
                    break;
                case WentRecovering { Message: var message }:
                    _log.Warning(message);
                    _infoMessage = message;
                    AbandonCandidacy();
                    Become(Recovering);
                    break;
                case Rejoined:
                    _infoMessage = null;
                    BecomeSecondary();
                    break;
                case CatchUpSourceDiverged { SourceId: var sourceId }:
                    _log.Info("catch-up source member {0}'s history left this member's; taking writes with what this primary has", sourceId);
                    CompleteElection();
                    break;
                case InitialSyncSourceFailed { Reason: var reason }:
                    InitialSyncAttemptFailed(reason);
                    break;
                default:
                    CarryOutSendOrLog(effect);
                    break;
            }
        }
    }

    private void StartFetcher(int sourceId, string reason) => Replicate(_tailing.Follow(TailView(), DateTimeOffset.UtcNow, sourceId, reason));

    private void StopFetcher(string reason) => Replicate(_tailing.Stop(reason));

    /// <summary>replSetSyncFrom: the next sync source is the one named (checked now), chosen at once; later choices are automatic again.</summary>
    private void SyncFrom(CommandRequest request)
    {
        if (_state != MemberState.Secondary || Config is not { } config || Me is not { } self)
            throw new ReplicaException(ErrorCode.NotSecondary, $"replSetSyncFrom: this member is {_state.ToDisplay()}; only a secondary chooses a sync source");
        if (!request.Command[0].IsString)
            throw new ReplicaException(ErrorCode.TypeMismatch, $"replSetSyncFrom takes a host:port string, got {request.Command[0].BsonType}");
        var host = request.Command[0].AsString;
        SyncSourceSelector.ValidateSyncFrom(new SyncSourceRequest(config, self.Id, _durable.LastOpTime, OtherViews(),
            config.Settings.ChainingAllowed, HealthyPrimaryId(), _settings.SyncSource), host);
        var previous = _tailing.SyncSourceId is { } id ? config.FindById(id)?.Host ?? "" : "";
        _tailing.Force(config.FindByHost(host)!.Id);
        Replicate(_tailing.ChooseSource(TailView(), DateTimeOffset.UtcNow));
        Sender.Tell(CommandReply.Success(new MongoDB.Bson.BsonDocument { { "syncFromRequested", host }, { "prevSyncTarget", previous } }));
    }

    /// <summary>An answer from a member this one asked: the next batch from its sync source, or a rollback probe's answer.</summary>
    private void OnOplogBatch(OplogBatch batch)
    {
        if (batch.SourceTerm > _durable.Term) UpdateTerm(batch.SourceTerm, "the sync source is in a newer term");
        if (Config is not null) Replicate(_tailing.Batch(TailView(), batch, DateTimeOffset.UtcNow));
    }

    private void OnTerminated(Terminated terminated)
    {
        if (terminated.ActorRef.Equals(_stoppingSyncer))
        {
            _stoppingSyncer = null;
            return;
        }
        if (!terminated.ActorRef.Equals(_delayedApplier)) return;
        // Its pending entries are in the journal and the window: a new one is seeded with them.
        _delayedApplier = null;
        if (Me is { } self) MaintainDelayedApplier(self);
    }

    /// <summary>New entries from the sync source: journaled, then applied, then the next fetch (if this tail still runs).</summary>
    private void AppendFetched(AppendFetched fetched)
    {
        PersistAsync(new OplogAppended(fetched.Entries), appended =>
        {
            ApplyFetched(appended);
            LearnCommitPoint(fetched.CommitPoint);
            if (Config is not null) Replicate(_tailing.FetchAfterAppend(TailView(), DateTimeOffset.UtcNow, fetched.Run));
        });
    }

    /// <summary>
    /// One store transaction per fetched batch; progress goes upstream at once so w:majority waits are
    /// short. A delayed member journals the batch now (its durable position counts) and applies it when due.
    /// </summary>
    private void ApplyFetched(OplogAppended appended)
    {
        if (_delayedApplier is { } delayed) delayed.Tell(new DelayEntries(appended.Entries));
        else ApplyToStore(appended.Entries);
        Journaled(appended);
        _lastIssued = _durable.LastOpTime.Ts;
        _recentWrites.Record(appended.Entries);
        LearnPosition(SelfPosition());
        // A catching-up primary reports to nobody; an initial-syncing member's entries may yet be discarded, so they count toward no write concern.
        if (_catchUp.Running) CheckCatchUp();
        else if (_state != MemberState.Startup2) ReportPositionUpstream();
        AnswerParkedFetches();
        if (_state == MemberState.Startup2) CompleteInitialSyncIfConsistent();
    }

    private void ApplyToStore(IReadOnlyList<OplogEntry> entries)
    {
        using var batch = _store.BeginBatch();
        foreach (var entry in entries)
        {
            // Initial sync re-applies entries over a clone that may hold later states: a unique key a later state
            // took is expected there, and the later entries restore the final state (MongoDB tolerates this too).
            try
            {
                batch.Apply(entry);
            }
            catch (ReplicaException e) when (e.Code == ErrorCode.DuplicateKey && _state == MemberState.Startup2)
            {
                _log.Debug("initial sync skipped {0}: {1}", entry.OpTime, e.Message);
            }
        }
        batch.Commit();
        _metrics.Applied(entries.Count);
    }

    // ---- Delayed members ---------------------------------------------------------------------------

    /// <summary>A member with secondaryDelaySecs gets a delayed-apply child; one whose delay was removed applies what it held.</summary>
    private void MaintainDelayedApplier(MemberConfig self)
    {
        var delay = TimeSpan.FromSeconds(self.SecondaryDelaySecs);
        if (_delayedApplier is not null && delay == _applyDelay) return;
        if (_delayedApplier is { } old)
        {
            Context.Unwatch(old);
            Context.Stop(old);
            _delayedApplier = null;
        }
        _applyDelay = delay;
        var unapplied = _window.After(_store.AppliedOpTime, int.MaxValue) ?? [];
        if (delay == TimeSpan.Zero)
        {
            if (unapplied.Count > 0) ApplyToStore(unapplied);
            return;
        }
        _delayedApplier = Context.ActorOf(DelayedApplier.Props(delay), "delayed-applier-" + ++_delayedApplierCount);
        Context.Watch(_delayedApplier);
        if (unapplied.Count > 0) _delayedApplier.Tell(new DelayEntries(unapplied));
    }

    private void OnApplyDue(ApplyDue due)
    {
        if (!Sender.Equals(_delayedApplier)) return;
        ApplyToStore(due.Entries);
        LearnPosition(SelfPosition());
        ReportPositionUpstream();
    }

    // ---- Progress and the commit point ------------------------------------------------------------

    private MemberPosition SelfPosition() => new(Me?.Id ?? -1, _store.AppliedOpTime, _durable.LastOpTime, _durable.Term);

    /// <summary>
    /// A member's progress, as it held it in <see cref="MemberPosition.Term"/>. A position of a newer term moves this
    /// member to that term (a primary steps down).
    /// </summary>
    private void LearnPosition(MemberPosition position)
    {
        switch (_positions.Learn(position, _durable.Term))
        {
            case PositionOutcome.NewerTerm:
                UpdateTerm(position.Term, $"member {position.MemberId} reports a position in term {position.Term}");
                return;
            case PositionOutcome.Recorded when _state == MemberState.Primary:
                _commitPoint = _positions.CommitPoint(Config!, _durable.Term, _commitPoint);
                // Not only majority waits: w: N, tags and j: true can be met by a member the commit point does not need.
                CheckWaiters();
                return;
        }
    }

    private void OnUpdatePosition(UpdatePosition update)
    {
        foreach (var position in update.Positions) LearnPosition(position);
        if (_state != MemberState.Primary) ReportPositionUpstream();
    }

    private void ReportPositionUpstream()
    {
        if (_tailing.SyncSourceId is { } sourceId) SendToMember(sourceId, new UpdatePosition(_positions.All));
    }

    private void LearnCommitPoint(OpTime heard) => _commitPoint = CommitPoint.Learn(_commitPoint, heard, _durable.LastOpTime);

    /// <summary>What a write concern counts: positions held in this member's term.</summary>
    private IReadOnlyDictionary<int, MemberProgress> Progress() => _positions.Progress(_durable.Term);
}
