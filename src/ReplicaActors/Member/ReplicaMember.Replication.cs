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
/// Replication: a secondary tails its sync source (<see cref="OplogTail"/>: one fetch in flight, answered straight to
/// this actor), journals and applies each batch, and reports its progress upstream; any data-bearing member serves fetches from its oplog
/// window, or from its journal when they are older; the primary turns reported progress into the majority commit point.
/// </summary>
public sealed partial class ReplicaMember
{
    private const string JournalReaderName = "journal-reader-";
    private readonly MemberPositions _positions = new();
    private readonly ParkedFetches<IActorRef> _parkedFetches = new();
    private readonly OplogTail _tail = new();
    private readonly RecoveryAttempts _recoveryAttempts;
    private OpTime _commitPoint = OpTime.Null;
    private int? _forcedSyncSourceId;
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

    // ---- Tailing a sync source -------------------------------------------------------------------

    /// <param name="avoidSourceId">A source a failed recovery attempt used: another is preferred when there is one.</param>
    private void MaintainSyncSource(ReplicaSetConfig config, int? avoidSourceId = null)
    {
        if (Me is not { } self) return;
        var request = new SyncSourceRequest(config, self.Id, _durable.LastOpTime, OtherViews(), config.Settings.ChainingAllowed, HealthyPrimaryId(), _settings.SyncSource, _forcedSyncSourceId, avoidSourceId);
        var step = SyncSourceSelector.Maintain(request, _tail.SyncSourceId);
        if (step.Leave) StopFetcher(step.LeaveReason);
        if (step.Next is not { } choice) return;
        _forcedSyncSourceId = null;
        // A RECOVERING member keeps the message that says why until it is SECONDARY again.
        var recovering = _state == MemberState.Recovering;
        if (choice.SourceId is not { } sourceId || config.FindById(sourceId) is null)
        {
            if (!recovering) _infoMessage = $"no sync source: {choice.Reason}";
            return;
        }
        if (!recovering) _infoMessage = null;
        StartFetcher(sourceId, choice.Reason);
    }

    private void StartFetcher(int sourceId, string reason)
    {
        _tail.Follow(sourceId);
        _log.Info("syncing from {0}: {1}", Config!.FindById(sourceId)!.Host, reason);
        FetchNext();
    }

    /// <summary>
    /// Asks the sync source for what follows this member's newest entry. The source may hold the fetch up to its
    /// await-data wait; unanswered within the heartbeat timeout beyond that, the source is given up (<see cref="CheckTailDeadline"/>).
    /// </summary>
    private void FetchNext()
    {
        if (_tail.SyncSourceId is not { } sourceId || Config?.FindById(sourceId) is not { } source) return;
        var deadline = DateTimeOffset.UtcNow + Config.Settings.HeartbeatTimeout + _settings.FetchAwaitData;
        MemberSelection(source.Host).Tell(_tail.Request(Me!.Id, _durable.LastOpTime, _durable.Term, deadline), Self);
    }

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
        var previous = _tail.SyncSourceId is { } id ? config.FindById(id)?.Host ?? "" : "";
        _forcedSyncSourceId = config.FindByHost(host)!.Id;
        MaintainSyncSource(config);
        Sender.Tell(CommandReply.Success(new MongoDB.Bson.BsonDocument { { "syncFromRequested", host }, { "prevSyncTarget", previous } }));
    }

    /// <summary>Stops tailing, or a rollback's probing: an answer to a request already sent is dropped when it comes.</summary>
    private void StopFetcher(string reason)
    {
        if (_tail.SourceId is not { } sourceId) return;
        if (!_tail.Probing) _log.Info("stopped syncing from member {0}: {1}", sourceId, reason);
        _tail.Stop();
    }

    /// <summary>On the maintenance tick: a fetch or probe unanswered by its deadline gives its source up.</summary>
    private void CheckTailDeadline(DateTimeOffset now)
    {
        if (!_tail.TimedOut(now) || _tail.SourceId is not { } sourceId) return;
        if (_tail.Probing)
        {
            GoRecovering($"rollback abandoned: the sync source did not answer within {_settings.Recovery.RollbackProbeTimeout.TotalMilliseconds:0} ms", sourceId);
            return;
        }
        var reason = $"no answer from the sync source within {(Config!.Settings.HeartbeatTimeout + _settings.FetchAwaitData).TotalMilliseconds:0} ms";
        if (_state == MemberState.Startup2)
        {
            InitialSyncAttemptFailed(reason);
            return;
        }
        StopFetcher(reason);
        if (_state == MemberState.Recovering) ScheduleRecoveryRetry(sourceId);
    }

    /// <summary>An answer from a member this one asked: the next batch from its sync source, or a rollback probe's answer.</summary>
    private void OnOplogBatch(OplogBatch batch)
    {
        if (!_tail.Accept(batch)) return;
        if (_tail.Probing) OnRollbackProbeAnswer(batch);
        else OnFetchedBatch(batch);
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

    /// <summary>The sync source's answer to the fetch in flight: journal and apply what is new, then fetch again.</summary>
    private void OnFetchedBatch(OplogBatch batch)
    {
        if (batch.SourceTerm > _durable.Term) UpdateTerm(batch.SourceTerm, "the sync source is in a newer term");
        var sourceId = batch.SourceId;
        var verdict = OplogTail.Judge(batch, _durable.LastOpTime);
        if (_catchUp.Running && verdict != TailVerdict.Append)
        {
            _log.Info("catch-up source member {0}'s history left this member's; taking writes with what this primary has", sourceId);
            CompleteElection();
            return;
        }
        switch (verdict)
        {
            case TailVerdict.FellOff:
                GoRecovering(OplogTail.FellOffMessage(_durable.LastOpTime, batch.SourceOldest, Config?.FindById(sourceId)?.Host ?? $"member {sourceId}"), sourceId);
                return;
            case TailVerdict.Diverged:
                StopFetcher("this member's history diverged from its sync source's");
                StartRollback(sourceId, batch.SourceOldest);
                return;
        }
        // A RECOVERING member's history is back on its source's: the source holds its newest entry.
        if (_state == MemberState.Recovering && batch.Holds(_durable.LastOpTime)) Rejoined();
        var entries = OplogTail.NewEntries(batch, _durable.LastOpTime);
        if (entries.Count == 0)
        {
            LearnCommitPoint(batch.CommitPoint);
            FetchNext();
            return;
        }
        // The next fetch only once this batch is durable, and only if this tail still runs (not stopped, nor restarted meanwhile).
        var run = _tail.Run;
        PersistAsync(new OplogAppended(entries), appended =>
        {
            ApplyFetched(appended);
            LearnCommitPoint(batch.CommitPoint);
            if (_tail.Run == run) FetchNext();
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

    /// <summary>
    /// RECOVERING: not readable, and trying again after a pause that grows with each failed attempt, preferring
    /// another source than <paramref name="failedSourceId"/>, until the member is SECONDARY again. Its message
    /// says why it left SECONDARY (and, when only a resync can help, says so).
    /// </summary>
    private void GoRecovering(string message, int? failedSourceId)
    {
        _log.Warning(message);
        _infoMessage = message;
        _rollback = null;
        StopFetcher(message);
        AbandonCandidacy();
        Become(Recovering);
        ScheduleRecoveryRetry(failedSourceId);
    }

    private void ScheduleRecoveryRetry(int? failedSourceId)
    {
        var delay = _recoveryAttempts.Failed(failedSourceId, DateTimeOffset.UtcNow);
        _log.Info("recovery attempt {0} failed; trying again in {1} ms", _recoveryAttempts.Failures, delay.TotalMilliseconds);
    }

    /// <summary>On the maintenance tick: a RECOVERING member with no source, its pause over, chooses one again.</summary>
    private void RetryRecoveryIfDue(DateTimeOffset now)
    {
        if (_state != MemberState.Recovering || _tail.SourceId is not null || !_recoveryAttempts.Due(now) || Config is not { } config) return;
        MaintainSyncSource(config, _recoveryAttempts.AvoidSourceId);
        if (_tail.SourceId is null) ScheduleRecoveryRetry(null);
    }

    /// <summary>Back to SECONDARY after a rollback or a RECOVERING spell: the next trouble starts its pauses afresh.</summary>
    private void Rejoined()
    {
        _recoveryAttempts.Rejoined();
        _infoMessage = null;
        BecomeSecondary();
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
        if (_tail.SyncSourceId is not { } sourceId || Config?.FindById(sourceId) is not { } source) return;
        MemberSelection(source.Host).Tell(new UpdatePosition(_positions.All), Self);
    }

    private void LearnCommitPoint(OpTime heard) => _commitPoint = CommitPoint.Learn(_commitPoint, heard, _durable.LastOpTime);

    /// <summary>What a write concern counts: positions held in this member's term.</summary>
    private IReadOnlyDictionary<int, MemberProgress> Progress() => _positions.Progress(_durable.Term);
}
