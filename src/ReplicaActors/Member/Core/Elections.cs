using ReplicaActors.Config;
using ReplicaActors.Consensus;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;

namespace ReplicaActors.Member.Core;

/// <summary>What the election flow reads of the member at each step; the member owns all of it.</summary>
/// <param name="LastWritten">The newest entry in the member's journal: what its vote requests and eligibility compare.</param>
/// <param name="Applied">The newest entry applied to its data: what the takeover rules compare.</param>
public sealed record ElectionView(ReplicaSetConfig Config, int SelfId, MemberState State, long Term, OpTime LastWritten, OpTime Applied, int? VotedFor, PeerTable Peers)
{
    public int? HealthyPrimaryId => Peers.HealthyPrimaryId(State, SelfId);

    public CandidacyState ToCandidacyState(DateTimeOffset frozenUntil) => new(Config, SelfId, State, LastWritten, Peers.Views(), frozenUntil);
}

/// <summary>A round of an election began: the member is a candidate (still SECONDARY to the others).</summary>
public sealed record RoundStarted(long Term, bool DryRun) : CoreEffect;

/// <summary>The member stood for election (metrics count it).</summary>
public sealed record ElectionStarted(long Term, bool DryRun, string Reason) : CoreEffect;

/// <summary>The running round was lost: the candidate is a plain SECONDARY again.</summary>
public sealed record ElectionLost(long Term, string Reason) : CoreEffect;

/// <summary>The real round of <paramref name="Term"/> was won: the member becomes PRIMARY of that term.</summary>
public sealed record ElectionWon(long Term) : CoreEffect;

/// <summary>The member, primary of an older term, must step down.</summary>
public sealed record StepDownRequired(string Reason) : CoreEffect;

/// <summary>The answer to the candidate whose vote request this was.</summary>
public sealed record VoteReplied(VoteReply Reply) : CoreEffect;

/// <summary>replSetStepDown as a primary is asked it (its arguments already checked): <paramref name="RequestId"/> names the answer.</summary>
public sealed record StepDownRequest(long RequestId, long StepDownSecs, long CatchUpSecs, bool Force);

/// <summary>The answer to step-down request <paramref name="RequestId"/>: done (<paramref name="Error"/> null) or refused.</summary>
public sealed record StepDownAnswered(long RequestId, ErrorCode? Error, string Message) : CoreEffect;

/// <summary>
/// A member's elections (protocol version 1), as one deterministic flow the member actor and <see cref="MemberCore"/>
/// both run: when a secondary stands (no primary heard within the election timeout, a takeover, a handoff, a step-up),
/// its dry run and real round (<see cref="Candidacy"/>), moving to newer terms, answering vote requests
/// (<see cref="VoteAnswer"/>), freezing, and a primary's replSetStepDown (waiting for a secondary to catch up, then
/// handing the election to it). It owns the candidacy and its deadlines; the member's role, term and oplog
/// are read from an <see cref="ElectionView"/> and changed only through the effects it returns: <see cref="Persist"/>
/// (everything after it waits until the event is durable), <see cref="Send"/>, and the role changes above.
/// No clock and no randomness of its own: time comes with every call, and the random source is the caller's.
/// </summary>
public sealed class Elections
{
    private readonly Random _random;
    private readonly TimeSpan _priorityTakeoverFreshness;
    private readonly Candidacy _candidacy = new();
    private readonly List<CoreEffect> _effects = [];
    private DateTimeOffset _electionDeadline = DateTimeOffset.MaxValue;
    private DateTimeOffset _roundDeadline = DateTimeOffset.MaxValue;
    private ScheduledTakeover? _takeover;
    private PendingStepDown? _pendingStepDown;

    private sealed record ScheduledTakeover(long Term, TakeoverKind Kind, string Reason, DateTimeOffset Due);

    private sealed record PendingStepDown(StepDownRequest Request, DateTimeOffset Deadline);

    public Elections(Random random, TimeSpan priorityTakeoverFreshness)
    {
        _random = random;
        _priorityTakeoverFreshness = priorityTakeoverFreshness;
    }

    /// <summary>True while a round (dry run or real) of this member's runs.</summary>
    public bool Running => _candidacy.Running;

    /// <summary>True while a step-down waits for an electable secondary to catch up: the caller ticks the flow often, so it completes as soon as one has.</summary>
    public bool StepDownPending => _pendingStepDown is not null;

    /// <summary>Until when this member may not stand (replSetFreeze, a step-down); in the past when not frozen.</summary>
    public DateTimeOffset FrozenUntil { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>
    /// The earliest time <see cref="Tick"/> has something to do. After any call it lies in the future (or is
    /// <see cref="DateTimeOffset.MaxValue"/>), so a caller that wakes the flow then never spins.
    /// </summary>
    public DateTimeOffset NextDue
    {
        get
        {
            var due = _electionDeadline;
            if (_candidacy.Running && _roundDeadline < due) due = _roundDeadline;
            if (_takeover is { } takeover && takeover.Due < due) due = takeover.Due;
            if (_pendingStepDown is { } pending && pending.Deadline < due) due = pending.Deadline;
            return due;
        }
    }

    /// <summary>A full election timeout (with its random share) from now before a secondary that hears no primary stands.</summary>
    public void ResetElectionTimeout(ReplicaSetConfig config, DateTimeOffset now) =>
        _electionDeadline = now + ElectionTimeout.Next(config.Settings, _random.NextDouble());

    /// <summary>The connection to the primary closed: this member stands in its turn instead of waiting out the timeout.</summary>
    public void PrimaryConnectionLost(ElectionView view, DateTimeOffset now) =>
        _electionDeadline = now + ElectionTimeout.AfterPrimaryConnectionLost(view.Config, view.SelfId, view.Peers.Views(), _random.NextDouble());

    public void Freeze(DateTimeOffset until) => FrozenUntil = until;

    /// <summary>Whether this member may stand now, and if not, why.</summary>
    public EligibilityResult Eligibility(ElectionView view, DateTimeOffset now) => Consensus.Eligibility.Check(view.ToCandidacyState(FrozenUntil), now);

    /// <summary>
    /// A candidate that starts a rollback or goes RECOVERING gives up its round: the round's end (or a newer term) would
    /// otherwise make it SECONDARY in the middle of the rollback or recovery.
    /// </summary>
    public void Abandon() => _candidacy.End();

    /// <summary>
    /// Deadlines: a waiting step-down completes once a secondary caught up (or ends at its deadline), a round that ran
    /// out of time is lost, a due takeover is checked again, an election timeout stands.
    /// </summary>
    public IReadOnlyList<CoreEffect> Tick(ElectionView view, DateTimeOffset now)
    {
        _effects.Clear();
        if (_pendingStepDown is { } pending) RetryStepDown(view, now, pending);
        if (_candidacy.Running && now >= _roundDeadline)
            Lose(view.Config, now, $"not enough votes within the election timeout ({_candidacy.Tally!.Yes.Count} of {_candidacy.Tally.Needed})");
        if (_takeover is { } takeover && now >= takeover.Due)
        {
            _takeover = null;
            if (takeover.Term == view.Term && view.State == MemberState.Secondary && !_candidacy.Running)
            {
                if (FreshEnoughFor(takeover.Kind, view)) StandNow(view, now, takeover.Reason, dryRun: true);
                else Note($"not taking over ({takeover.Reason}): this member is no longer fresh enough");
            }
        }
        if (now >= _electionDeadline)
        {
            // Only a secondary that hears no primary stands; in any other case the timeout simply starts again.
            if (view.State == MemberState.Secondary && !_candidacy.Running && view.HealthyPrimaryId is null)
                StandNow(view, now, "no primary heard from within the election timeout", dryRun: true);
            else ResetElectionTimeout(view.Config, now);
        }
        return Done();
    }

    /// <summary>A report from the primary of this member's term: no election is due.</summary>
    public void HeardPrimary(ElectionView view, DateTimeOffset now)
    {
        if (view.State == MemberState.Secondary) ResetElectionTimeout(view.Config, now);
    }

    /// <summary>Stands for election now, for <paramref name="reason"/>: a dry run first, or straight to the real round (a handoff, a step-up, a set of one voter).</summary>
    public IReadOnlyList<CoreEffect> Stand(ElectionView view, DateTimeOffset now, string reason, bool dryRun)
    {
        _effects.Clear();
        StandNow(view, now, reason, dryRun);
        return Done();
    }

    /// <summary>On a heartbeat tick of a secondary: schedules a priority or catch-up takeover of the primary, if one is due.</summary>
    public IReadOnlyList<CoreEffect> ConsiderTakeover(ElectionView view, DateTimeOffset now)
    {
        _effects.Clear();
        if (_takeover is null && view.HealthyPrimaryId is { } primaryId && view.Peers.Find(primaryId) is { } primary)
        {
            var decision = TakeoverRules.Decide(new TakeoverState(view.Config, view.SelfId, view.Term, view.Applied, primaryId, primary.Term, primary.Applied), _random.NextDouble());
            if (decision.Kind != TakeoverKind.None)
            {
                _takeover = new ScheduledTakeover(view.Term, decision.Kind, decision.Reason, now + decision.Delay);
                Note($"scheduling a {decision.Kind} takeover in {decision.Delay.TotalMilliseconds} ms: {decision.Reason}");
            }
        }
        return Done();
    }

    public IReadOnlyList<CoreEffect> VoteReplyReceived(ElectionView view, VoteReply reply, DateTimeOffset now)
    {
        _effects.Clear();
        var outcome = _candidacy.Record(reply);
        if (outcome is null) return Done();
        if (!reply.Granted) Note($"member {reply.VoterId} refused its vote: {reply.Reason}");
        if (outcome == ElectionOutcome.Won) RoundWon(view, now);
        else if (outcome == ElectionOutcome.Lost)
        {
            Lose(view.Config, now, _candidacy.LossReason());
            MoveToTerm(view, now, reply.Term, "a voter is in a newer term");
        }
        return Done();
    }

    /// <summary>A newer term seen anywhere: the move is persisted; a primary of an older term steps down, a candidate loses its round.</summary>
    public IReadOnlyList<CoreEffect> NewerTerm(ElectionView view, long term, string reason, DateTimeOffset now)
    {
        _effects.Clear();
        MoveToTerm(view, now, term, reason);
        return Done();
    }

    /// <summary>The answer to a vote request, sent only once a granted vote or a newer term is durable.</summary>
    public IReadOnlyList<CoreEffect> RequestVoteReceived(ElectionView view, RequestVote request, DateTimeOffset now)
    {
        _effects.Clear();
        var answer = VoteAnswer.To(request, view.Config, view.SelfId, view.State, _candidacy.Running, view.Term, view.LastWritten, view.VotedFor, view.HealthyPrimaryId);
        if (answer.ToPersist is { } durable)
        {
            _effects.Add(new Persist(durable));
            if (answer.StepDown) _effects.Add(new StepDownRequired($"voted in term {durable.Term}"));
            if (answer.LoseElection && _candidacy.Running) Lose(view.Config, now, $"moved to term {durable.Term} by member {request.CandidateId}'s vote request");
            if (answer.ResetElectionTimer && view.State == MemberState.Secondary) ResetElectionTimeout(view.Config, now);
        }
        _effects.Add(new VoteReplied(answer.Reply));
        return Done();
    }

    /// <summary>replSetStepDown: at once when safe (or forced with no catch-up period), else once an electable secondary catches up.</summary>
    public IReadOnlyList<CoreEffect> StepDownRequested(ElectionView view, StepDownRequest request, DateTimeOffset now)
    {
        _effects.Clear();
        if (view.State != MemberState.Primary)
            Answer(request, ErrorCode.NotWritablePrimary, $"not primary: this member is {view.State.ToDisplay()}, so it cannot step down");
        else if (_pendingStepDown is not null)
            Answer(request, ErrorCode.ConflictingOperationInProgress, "a step-down is already waiting for a secondary to catch up");
        else
        {
            var check = StepDownRules.CanStepDown(view.Config, view.SelfId, view.LastWritten, view.Peers.Views());
            if (check.Safe || (request.Force && request.CatchUpSecs == 0))
                CompleteStepDown(view, now, request, check.Safe ? "replSetStepDown" : "replSetStepDown with force");
            else _pendingStepDown = new PendingStepDown(request, now + TimeSpan.FromSeconds(request.CatchUpSecs));
        }
        return Done();
    }

    private void RetryStepDown(ElectionView view, DateTimeOffset now, PendingStepDown pending)
    {
        if (view.State != MemberState.Primary)
        {
            // It stepped down for another reason meanwhile (a newer term, a lost majority): what was asked holds; the freeze too.
            _pendingStepDown = null;
            Freeze(now + TimeSpan.FromSeconds(pending.Request.StepDownSecs));
            Answer(pending.Request, null, $"no longer primary ({view.State.ToDisplay()}); will not stand for election for {pending.Request.StepDownSecs} s");
        }
        else if (StepDownRules.CanStepDown(view.Config, view.SelfId, view.LastWritten, view.Peers.Views()).Safe)
        {
            _pendingStepDown = null;
            CompleteStepDown(view, now, pending.Request, "replSetStepDown");
        }
        else if (now >= pending.Deadline)
        {
            _pendingStepDown = null;
            if (pending.Request.Force) CompleteStepDown(view, now, pending.Request, "replSetStepDown with force after the catch-up period");
            else Answer(pending.Request, ErrorCode.ExceededTimeLimit,
                "no electable secondary caught up within the catch-up period; still primary (use force to step down anyway)");
        }
    }

    /// <summary>Steps down, frozen for the asked time, and hands the election to the freshest electable secondary, which stands at once.</summary>
    private void CompleteStepDown(ElectionView view, DateTimeOffset now, StepDownRequest request, string reason)
    {
        Freeze(now + TimeSpan.FromSeconds(request.StepDownSecs));
        var successor = StepDownRules.ChooseHandoffCandidate(view.Config, view.SelfId, view.LastWritten, view.Peers.Views());
        _effects.Add(new StepDownRequired(reason));
        if (successor is not null) _effects.Add(new Send(successor.Id, new ElectionHandoff(view.Term)));
        Answer(request, null, $"stepped down; will not stand for election for {request.StepDownSecs} s{(successor is null ? "" : $"; handed the election to {successor.Host}")}");
    }

    private void Answer(StepDownRequest request, ErrorCode? error, string message) => _effects.Add(new StepDownAnswered(request.RequestId, error, message));

    private void StandNow(ElectionView view, DateTimeOffset now, string reason, bool dryRun)
    {
        // Whatever comes of it, the next timeout is a full one away.
        ResetElectionTimeout(view.Config, now);
        var check = Eligibility(view, now);
        if (!check.CanStand)
        {
            Note($"not standing for election: {check.Message}", detail: true);
            return;
        }
        _effects.Add(new ElectionStarted(view.Term + 1, dryRun, reason));
        Note($"standing for election in term {view.Term + 1} ({(dryRun ? "dry run first" : "real")}): {reason}");
        if (dryRun) StartRound(view, now, view.Term + 1, dryRun: true);
        else VoteForSelf(view, now);
    }

    /// <summary>The term and the vote for oneself are durable before anyone is asked for a real vote.</summary>
    private void VoteForSelf(ElectionView view, DateTimeOffset now)
    {
        var term = view.Term + 1;
        _effects.Add(new Persist(new TermChanged(term, view.SelfId)));
        StartRound(view, now, term, dryRun: false);
    }

    private void StartRound(ElectionView view, DateTimeOffset now, long term, bool dryRun)
    {
        _takeover = null;
        _roundDeadline = now + view.Config.Settings.ElectionTimeout;
        if (_candidacy.Start(view.Config, view.SelfId, term, dryRun, view.LastWritten) is not { } request)
        {
            RoundWon(view, now);
            return;
        }
        _effects.Add(new RoundStarted(term, dryRun));
        foreach (var voter in view.Config.Voters.Where(v => v.Id != view.SelfId)) _effects.Add(new Send(voter.Id, request));
    }

    private void RoundWon(ElectionView view, DateTimeOffset now)
    {
        var wasDryRun = _candidacy.IsDryRun;
        var term = _candidacy.Tally!.Term;
        _candidacy.End();
        if (wasDryRun) VoteForSelf(view, now);
        else _effects.Add(new ElectionWon(term));
    }

    private void Lose(ReplicaSetConfig config, DateTimeOffset now, string reason)
    {
        var term = _candidacy.Tally?.Term ?? 0;
        Note($"election for term {term} lost: {reason}");
        _candidacy.End();
        ResetElectionTimeout(config, now);
        _effects.Add(new ElectionLost(term, reason));
    }

    private void MoveToTerm(ElectionView view, DateTimeOffset now, long term, string reason)
    {
        if (term <= view.Term) return;
        _effects.Add(new Persist(new TermChanged(term, null)));
        if (view.State == MemberState.Primary) _effects.Add(new StepDownRequired($"{reason}; this member's term was older"));
        else if (_candidacy.Running) Lose(view.Config, now, reason);
    }

    /// <summary>When a takeover fires, this member must still be fresh enough for it (MongoDB checks again then).</summary>
    private bool FreshEnoughFor(TakeoverKind kind, ElectionView view)
    {
        var others = view.Peers.Views();
        return kind == TakeoverKind.CatchUp
            ? view.HealthyPrimaryId is { } primaryId && view.Peers.Find(primaryId) is { } primary
              && TakeoverRules.IsFreshEnoughForCatchUpTakeover(view.Applied, view.Term, primary.Applied, others)
            : TakeoverRules.IsFreshEnoughForPriorityTakeover(view.Applied, others.Where(v => v.Up).Select(v => v.Applied).Append(view.Applied).Max(),
                _priorityTakeoverFreshness);
    }

    private void Note(string message, bool detail = false) => _effects.Add(new LogLine(message, detail));

    private IReadOnlyList<CoreEffect> Done() => _effects.Count == 0 ? [] : _effects.ToList();
}
