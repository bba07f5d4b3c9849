using MongoDB.Bson;
using ReplicaActors.Config;
using ReplicaActors.Consensus;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;

namespace ReplicaActors.Member.Core;

/// <summary>
/// The replication protocol of one member as a deterministic state machine, in the manner of etcd's raft.go: heartbeats,
/// terms and votes, elections, the primary's oplog and commit point, tailing a sync source, rollback and recovery.
/// No Akka, no clock, no IO: time comes in with every <see cref="Step"/>, randomness from the seed it was made with,
/// and what must happen comes out as <see cref="CoreEffect"/>s (persist, then send). The decisions themselves are the
/// Consensus/ rules the member actor uses (votes, eligibility, commit point, sync source, rollback search, recovery
/// backoff); the seeded simulator in the test suite drives several cores through partitions, crashes and clock skew.
/// It holds the oplog entries themselves, not documents: applying them to a store is the caller's business.
/// </summary>
public sealed class MemberCore
{
    private readonly ReplicaSetConfig _config;
    private readonly int _selfId;
    private readonly MemberSettings _settings;
    // The actor's in-memory window, unbounded here: the core holds its whole oplog in it, and serves fetches from it as the actor does.
    private readonly OplogWindow _log = new(long.MaxValue);
    private readonly PeerTable _peers = new();
    private readonly MemberPositions _positions = new();
    private readonly ParkedFetches<int> _parkedFetches = new();
    // Majority writes until the commit point reaches WaitFor; Entry is the entry that holds the write.
    private readonly Dictionary<BsonValue, (OpTime WaitFor, OpTime Entry)> _awaitingCommit = new();
    private readonly List<(long ReadId, OpTime Barrier)> _awaitingBarrier = [];
    private readonly List<CoreEffect> _effects = [];
    private readonly DateTimeOffset _startedAt;

    private MemberDurableState _durable;
    private Timestamp _lastIssued;
    private OpTime _commitPoint = OpTime.Null;
    private DateTimeOffset _nextHeartbeat;
    private readonly MajorityWatch _majority = new();
    private readonly Elections _elections;
    private readonly Tailing _tailing;
    private readonly CatchUp _catchUp = new();
    private readonly RecentWrites _recentWrites;

    /// <param name="settings">The member's settings, as the actor has them (recovery, sync sources, fetches, retryable writes).</param>
    /// <param name="recovered">The journal's events, oldest first (empty for a new member).</param>
    public MemberCore(ReplicaSetConfig config, int selfId, int seed, MemberSettings settings, IEnumerable<IMemberEvent> recovered, DateTimeOffset now)
    {
        _config = config;
        _selfId = selfId;
        _settings = settings;
        _elections = new Elections(new Random(seed), settings.PriorityTakeoverFreshness);
        _tailing = new Tailing(settings.Recovery.Backoff, settings.SyncSource, settings.FetchAwaitData, settings.Recovery.RollbackProbeTimeout);
        _recentWrites = new RecentWrites(settings.RecentWriteIds);
        _startedAt = now;
        _durable = MemberDurableState.Empty with { Config = config };
        foreach (var e in recovered) Fold(e);
        _lastIssued = _durable.LastOpTime.Ts;
        _peers.Reset(config, selfId);
        _nextHeartbeat = now;
        State = MemberState.Secondary;
        _elections.ResetElectionTimeout(config, now);
    }

    public MemberState State { get; private set; }

    public long Term => _durable.Term;

    public OpTime CommitPoint => _commitPoint;

    public OpTime LastOpTime => _durable.LastOpTime;

    /// <summary>This member's oplog, oldest first.</summary>
    public IReadOnlyList<OplogEntry> Log => _log.Entries;

    public string? InfoMessage { get; private set; }

    public IReadOnlyList<CoreEffect> Step(CoreInput input, DateTimeOffset now)
    {
        _effects.Clear();
        switch (input)
        {
            case Received { From: var from, Message: var message }:
                OnMessage(from, message, now);
                break;
            case ClientWrite write:
                OnClientWrite(write, now);
                break;
            case ClientRead read:
                OnClientRead(read, now);
                break;
            case ClientStepDown { Request: var request }:
                Elect(_elections.StepDownRequested(View(), request, now), now);
                break;
        }
        OnTime(now);
        return _effects.ToList();
    }

    // ---- Time ------------------------------------------------------------------------------------

    private void OnTime(DateTimeOffset now)
    {
        if (now >= _nextHeartbeat)
        {
            _nextHeartbeat = now + _config.Settings.HeartbeatInterval;
            foreach (var peer in _peers.All.Select(p => p.Id).ToList()) Emit(new Send(peer, new Heartbeat(Report(), now.UtcTicks)));
            _peers.MarkSilentDown(now, _config.Settings.HeartbeatTimeout, _startedAt);
            Tail(_tailing.Heartbeat(TailView(), now), now);
            if (State == MemberState.Secondary) Elect(_elections.ConsiderTakeover(View(), now), now);
        }
        if (State == MemberState.Primary) StepDownIfMajorityLost(now);
        if (State == MemberState.Primary && _catchUp.Running) CheckCatchUp(now);
        Elect(_elections.Tick(View(), now), now);
        Tail(_tailing.Tick(TailView(), now), now);
        AnswerParkedFetches(now);
    }

    // ---- Messages --------------------------------------------------------------------------------

    private void OnMessage(int from, IReplicaMessage message, DateTimeOffset now)
    {
        switch (message)
        {
            case Heartbeat heartbeat:
                OnReport(heartbeat.From, now);
                Emit(new Send(from, new HeartbeatReply(Report(), heartbeat.SentTicks)));
                break;
            case HeartbeatReply reply:
                OnReport(reply.From, now);
                break;
            case RequestVote request:
                Elect(_elections.RequestVoteReceived(View(), request, now), now, from);
                break;
            case VoteReply reply:
                Elect(_elections.VoteReplyReceived(View(), reply, now), now);
                break;
            case FetchOplog fetch:
                if (fetch.Term > Term) UpdateTerm(fetch.Term, now, $"member {from} fetches in a newer term");
                if (!AnswerFetch(from, fetch, answerEmpty: false)) _parkedFetches.Park(fetch, from, now + _settings.FetchAwaitData);
                break;
            case OplogBatch batch:
                OnOplogBatch(from, batch, now);
                break;
            case ElectionHandoff when State == MemberState.Secondary:
                Elect(_elections.Stand(View(), now, "the primary handed the election to this member", dryRun: false), now);
                break;
            case UpdatePosition update:
                foreach (var position in update.Positions) LearnPosition(position, now);
                if (State != MemberState.Primary) ReportPositionUpstream();
                break;
        }
    }

    private MemberReport Report() =>
        new(_config.Name, _selfId, Term, State, _durable.LastOpTime, _durable.LastOpTime, _commitPoint, _tailing.SyncSourceId, 0, null);

    /// <summary>The same reading of a report as the member actor's (<see cref="PeerTable"/>), less the config it may carry.</summary>
    private void OnReport(MemberReport report, DateTimeOffset now)
    {
        var outcome = _peers.Hear(report, null, null, Term, _selfId, now);
        if (outcome == ReportOutcome.UnknownMember) return;
        if (outcome == ReportOutcome.NewerTerm)
        {
            UpdateTerm(report.Term, now, $"member {report.MemberId} is in term {report.Term}");
            return;
        }
        LearnPosition(new MemberPosition(report.MemberId, report.Applied, report.Durable, report.Term), now);
        if (outcome == ReportOutcome.FromPrimary)
        {
            LearnCommitPoint(report.CommitPoint);
            _elections.HeardPrimary(View(), now);
        }
    }

    private IReadOnlyList<MemberView> OtherViews() => _peers.Views();

    private int? HealthyPrimaryId() => _peers.HealthyPrimaryId(State, _selfId);

    // ---- Terms and elections ---------------------------------------------------------------------

    private ElectionView View() => new(_config, _selfId, State, Term, _durable.LastOpTime, _durable.LastOpTime, _durable.VotedFor, _peers);

    /// <summary>A newer term seen anywhere: move to it (persisted); a primary or candidate of an older term gives up.</summary>
    private void UpdateTerm(long term, DateTimeOffset now, string reason) => Elect(_elections.NewerTerm(View(), term, reason, now), now);

    /// <summary>Carries out what the election flow decided (<see cref="Elections"/>), in order; <paramref name="from"/> asked for a vote.</summary>
    private void Elect(IReadOnlyList<CoreEffect> effects, DateTimeOffset now, int? from = null)
    {
        foreach (var effect in effects)
            switch (effect)
            {
                case Persist { Event: var e }:
                    Record(e);
                    break;
                case Send send:
                    Emit(send);
                    break;
                case VoteReplied { Reply: var reply }:
                    Emit(new Send(from!.Value, reply));
                    break;
                case ElectionWon:
                    BecomePrimary(now);
                    break;
                case ElectionLost { Reason: var reason }:
                    SetState(MemberState.Secondary, $"election lost: {reason}");
                    break;
                case StepDownRequired { Reason: var reason }:
                    if (State == MemberState.Primary) StepDown(now, reason);
                    break;
                case StepDownAnswered answered:
                    Emit(answered);
                    break;
            }
    }

    /// <summary>PRIMARY to the others at once; writable once caught up with any fresher member (<see cref="CatchUp"/>).</summary>
    private void BecomePrimary(DateTimeOffset now)
    {
        Tail(_tailing.Stop("this member won an election"), now);
        _peers.SetPrimary(_selfId);
        _majority.Reset();
        _positions.Clear();
        SetState(MemberState.Primary, $"elected in term {Term}");
        if (_catchUp.Start(_config, _peers.All, _durable.LastOpTime, now) is { } fresher)
        {
            Tail(_tailing.Follow(TailView(), now, fresher, "catch-up after election"), now);
            return;
        }
        TakeWrites(now);
    }

    private void CheckCatchUp(DateTimeOffset now)
    {
        var step = _catchUp.Check(_config, _peers.All, _durable.LastOpTime, now, _tailing.SyncSourceId);
        if (step.DoneBecause is not null) TakeWrites(now);
        else if (step.Follow is { } fresher) Tail(_tailing.Follow(TailView(), now, fresher, "catch-up after election: the member tailed before went silent"), now);
    }

    /// <summary>The new term's first entry follows everything this primary caught up with; client writes come after it.</summary>
    private void TakeWrites(DateTimeOffset now)
    {
        _catchUp.End();
        Tail(_tailing.Stop("this member is taking writes"), now);
        AppendOwn(now, new BsonDocument("msg", "new primary"), writeId: null);
    }

    private void StepDown(DateTimeOffset now, string reason)
    {
        _catchUp.End();
        _peers.SetPrimary(null);
        foreach (var (writeId, (_, entry)) in _awaitingCommit) Emit(new WriteAnswered(writeId, entry, $"the primary stepped down: {reason}"));
        _awaitingCommit.Clear();
        foreach (var (readId, barrier) in _awaitingBarrier) Emit(new ReadAnswered(readId, [], barrier, $"the primary stepped down: {reason}"));
        _awaitingBarrier.Clear();
        SetState(MemberState.Secondary, $"stepped down: {reason}");
        _elections.ResetElectionTimeout(_config, now);
    }

    private void StepDownIfMajorityLost(DateTimeOffset now)
    {
        if (_majority.ShouldStepDown(_config, _selfId, OtherViews(), now)) StepDown(now, "cannot see a majority of voters");
    }

    // ---- The primary's writes and commit point ---------------------------------------------------

    /// <summary>
    /// A client write, or its retry: a write id this member's oplog already holds (written here, or by a former primary
    /// whose entries it has) is never applied again, and, as in the member actor, is answered once its write concern is
    /// met at this member's newest entry, which follows the original's on this history.
    /// </summary>
    private void OnClientWrite(ClientWrite write, DateTimeOffset now)
    {
        if (WritableRefusal() is { } refusal)
        {
            Emit(new WriteAnswered(write.WriteId, OpTime.Null, refusal));
            return;
        }
        OpTime waitFor, entry;
        if (_recentWrites.TryGet(write.WriteId, out var done)) (waitFor, entry) = (_durable.LastOpTime, done.At);
        else waitFor = entry = AppendOwn(now, new BsonDocument("w", write.WriteId), write.WriteId);
        if (!write.Majority)
        {
            Emit(new WriteAnswered(write.WriteId, entry, null));
            return;
        }
        _awaitingCommit[write.WriteId] = (waitFor, entry);
        AnswerCommitted();
    }

    /// <summary>
    /// Local and majority reads are served at once by a readable member, at its newest entry or its commit point. A
    /// linearizable read waits on a primary until a barrier entry is majority-committed, then reads at the commit point:
    /// the state as of the barrier, and nothing newer that is not yet majority-committed.
    /// </summary>
    private void OnClientRead(ClientRead read, DateTimeOffset now)
    {
        if (read.Level == ReadLevel.Linearizable)
        {
            if (WritableRefusal() is { } refusal)
            {
                Emit(new ReadAnswered(read.ReadId, [], OpTime.Null, refusal));
                return;
            }
            _awaitingBarrier.Add((read.ReadId, AppendOwn(now, new BsonDocument("msg", "linearizable read"), writeId: null)));
            AnswerCommitted();
            return;
        }
        if (!State.IsReadable())
        {
            Emit(new ReadAnswered(read.ReadId, [], OpTime.Null, $"not readable: this member is {State.ToDisplay()}"));
            return;
        }
        var at = read.Level == ReadLevel.Majority ? _commitPoint : _durable.LastOpTime;
        Emit(new ReadAnswered(read.ReadId, WritesThrough(at), at, null));
    }

    private string? WritableRefusal() =>
        State != MemberState.Primary ? $"not primary: this member is {State.ToDisplay()}"
        : _catchUp.Running ? "not writable yet: this newly elected primary is catching up"
        : null;

    private List<BsonValue> WritesThrough(OpTime at) =>
        _log.Entries.TakeWhile(e => e.OpTime <= at).Where(e => e.WriteId is not null).Select(e => e.WriteId!).ToList();

    private OpTime AppendOwn(DateTimeOffset now, BsonDocument o, BsonValue? writeId)
    {
        _lastIssued = OpTimeClock.Next(_lastIssued, now.ToUnixTimeSeconds());
        var entry = new OplogEntry(new OpTime(_lastIssued, Term), now.ToUnixTimeMilliseconds(), OpType.Noop, "", o, null, writeId);
        Record(new OplogAppended([entry]));
        LearnPosition(SelfPosition(), now);
        return entry.OpTime;
    }

    private MemberPosition SelfPosition() => new(_selfId, _durable.LastOpTime, _durable.LastOpTime, Term);

    /// <summary>A position counts toward the commit point as <see cref="MemberPositions"/> says; a newer term's position moves this member to that term.</summary>
    private void LearnPosition(MemberPosition position, DateTimeOffset now)
    {
        switch (_positions.Learn(position, Term))
        {
            case PositionOutcome.NewerTerm:
                UpdateTerm(position.Term, now, $"member {position.MemberId} reports a position in term {position.Term}");
                return;
            case PositionOutcome.Recorded when State == MemberState.Primary:
                _commitPoint = _positions.CommitPoint(_config, Term, _commitPoint);
                AnswerCommitted();
                return;
        }
    }

    /// <summary>Positions travel up the sync-source chain to the primary.</summary>
    private void ReportPositionUpstream()
    {
        if (_tailing.SyncSourceId is { } source) Emit(new Send(source, new UpdatePosition(_positions.All)));
    }

    private void AnswerCommitted()
    {
        foreach (var (writeId, (_, entry)) in _awaitingCommit.Where(w => w.Value.WaitFor <= _commitPoint).ToList())
        {
            _awaitingCommit.Remove(writeId);
            Emit(new WriteAnswered(writeId, entry, null));
        }
        foreach (var (readId, barrier) in _awaitingBarrier.Where(r => r.Barrier <= _commitPoint).ToList())
        {
            _awaitingBarrier.Remove((readId, barrier));
            Emit(new ReadAnswered(readId, WritesThrough(_commitPoint), _commitPoint, null));
        }
    }

    private void LearnCommitPoint(OpTime heard) => _commitPoint = Consensus.CommitPoint.Learn(_commitPoint, heard, _durable.LastOpTime);

    // ---- Serving fetches -------------------------------------------------------------------------

    /// <returns>False when there is nothing new yet and the fetch may wait.</returns>
    private bool AnswerFetch(int from, FetchOplog fetch, bool answerEmpty)
    {
        var entries = _log.Fetch(fetch.After, _settings.FetchBatchEntries);
        if (entries is { Count: 0 } && !answerEmpty) return false;
        Emit(new Send(from, new OplogBatch(_selfId, Term, _commitPoint, entries ?? [], entries is null, _log.Oldest, _durable.LastOpTime, fetch.RequestId)));
        return true;
    }

    private void AnswerParkedFetches(DateTimeOffset now) =>
        _parkedFetches.AnswerDue(now, (fetch, from, answerEmpty) => AnswerFetch(from, fetch, answerEmpty));

    // ---- Tailing a sync source, rollback and recovery ------------------------------------------

    private TailView TailView() => new(_config, _selfId, State, Term, _durable.LastOpTime, _commitPoint, _log, _peers, _catchUp.Running);

    private void OnOplogBatch(int from, OplogBatch batch, DateTimeOffset now)
    {
        if (batch.SourceTerm > Term) UpdateTerm(batch.SourceTerm, now, "the sync source is in a newer term");
        if (from == batch.SourceId) Tail(_tailing.Batch(TailView(), batch, now), now);
    }

    /// <summary>Carries out what the tailing flow decided (<see cref="Tailing"/>), in order.</summary>
    private void Tail(IReadOnlyList<CoreEffect> effects, DateTimeOffset now)
    {
        foreach (var effect in effects)
            switch (effect)
            {
                case Send send:
                    Emit(send);
                    break;
                case NoSyncSource { Reason: var reason } when State == MemberState.Secondary:
                    InfoMessage = $"no sync source: {reason}";
                    break;
                case Following when State == MemberState.Secondary:
                    InfoMessage = null;
                    break;
                case AppendFetched appended:
                    Record(new OplogAppended(appended.Entries));
                    LearnPosition(SelfPosition(), now);
                    if (!_catchUp.Running) ReportPositionUpstream();
                    LearnCommitPoint(appended.CommitPoint);
                    if (_catchUp.Running) CheckCatchUp(now);
                    Tail(_tailing.FetchAfterAppend(TailView(), now, appended.Run), now);
                    break;
                case CommitPointHeard { CommitPoint: var commitPoint }:
                    LearnCommitPoint(commitPoint);
                    if (_catchUp.Running) CheckCatchUp(now);
                    break;
                case RollbackStarted { Reason: var reason }:
                    _elections.Abandon();
                    SetState(MemberState.Rollback, reason);
                    break;
                case RollBackTo { CommonPoint: var common }:
                    var undone = _log.After(common.OpTime, int.MaxValue)!;
                    Record(new RollbackApplied(common.OpTime, common.WallMillis));
                    _lastIssued = common.OpTime.Ts;
                    _positions.Forget(_selfId);
                    Emit(new RolledBackEntries(common.OpTime, undone));
                    Tail(_tailing.Rejoin($"rolled back to {common.OpTime}"), now);
                    break;
                case WentRecovering { Message: var message }:
                    InfoMessage = message;
                    _elections.Abandon();
                    SetState(MemberState.Recovering, message);
                    break;
                case Rejoined { Reason: var reason }:
                    InfoMessage = null;
                    SetState(MemberState.Secondary, reason);
                    break;
                case CatchUpSourceDiverged:
                    TakeWrites(now);
                    break;
            }
    }

    // ---- Durable state ---------------------------------------------------------------------------

    /// <summary>Persisted before anything after it is done: the effect comes first, the state follows at once.</summary>
    private void Record(IMemberEvent e)
    {
        Emit(new Persist(e));
        Fold(e);
    }

    private void Fold(IMemberEvent e)
    {
        _durable = _durable.Apply(e);
        switch (e)
        {
            case OplogAppended appended:
                _log.Append(appended.Entries, static _ => 0);
                _recentWrites.Record(appended.Entries);
                break;
            case RollbackApplied rollback:
                _log.TruncateAfter(rollback.CommonPoint);
                _recentWrites.ForgetAfter(rollback.CommonPoint);
                break;
        }
    }

    private void SetState(MemberState state, string reason)
    {
        if (State == state) return;
        State = state;
        Emit(new StateChanged(state, reason));
    }

    private void Emit(CoreEffect effect) => _effects.Add(effect);
}
