using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Persistence;
using Akka.Routing;
using ReplicaActors.Config;
using ReplicaActors.Consensus;
using ReplicaActors.Member.Core;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;
using ReplicaActors.Replication;
using ReplicaActors.Storage;
using ReplicaActors.Storage.Commands;

namespace ReplicaActors.Member;

/// <summary>
/// One replica-set member: the persistent actor whose journal is the oplog (plus terms, votes and
/// configs), and each member state a behavior switched with Become. It carries out what the pure pieces
/// in Member/Core decide (the election flow, tailing, catch-up, recovery, positions; the simulated
/// MemberCore runs the same pieces) on the rules in Config/ and Consensus/, with write validation in
/// Storage/. Reconfig, initial sync, the write path (group commit, write-concern waits) and applying to
/// the store it still decides itself. Its work is split by concern across partial files: commands, writes,
/// heartbeats, elections, replication, status.
/// </summary>
public sealed partial class ReplicaMember : ReceivePersistentActor, IWithTimers
{
    private readonly MemberSettings _settings;
    private readonly DocumentStore _store;
    private readonly WriteCommandExecutor _writer;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;
    private readonly List<OplogEntry> _unappliedTail = [];
    private readonly GroupCommit _groupCommit;
    private readonly OplogWindow _window;
    private readonly Random _random = new();
    private IActorRef _readers = ActorRefs.Nobody;
    private MemberDurableState _durable = MemberDurableState.Empty;
    private MemberState _state = MemberState.Startup;
    private Timestamp _lastIssued = Timestamp.Zero;
    private bool _joinedCluster;
    private OpTime _prunedTo = OpTime.Null;
    private OpTime _pruneTo = OpTime.Null;
    private readonly SnapshotHistory _snapshotHistory;
    private readonly MemberMetrics _metrics;
    private readonly ReplicationTraffic _traffic = new();
    private string? _stopReason;

    public ReplicaMember(MemberSettings settings, DocumentStore store)
    {
        _settings = settings;
        _store = store;
        _writer = new WriteCommandExecutor(settings.MaxDocumentBytes);
        _groupCommit = new GroupCommit(settings.MaxWritesPerBatch);
        _window = new OplogWindow(settings.OplogWindowBytes);
        _journalOplog = new JournalOplog(settings.OplogSizeBytes);
        _snapshotHistory = new SnapshotHistory(settings.SnapshotHistory);
        _recentWrites = new RecentWrites(settings.RecentWriteIds);
        _metrics = new MemberMetrics(settings.Host);
        _tailing = new Tailing(settings.Recovery.Backoff, settings.SyncSource, settings.FetchAwaitData, settings.Recovery.RollbackProbeTimeout);
        _elections = new Elections(_random, settings.PriorityTakeoverFreshness);

        Recover<SnapshotOffer>(RecoverSnapshot);
        Recover<OplogAppended>(e =>
        {
            Journaled(e);
            _recentWrites.Record(e.Entries);
            var applied = _store.AppliedOpTime;
            _unappliedTail.AddRange(e.Entries.Where(entry => entry.OpTime > applied));
        });
        Recover<TermChanged>(e => _durable = _durable.Apply(e));
        Recover<ConfigInstalled>(e => _durable = _durable.Apply(e));
        Recover<RollbackApplied>(e =>
        {
            RolledBack(e);
            _unappliedTail.RemoveAll(entry => entry.OpTime > e.CommonPoint);
        });
        Recover<RecoveryCompleted>(_ => OnRecovered());
    }

    public override string PersistenceId => "replica-member";

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(MemberSettings settings, DocumentStore store) =>
        Akka.Actor.Props.Create(() => new ReplicaMember(settings, store)).WithDispatcher("akka.actor.storage-dispatcher");

    private ReplicaSetConfig? Config => _durable.Config;

    private MemberConfig? Me => _durable.Config?.FindByHost(_settings.Host);

    protected override void PreStart()
    {
        _readers = Context.ActorOf(
            ReaderActor.Props(new ReadCommandExecutor(_store), _store.Reader)
                .WithRouter(new RoundRobinPool(_settings.ReaderCount))
                .WithDispatcher("akka.actor.reader-dispatcher"),
            "readers");
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.UnreachableMember));
        Context.System.EventStream.Subscribe(Self, typeof(Akka.Remote.DisassociatedEvent));
        base.PreStart();
    }

    /// <summary>
    /// Readers are stateless: a failed read was answered with an error already, so restart them.
    /// The delayed applier is stopped, not restarted: the member notices (Terminated) and seeds a new
    /// applier from the journal's entries it has not applied.
    /// A journal reader is stopped: its fetch goes unanswered, and the fetching member's deadline gives up on it and asks again, which reads anew.
    /// The initial syncer is stopped too: its half-written clone is worthless, so the member fails the
    /// attempt (naming the exception) and a new attempt starts from a wiped store.
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(Decider.From(e =>
    {
        var child = Sender.Path.Name;
        if (child.StartsWith(InitialSyncerName, StringComparison.Ordinal))
        {
            _initialSyncerCrash = $"{e.GetType().Name}: {e.Message}";
            return Directive.Stop;
        }
        return child.StartsWith(JournalReaderName, StringComparison.Ordinal)
            || child.StartsWith("delayed-applier-", StringComparison.Ordinal)
            ? Directive.Stop
            : Directive.Restart;
    }));

    /// <summary>
    /// A journal that refuses an event leaves this member's state ahead of its journal, and the refused batch
    /// in flight for good: stop, as a journal failure does, so the backoff supervisor restarts the member from its journal.
    /// </summary>
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _stopReason = $"the journal rejected {@event.GetType().Name} at sequence number {sequenceNr}: {cause.Message}";
        _log.Error(cause, "{0}; the member restarts from its journal", _stopReason);
        Context.Stop(Self);
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _stopReason = $"the journal failed to write {@event.GetType().Name} at sequence number {sequenceNr}: {cause.Message}";
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void PostStop()
    {
        // Retryable: the client's one retry (same write id, so never applied twice) finds the restarted or new primary.
        var reason = _stopReason ?? "the member stopped";
        foreach (var write in _groupCommit.Abandon().Where(w => (w.Concern ?? WriteConcern.Primary).IsAcknowledged))
            Refuse(write, CommandReply.Error(ErrorCode.InterruptedDueToReplStateChange, $"write interrupted: {reason}"));
        Cluster.Get(Context.System).Unsubscribe(Self);
        Context.System.EventStream.Unsubscribe(Self);
        _metrics.Dispose();
        base.PostStop();
    }

    private void OnRecovered()
    {
        // Entries the journal made durable but the store had not committed when the process died.
        // A delayed member leaves them to its delayed applier (started with the config, below); a member
        // whose initial sync never finished discards them with its data and syncs again.
        if (_unappliedTail.Count > 0 && Me is not { SecondaryDelaySecs: > 0 } && !_store.Reader.InitialSyncInProgress)
        {
            ApplyToStore(_unappliedTail);
            _log.Info("re-applied {0} oplog entries from the journal after {1}", _unappliedTail.Count, _unappliedTail[0].OpTime);
        }
        _unappliedTail.Clear();
        _lastIssued = _durable.LastOpTime.Ts;
        Timers.StartPeriodicTimer(TimerKeys.Truncation, new TruncationTick(), _settings.OplogTruncateInterval);
        _log.Info("member {0} recovered: term {1}, last oplog entry {2}, config version {3}",
            _settings.Host, _durable.Term, _durable.LastOpTime, _durable.Config?.Version.ToString() ?? "none");
        if (_durable.Config is { } config) OnConfigKnown(config);
        else Become(Startup);
    }

    private void OnMaintenanceTick()
    {
        _metrics.Publish(CurrentMetrics());
        var now = DateTimeOffset.UtcNow;
        if (Config is not null) Replicate(_tailing.Tick(TailView(), now));
        AnswerParkedFetches();
        RetryReconfigsAwaitingCommitment();
        if (_elections.StepDownPending) OnElectionWake();
        if (_state == MemberState.Primary)
        {
            StepDownIfMajorityLost();
            if (_catchUp.Running) CheckCatchUp();
        }
        // Versions older than a commit point the snapshot-history window has passed can no longer be read or rolled back to.
        if (_snapshotHistory.Observe(_commitPoint, now) is { } pruneTo && pruneTo > _prunedTo) _pruneTo = pruneTo;
        if (_groupCommit.IsIdle && _pruneTo > _prunedTo)
        {
            _store.PruneHistory(_pruneTo);
            _prunedTo = _pruneTo;
        }
    }

    private static long EntrySize(OplogEntry entry) => BsonSize.Of(entry);

    /// <summary>Counts every client command by name before it is handled.</summary>
    private Action<CommandRequest> Counted(Action<CommandRequest> handle) => request =>
    {
        _metrics.Command(request.Name);
        handle(request);
    };

    /// <summary>Counts every answer to this member's fetches and probes before it is handled.</summary>
    private Action<OplogBatch> Received(Action<OplogBatch> handle) => batch =>
    {
        _traffic.Received(batch);
        handle(batch);
    };

    /// <summary>Lag per data-bearing member (this one included, by host) behind the newest applied entry this member knows of, and the oplog window.</summary>
    private MetricsSnapshot CurrentMetrics()
    {
        // Arbiters hold no oplog, and a member in initial sync reports none yet: neither has a lag to show.
        var applied = new Dictionary<string, OpTime>();
        if (Me is { ArbiterOnly: false } self && _state != MemberState.Startup2) applied[self.Host] = _store.AppliedOpTime;
        foreach (var peer in _peers.All.Where(p => p.Up && !p.Applied.IsNull))
            if (Config?.FindById(peer.Id) is { ArbiterOnly: false } member) applied[member.Host] = peer.Applied;
        var newest = applied.Values.DefaultIfEmpty(OpTime.Null).Max();
        var lag = applied.ToDictionary(a => a.Key, a => Math.Max(0, (double)newest.Ts.Seconds - a.Value.Ts.Seconds));
        var window = _journalOplog.Last.IsNull ? 0 : (double)_journalOplog.Last.Ts.Seconds - _journalOplog.First.Ts.Seconds;
        return new MetricsSnapshot(_state, lag, window, _syncRun?.Progress.Fraction);
    }

    // ---- Behaviors -------------------------------------------------------------------------------

    /// <summary>STARTUP: no config yet. Only hello, status and replSetInitiate mean anything; heartbeats may bring a config.</summary>
    private void Startup()
    {
        _state = MemberState.Startup;
        Command<CommandRequest>(Counted(request =>
        {
            if (request.Name == CommandCatalog.ReplSetInitiate) Initiate(request);
            else HandleCommand(request);
        }));
        Command<InitiateChecked>(OnInitiateChecked);
        CommonHandlers();
    }

    /// <summary>SECONDARY: holds data, tails a sync source, serves reads that allow secondaries, stands for election when the primary is gone.</summary>
    private void Secondary()
    {
        _state = MemberState.Secondary;
        Command<CommandRequest>(Counted(HandleCommand));
        Command<ElectionHandoff>(_ => StandForElection("the primary handed the election to this member", dryRun: false));
        CommonHandlers();
    }

    /// <summary>A secondary asking for votes (dry run, then real): still a secondary to everyone else.</summary>
    private void Candidate()
    {
        _state = MemberState.Secondary;
        Command<CommandRequest>(Counted(HandleCommand));
        Command<VoteReply>(OnVoteReply);
        CommonHandlers();
    }

    /// <summary>PRIMARY: takes writes through group commit and advances the commit point.</summary>
    private void Primary()
    {
        _state = MemberState.Primary;
        Command<CommandRequest>(Counted(request =>
        {
            if (CommandCatalog.IsWrite(request.Name)) AdmitWrite(request);
            else HandleCommand(request);
        }));
        CommonHandlers();
    }

    /// <summary>
    /// Elected, catching up before taking writes: PRIMARY to the other members (so they hold no election),
    /// but not writable to clients yet.
    /// </summary>
    private void CatchingUp()
    {
        _state = MemberState.Primary;
        Command<CommandRequest>(Counted(request =>
        {
            if (CommandCatalog.IsWrite(request.Name))
                Sender.Tell(CommandReply.Error(ErrorCode.NotWritablePrimary, "not writable yet: this newly elected primary is catching up"));
            else HandleCommand(request);
        }));
        CommonHandlers();
    }

    /// <summary>ARBITER: votes, holds no data, never stands.</summary>
    private void Arbiter()
    {
        _state = MemberState.Arbiter;
        Command<CommandRequest>(Counted(HandleCommand));
        CommonHandlers();
    }

    /// <summary>ROLLBACK: finding the common point with the sync source, then undoing what follows it.</summary>
    private void Rollback()
    {
        _state = MemberState.Rollback;
        Command<CommandRequest>(Counted(HandleCommand));
        CommonHandlers();
    }

    /// <summary>RECOVERING: alive but not readable (fell off its source's oplog, or a rollback failed); tries again to rejoin.</summary>
    private void Recovering()
    {
        _state = MemberState.Recovering;
        Command<CommandRequest>(Counted(HandleCommand));
        CommonHandlers();
    }

    /// <summary>REMOVED: the installed config does not name this member; it serves nothing.</summary>
    private void Removed()
    {
        _state = MemberState.Removed;
        Command<CommandRequest>(Counted(HandleCommand));
        CommonHandlers();
    }

    /// <summary>What every state handles: the member-to-member protocol and housekeeping.</summary>
    private void CommonHandlers()
    {
        Command<InternalCommand>(internalCommand => HandleCommand(internalCommand.Request));
        Command<HeartbeatTick>(_ => OnHeartbeatTick());
        Command<MaintenanceTick>(_ => OnMaintenanceTick());
        Command<ElectionWake>(_ => OnElectionWake());
        TruncationHandlers();
        Command<Heartbeat>(OnHeartbeat);
        Command<HeartbeatReply>(OnHeartbeatReply);
        Command<RequestVote>(OnRequestVote);
        Command<FetchOplog>(fetch =>
        {
            _traffic.Served(fetch);
            OnFetchOplog(fetch);
        });
        Command<JournalOplogRead>(OnJournalOplogRead);
        Command<OplogBatch>(Received(OnOplogBatch));
        Command<Terminated>(OnTerminated);
        Command<UpdatePosition>(update =>
        {
            _traffic.Received(update);
            OnUpdatePosition(update);
        });
        Command<WriteConcernTimeout>(OnWriteConcernTimeout);
        Command<ClusterEvent.UnreachableMember>(OnUnreachable);
        Command<Akka.Remote.DisassociatedEvent>(OnDisassociated);
        Command<ApplyDue>(OnApplyDue);
        Command<CloneCatalogRequest>(OnCloneCatalogRequest);
        Command<CloneBatchRequest>(OnCloneBatchRequest);
        Command<InitiateChecked>(checkedInitiate => checkedInitiate.ReplyTo.Tell(CommandReply.Error(ErrorCode.AlreadyInitialized, "already initialized")));
        // Ticks and replies from a role this member no longer has.
        Command<VoteReply>(_ => { });
        Command<ElectionHandoff>(_ => { });
        Command<InitialSyncRetry>(_ => { });
        Command<InitialSyncProgressed>(_ => { });
        Command<InitialSyncCloned>(_ => { });
        Command<InitialSyncFailed>(_ => { });
    }

    // ---- Config ----------------------------------------------------------------------------------

    private void OnConfigKnown(ReplicaSetConfig config)
    {
        JoinCluster(config);
        var interval = TimeSpan.FromMilliseconds(config.Settings.HeartbeatIntervalMillis);
        Timers.StartPeriodicTimer(TimerKeys.Heartbeat, new HeartbeatTick(), TimeSpan.Zero, interval);
        Timers.StartPeriodicTimer(TimerKeys.Maintenance, new MaintenanceTick(), _settings.MaintenanceInterval);
        ResetPeers(config);

        if (config.FindByHost(_settings.Host) is not { } self)
        {
            if (_state == MemberState.Primary) StepDown("this member is not in the new config");
            Timers.Cancel(TimerKeys.Election);
            StopFetcher("this member is not in the config");
            StopInitialSyncer();
            _syncRun = null;
            Become(Removed);
            return;
        }
        if (self.ArbiterOnly)
        {
            Become(Arbiter);
            return;
        }
        if (_state == MemberState.Startup2) return;
        if (NeedsInitialSync())
        {
            BeginInitialSync(_store.Reader.InitialSyncInProgress
                ? "an earlier initial sync did not finish: its partial data is discarded and the sync starts over"
                : "this member holds no data");
            return;
        }
        MaintainDelayedApplier(self);
        if (_state == MemberState.Primary && config.FindById(self.Id) is not null) return;
        BecomeSecondary();
        // A set whose only voter is this member needs nobody else's vote.
        if (config.MajorityVoteCount == 1 && self.IsElectable && config.Voters.All(v => v.Id == self.Id))
            StandForElection("this member is the set's only voter", dryRun: false);
    }

    private void JoinCluster(ReplicaSetConfig config)
    {
        if (_joinedCluster) return;
        _joinedCluster = true;
        // Config order, the same on every member: only the first host may form a new cluster alone.
        Cluster.Get(Context.System).JoinSeedNodes(config.Members.Select(m => MemberAddress(m.Host)).ToList());
    }

    private Address MemberAddress(string host)
    {
        // Config validation guarantees every member host parses.
        HostAndPort.TryParse(host, out var parsed);
        var remoting = RemotingEndpoint.For(parsed, _settings.RemotingPortOffset);
        var protocol = Cluster.Get(Context.System).SelfAddress.Protocol;
        return new Address(protocol, MemberAddressing.SystemName, remoting.Host, remoting.Port);
    }

    private ActorSelection MemberSelection(string host) =>
        Context.ActorSelection(new RootActorPath(MemberAddress(host)) / "user" / MemberAddressing.MemberActorName);

    /// <summary>A message to the member with id <paramref name="memberId"/> in the installed config (none to one it does not name).</summary>
    private void SendToMember(int memberId, IReplicaMessage message)
    {
        if (Config?.FindById(memberId) is { } member) MemberSelection(member.Host).Tell(message, Self);
    }

    /// <summary>The effects any flow of Member/Core may return besides its own: a message to another member, a log line.</summary>
    private void CarryOutSendOrLog(CoreEffect effect)
    {
        switch (effect)
        {
            case Send { To: var to, Message: var message }:
                SendToMember(to, message);
                break;
            case LogLine { Message: var message, Detail: true }:
                _log.Debug(message);
                break;
            case LogLine { Message: var message }:
                _log.Info(message);
                break;
        }
    }

    private Func<OpTime> NextOpTime(DateTimeOffset now) => () =>
    {
        _lastIssued = OpTimeClock.Next(_lastIssued, now.ToUnixTimeSeconds());
        return new OpTime(_lastIssued, _durable.Term);
    };
}
