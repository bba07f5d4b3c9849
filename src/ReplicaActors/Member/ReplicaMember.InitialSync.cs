using Akka.Actor;
using Akka.Event;
using MongoDB.Bson;
using ReplicaActors.Consensus;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;
using ReplicaActors.Replication;

namespace ReplicaActors.Member;

/// <summary>The pause after a failed initial sync attempt is over.</summary>
internal sealed record InitialSyncRetry;

/// <summary>
/// Initial sync: a data-bearing member with no data (or told to resync) wipes its store under a durable
/// marker, lets an initial-syncer child clone a source, then applies the source's oplog from the begin
/// point to at least the stop point through the ordinary fetcher, and becomes SECONDARY. Any member that
/// is PRIMARY or SECONDARY serves the clone: the catalog here, the document batches on the readers.
/// </summary>
public sealed partial class ReplicaMember
{
    private const string InitialSyncerName = "initial-syncer-";
    private const string InitialSyncRetryTimer = "initial-sync-retry";
    private IActorRef? _initialSyncer;
    private IActorRef? _stoppingSyncer;
    private int _initialSyncerCount;
    private string? _initialSyncerCrash;
    private InitialSyncAttempts _syncAttempts = InitialSyncAttempts.Start(1);
    private InitialSyncRun? _syncRun;
    private DateTimeOffset _initialSyncStarted;

    /// <summary>The attempt running now: its source, phase, clone progress, and the stop point once cloned.</summary>
    private sealed record InitialSyncRun(int SourceId, string Phase, InitialSyncProgress Progress, DateTimeOffset Started, OpTime? Stop);

    // ---- Serving an initial sync -------------------------------------------------------------------

    private void OnCloneCatalogRequest(CloneCatalogRequest request)
    {
        var selfId = Me?.Id ?? -1;
        if (!_state.IsReadable())
        {
            Sender.Tell(new CloneCatalog(selfId, null, [], $"it is {_state.ToDisplay()}, not PRIMARY or SECONDARY"));
            return;
        }
        // The begin point is the newest entry the store has committed: the clone sees at least that much.
        var applied = _store.AppliedOpTime;
        var held = _window.From(applied);
        if (held.Count == 0 || held[0].OpTime != applied)
        {
            Sender.Tell(new CloneCatalog(selfId, null, [], $"its oplog window no longer holds its newest applied entry {applied}"));
            return;
        }
        var reader = _store.Reader;
        var collections = !request.ListCollections ? [] : reader.CloneTotals()
            .Select(c => new CloneCollection(c.Ns.Full, c.CreatedAt, reader.ListIndexes(c.Ns).Select(i => i.ToBson()).ToList(), c.Documents, c.Bytes))
            .ToList();
        Sender.Tell(new CloneCatalog(selfId, held[0], collections, ""));
    }

    private void OnCloneBatchRequest(CloneBatchRequest request)
    {
        if (!_state.IsReadable())
            Sender.Tell(new CloneBatch(request.Ns, [], request.AfterKey, 0, false, $"it is {_state.ToDisplay()}, not PRIMARY or SECONDARY"));
        else
            _readers.Tell(new AdmittedCloneBatch(request, Sender));
    }

    // ---- Running one -------------------------------------------------------------------------------

    /// <summary>A member with neither oplog nor data, or whose last initial sync never finished, must sync before it holds data.</summary>
    private bool NeedsInitialSync() =>
        _store.Reader.InitialSyncInProgress || (_durable.LastOpTime.IsNull && !_store.Reader.HasData);

    /// <summary>STARTUP2: initial sync runs (cloning, then applying the oplog to the stop point); no reads, no votes asked.</summary>
    private void Startup2()
    {
        _state = MemberState.Startup2;
        Command<CommandRequest>(Counted(HandleCommand));
        Command<HeartbeatTick>(_ =>
        {
            OnHeartbeatTick();
            StartInitialSyncAttempt();
        });
        Command<InitialSyncRetry>(_ => StartInitialSyncAttempt());
        Command<InitialSyncProgressed>(progressed =>
        {
            if (!Sender.Equals(_initialSyncer) || _syncRun is not { } run) return;
            _metrics.InitialSyncCopied(run.Progress, progressed.Progress);
            _syncRun = run with { Progress = progressed.Progress };
        });
        Command<InitialSyncCloned>(OnInitialSyncCloned);
        Command<InitialSyncFailed>(failed =>
        {
            if (Sender.Equals(_initialSyncer)) InitialSyncAttemptFailed(failed.Reason);
        });
        Command<Terminated>(terminated =>
        {
            if (terminated.ActorRef.Equals(_initialSyncer))
            {
                _initialSyncer = null;
                InitialSyncAttemptFailed($"the initial syncer stopped: {_initialSyncerCrash ?? "no reason given"}");
            }
            else if (terminated.ActorRef.Equals(_stoppingSyncer))
            {
                _stoppingSyncer = null;
                StartInitialSyncAttempt();
            }
            else
                OnTerminated(terminated);
        });
        CommonHandlers();
    }

    /// <summary>Starts a fresh initial sync (first start, unfinished earlier sync, or resync): attempts counted from one.</summary>
    private void BeginInitialSync(string why)
    {
        _log.Info("initial sync: {0}", why);
        StopFetcher("initial sync starts");
        StopDelayedApplier();
        Timers.Cancel(TimerKeys.Election);
        _syncAttempts = InitialSyncAttempts.Start(_settings.InitialSync.MaxAttempts);
        _initialSyncStarted = DateTimeOffset.UtcNow;
        _syncRun = null;
        Become(Startup2);
        StartInitialSyncAttempt();
    }

    private void StartInitialSyncAttempt()
    {
        // One attempt at a time, none during the pause after a failure, and none before the last syncer has stopped:
        // until then it may still be writing a batch, which must not land in the store the next attempt wipes.
        if (_initialSyncer is not null || _stoppingSyncer is not null || _syncRun is not null || _syncAttempts.Exhausted
            || Timers.IsTimerActive(InitialSyncRetryTimer) || Config is not { } config || Me is not { } self) return;
        var request = new SyncSourceRequest(config, self.Id, OpTime.Null, OtherViews(), config.Settings.ChainingAllowed, HealthyPrimaryId(), _settings.SyncSource);
        var choice = _syncAttempts.ChooseSource(request);
        if (choice.SourceId is not { } sourceId || config.FindById(sourceId) is not { } source)
        {
            _infoMessage = $"initial sync: waiting for a sync source ({choice.Reason})";
            return;
        }
        _syncRun = new InitialSyncRun(sourceId, "cloning", InitialSyncProgress.None, DateTimeOffset.UtcNow, null);
        _infoMessage = $"initial sync attempt {_syncAttempts.Current} of {_syncAttempts.MaxAttempts} from {source.Host}";
        _log.Info("{0}: {1}", _infoMessage, choice.Reason);
        DiscardData(() =>
        {
            _initialSyncerCrash = null;
            _initialSyncer = Context.ActorOf(
                InitialSyncer.Props(sourceId, source.Host, MemberSelection(source.Host), self.Id, _store, _settings.InitialSync),
                InitialSyncerName + ++_initialSyncerCount);
            Context.Watch(_initialSyncer);
        });
    }

    /// <summary>
    /// The marker first (a crash from here on restarts the sync), then the journal's oplog is voided, then
    /// the store is wiped: persist callbacks still pending run before the void's, so none lands after the wipe.
    /// </summary>
    private void DiscardData(Action then)
    {
        _store.MarkInitialSync();
        void Wipe()
        {
            _store.WipeForInitialSync();
            _window.TruncateAfter(OpTime.Null);
            _commitPoint = OpTime.Null;
            _prunedTo = OpTime.Null;
            if (Me is { } self) _positions.Forget(self.Id);
            then();
        }
        if (_durable.LastOpTime.IsNull)
        {
            Wipe();
            return;
        }
        // A rollback to before the first entry: the journal stays append-only, and every entry before this marker is void.
        Persist(new RollbackApplied(OpTime.Null, 0), voided =>
        {
            RolledBack(voided);
            Wipe();
        });
    }

    private void OnInitialSyncCloned(InitialSyncCloned cloned)
    {
        if (!Sender.Equals(_initialSyncer) || _syncRun is not { } run) return;
        StopInitialSyncer();
        _metrics.InitialSyncCopied(run.Progress, cloned.Progress);
        _syncRun = run with { Phase = "applying oplog", Progress = cloned.Progress, Stop = cloned.Stop };
        _log.Info("initial sync cloned {0} documents ({1} bytes) in {2} collection(s); applying the oplog from {3} to {4}",
            cloned.Progress.DocumentsCopied, cloned.Progress.BytesCopied, cloned.Progress.CollectionsCloned, cloned.Begin.OpTime, cloned.Stop);
        // The begin entry starts this member's oplog; its effect is in the clone already, and re-applying it is harmless.
        Persist(new OplogAppended([cloned.Begin]), appended =>
        {
            ApplyFetched(appended);
            if (_state == MemberState.Startup2 && _tailing.SourceId is null)
                StartFetcher(cloned.SourceId, "initial sync: applying the source's oplog up to the stop point");
        });
    }

    /// <summary>After each applied batch in STARTUP2: the stop point reached means the data is consistent.</summary>
    private void CompleteInitialSyncIfConsistent()
    {
        if (_syncRun is not { Stop: { } stop } run || _durable.LastOpTime < stop) return;
        _store.FinishInitialSync();
        var elapsed = DateTimeOffset.UtcNow - _initialSyncStarted;
        _log.Info("initial sync done in {0:0.0} s: {1} documents from {2}; oplog applied to {3}",
            elapsed.TotalSeconds, run.Progress.DocumentsCopied, Config?.FindById(run.SourceId)?.Host, _durable.LastOpTime);
        _syncRun = null;
        _infoMessage = null;
        BecomeSecondary();
        if (Me is { } self) MaintainDelayedApplier(self);
        ReportPositionUpstream();
    }

    private void InitialSyncAttemptFailed(string reason)
    {
        var sourceId = _syncRun?.SourceId;
        StopInitialSyncer();
        StopFetcher(reason);
        _syncRun = null;
        _syncAttempts = _syncAttempts.AfterFailure(sourceId, reason);
        if (_syncAttempts.Exhausted)
        {
            _infoMessage = _syncAttempts.GaveUpMessage();
            _log.Error(_infoMessage);
            return;
        }
        var delay = _settings.InitialSync.RetryDelay;
        _infoMessage = $"initial sync attempt {_syncAttempts.Failed} failed: {reason}; retrying in {delay.TotalSeconds:0.#} s";
        _log.Warning(_infoMessage);
        Timers.StartSingleTimer(InitialSyncRetryTimer, new InitialSyncRetry(), delay);
    }

    /// <summary>Stops the syncer and keeps watching it: the next attempt waits for its Terminated (it writes the store itself).</summary>
    private void StopInitialSyncer()
    {
        if (_initialSyncer is null) return;
        Context.Stop(_initialSyncer);
        _stoppingSyncer = _initialSyncer;
        _initialSyncer = null;
    }

    private void StopDelayedApplier()
    {
        if (_delayedApplier is null) return;
        Context.Unwatch(_delayedApplier);
        Context.Stop(_delayedApplier);
        _delayedApplier = null;
    }

    /// <summary>The resync command: a SECONDARY, a RECOVERING member, or one whose initial sync gave up starts a fresh initial sync.</summary>
    private void Resync()
    {
        var refusal = _state switch
        {
            MemberState.Primary => "this member is PRIMARY: a primary cannot resync; step it down first (rs stepdown)",
            MemberState.Startup2 when !_syncAttempts.Exhausted => "an initial sync is already running on this member",
            MemberState.Secondary or MemberState.Recovering or MemberState.Startup2 => null,
            _ => $"this member is {_state.ToDisplay()}: only a SECONDARY or RECOVERING member resyncs",
        };
        if (refusal is not null) throw new ReplicaException(ErrorCode.NotSecondary, $"resync refused: {refusal}");
        BeginInitialSync("resync requested: this member's data is discarded and cloned again");
        Sender.Tell(CommandReply.Success(new BsonDocument("info", "resync started: the member is in STARTUP2 until its initial sync completes")));
    }

    // ---- Status ------------------------------------------------------------------------------------

    /// <summary>MongoDB's <c>initialSyncStatus</c>, with the clone's counts, rate and estimate.</summary>
    private BsonDocument? InitialSyncStatus(DateTimeOffset now)
    {
        if (_state != MemberState.Startup2) return null;
        var status = new BsonDocument
        {
            { "failedInitialSyncAttempts", _syncAttempts.Failed },
            { "maxFailedInitialSyncAttempts", _syncAttempts.MaxAttempts },
            { "initialSyncStart", new BsonDateTime(_initialSyncStarted.UtcDateTime) },
            { "totalInitialSyncElapsedMillis", (long)(now - _initialSyncStarted).TotalMilliseconds },
        };
        if (_syncAttempts.LastFailure is { } failure) status.Add("lastFailure", failure);
        if (_syncRun is not { } run)
        {
            status.Add("phase", _syncAttempts.Exhausted ? "failed" : "waiting for a sync source");
            return status;
        }
        var elapsed = now - run.Started;
        var progress = run.Progress;
        status.Add("attempt", _syncAttempts.Current);
        status.Add("syncSourceHost", Config?.FindById(run.SourceId)?.Host ?? "");
        status.Add("phase", run.Phase);
        status.Add("databases", new BsonDocument { { "databasesCloned", progress.DatabasesCloned }, { "databasesToClone", progress.DatabasesTotal } });
        status.Add("collections", new BsonDocument { { "collectionsCloned", progress.CollectionsCloned }, { "collectionsToClone", progress.CollectionsTotal } });
        status.Add("documents", new BsonDocument { { "documentsCopied", progress.DocumentsCopied }, { "documentsToCopy", progress.DocumentsTotal } });
        status.Add("approxTotalDataSize", progress.BytesTotal);
        status.Add("approxTotalBytesCopied", progress.BytesCopied);
        status.Add("fractionCloned", progress.Fraction);
        status.Add("documentsPerSecond", InitialSyncProgress.PerSecond(progress.DocumentsCopied, elapsed));
        status.Add("bytesPerSecond", InitialSyncProgress.PerSecond(progress.BytesCopied, elapsed));
        if (run.Stop is null && progress.Remaining(elapsed) is { } remaining)
            status.Add("remainingInitialSyncEstimatedMillis", (long)remaining.TotalMilliseconds);
        if (run.Stop is { } stop) status.Add("stopOpTime", stop.ToBson());
        return status;
    }
}
