using Akka.Actor;
using Akka.Event;
using MongoDB.Bson;
using ReplicaActors.Config;
using ReplicaActors.Consensus;
using ReplicaActors.Member.Core;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;

namespace ReplicaActors.Member;

/// <summary>Elections (protocol version 1): terms, dry runs, votes, becoming primary, stepping down, freeze and step-up.</summary>
public sealed partial class ReplicaMember
{
    private readonly Candidacy _candidacy = new();
    private DateTimeOffset _frozenUntil = DateTimeOffset.MinValue;
    private DateTimeOffset? _electionDate;
    private PendingStepDown? _pendingStepDown;
    private readonly CatchUp _catchUp = new();
    private long _stepDowns;
    private long _stepDownRequests;

    private sealed record PendingStepDown(long Id, long StepDownSecs, IActorRef ReplyTo);

    private void BecomeSecondary()
    {
        Become(Secondary);
        ResetElectionTimer();
    }

    private void ResetElectionTimer()
    {
        if (Config is not { } config) return;
        Timers.StartSingleTimer(TimerKeys.Election, new ElectionTimeoutTick(_durable.Term), ElectionTimeout.Next(config.Settings, _random.NextDouble()));
    }

    private void OnElectionTimeout(ElectionTimeoutTick tick)
    {
        if (tick.Term != _durable.Term) return;
        StandForElection("no primary heard from within the election timeout", dryRun: true);
    }

    private void ConsiderTakeover(ReplicaSetConfig config)
    {
        if (Me is not { } self || HealthyPrimaryId() is not { } primaryId || _peers.Find(primaryId) is not { } primary) return;
        var decision = TakeoverRules.Decide(new TakeoverState(config, self.Id, _durable.Term, _store.AppliedOpTime, primaryId, primary.Term, primary.Applied), _random.NextDouble());
        if (decision.Kind == TakeoverKind.None || Timers.IsTimerActive(TimerKeys.Takeover)) return;
        _log.Info("scheduling a {0} in {1} ms: {2}", decision.Kind, decision.Delay.TotalMilliseconds, decision.Reason);
        Timers.StartSingleTimer(TimerKeys.Takeover, new TakeoverTick(_durable.Term, decision.Kind, decision.Reason), decision.Delay);
    }

    /// <summary>When the takeover fires, this member must still be fresh enough for it (MongoDB checks again then).</summary>
    private void OnTakeoverTick(TakeoverTick tick)
    {
        if (tick.Term != _durable.Term || _state != MemberState.Secondary) return;
        var mine = _store.AppliedOpTime;
        var views = OtherViews();
        var fresh = tick.Kind == TakeoverKind.CatchUp
            ? HealthyPrimaryId() is { } primaryId && _peers.Find(primaryId) is { } primary
              && TakeoverRules.IsFreshEnoughForCatchUpTakeover(mine, _durable.Term, primary.Applied, views)
            : TakeoverRules.IsFreshEnoughForPriorityTakeover(mine, views.Where(v => v.Up).Select(v => v.Applied).Append(mine).Max(),
                _settings.PriorityTakeoverFreshness);
        if (!fresh)
        {
            _log.Info("not taking over ({0}): this member is no longer fresh enough", tick.Reason);
            return;
        }
        StandForElection(tick.Reason, dryRun: true);
    }

    private void StandForElection(string reason, bool dryRun)
    {
        if (Config is not { } config || Me is not { } self) return;
        var check = Eligibility.Check(new CandidacyState(config, self.Id, _state, _durable.LastOpTime, OtherViews(), _frozenUntil), DateTimeOffset.UtcNow);
        if (!check.CanStand)
        {
            _log.Debug("not standing for election: {0}", check.Message);
            ResetElectionTimer();
            return;
        }
        _log.Info("standing for election in term {0} ({1}): {2}", _durable.Term + 1, dryRun ? "dry run first" : "real", reason);
        _metrics.ElectionStarted();
        if (dryRun) StartRound(dryRun: true, _durable.Term + 1);
        else VoteForSelfAndStartRound();
    }

    /// <summary>The term and the vote for oneself are durable before anyone is asked for a vote.</summary>
    private void VoteForSelfAndStartRound()
    {
        Persist(new TermChanged(_durable.Term + 1, Me!.Id), e =>
        {
            _durable = _durable.Apply(e);
            StartRound(dryRun: false, _durable.Term);
        });
    }

    private void StartRound(bool dryRun, long term)
    {
        var config = Config!;
        if (_candidacy.Start(config, Me!.Id, term, dryRun, _durable.LastOpTime) is not { } request)
        {
            OnRoundWon();
            return;
        }
        Become(Candidate);
        foreach (var voter in config.Voters.Where(v => v.Id != Me!.Id))
            MemberSelection(voter.Host).Tell(request, Self);
        Timers.StartSingleTimer(TimerKeys.ElectionRound, new ElectionRoundTimeout(term, dryRun), TimeSpan.FromMilliseconds(config.Settings.ElectionTimeoutMillis));
    }

    private void OnVoteReply(VoteReply reply)
    {
        var outcome = _candidacy.Record(reply);
        if (outcome is null) return;
        if (!reply.Granted) _log.Info("member {0} refused its vote: {1}", reply.VoterId, reply.Reason);
        switch (outcome)
        {
            case ElectionOutcome.Won:
                OnRoundWon();
                break;
            case ElectionOutcome.Lost:
                LoseElection(_candidacy.LossReason());
                if (reply.Term > _durable.Term) UpdateTerm(reply.Term, "a voter is in a newer term");
                break;
        }
    }

    private void OnElectionRoundTimeout(ElectionRoundTimeout timeout)
    {
        if (_candidacy.IsRound(timeout.Term, timeout.DryRun))
            LoseElection($"not enough votes within the election timeout ({_candidacy.Tally!.Yes.Count} of {_candidacy.Tally.Needed})");
    }

    private void OnRoundWon()
    {
        Timers.Cancel(TimerKeys.ElectionRound);
        var wasDryRun = _candidacy.IsDryRun;
        _candidacy.End();
        if (wasDryRun) VoteForSelfAndStartRound();
        else BecomePrimary();
    }

    /// <summary>
    /// A candidate that starts a rollback or goes RECOVERING gives up its round: the round's end (or a newer term) would
    /// otherwise make it SECONDARY in the middle of the rollback or recovery.
    /// </summary>
    private void AbandonCandidacy()
    {
        if (!_candidacy.Running) return;
        _candidacy.End();
        Timers.Cancel(TimerKeys.ElectionRound);
    }

    private void LoseElection(string reason)
    {
        _log.Info("election for term {0} lost: {1}", _candidacy.Tally?.Term, reason);
        _candidacy.End();
        Timers.Cancel(TimerKeys.ElectionRound);
        BecomeSecondary();
    }

    /// <summary>
    /// Catch-up first (<see cref="CatchUp"/>): a fresher member (it had entries of the old primary this member never
    /// got) is tailed until no member this one hears from is fresher, so fewer writes are rolled back.
    /// </summary>
    private void BecomePrimary()
    {
        Timers.Cancel(TimerKeys.Election);
        Timers.Cancel(TimerKeys.Takeover);
        StopFetcher("this member won an election");
        if (_catchUp.Start(Config!, _peers.All, _durable.LastOpTime, DateTimeOffset.UtcNow) is not { } fresher)
        {
            CompleteElection();
            return;
        }
        _log.Info("elected in term {0}; catching up from member {1} (at {2}) before taking writes", _durable.Term, fresher, _peers.Find(fresher)?.Applied);
        Become(CatchingUp);
        StartFetcher(fresher, "catch-up after election");
    }

    /// <summary>After each batch appended while catching up, and on the maintenance tick.</summary>
    private void CheckCatchUp()
    {
        var step = _catchUp.Check(Config!, _peers.All, _durable.LastOpTime, DateTimeOffset.UtcNow, _tail.SyncSourceId);
        if (step.DoneBecause is { } done)
        {
            _log.Info("{0}; taking writes now", done);
            CompleteElection();
        }
        else if (step.Follow is { } fresher) StartFetcher(fresher, "catch-up after election: the member tailed before went silent");
    }

    /// <summary>
    /// Drain: batches fetched before this point are journaled and applied (their persist callbacks run
    /// before the deferred one), so the new term's first entry follows everything this member had.
    /// </summary>
    private void CompleteElection()
    {
        _catchUp.End();
        StopFetcher("this member is taking writes");
        var term = _durable.Term;
        var stepDowns = _stepDowns;
        DeferAsync(term, _ =>
        {
            // A newer term or a step-down (lost majority while catching up) since the win cancels it.
            if (_durable.Term != term || _stepDowns != stepDowns) return;
            _peers.SetPrimary(Me!.Id);
            _electionDate = DateTimeOffset.UtcNow;
            _majority.Reset();
            _lastIssued = _lastIssued > _durable.LastOpTime.Ts ? _lastIssued : _durable.LastOpTime.Ts;
            _log.Info("elected PRIMARY in term {0}", term);
            _metrics.ElectionWon();
            Become(Primary);
            StampConfigTerm(term);
            LearnPosition(SelfPosition());
            Write(new PendingWrite(null, ActorRefs.Nobody, new BsonDocument("msg", "new primary")));
        });
    }

    /// <summary>
    /// A new primary's config carries its term (the version stays): heartbeats spread it as the newer config, and a safe
    /// reconfig then needs a majority holding this very stamp.
    /// </summary>
    private void StampConfigTerm(long term)
    {
        if (Config is not { } config || config.Term == term) return;
        // Not Persist: it would stash commands, and this runs inside the election's deferred handler.
        PersistAsync(new ConfigInstalled(config with { Term = term }), e =>
        {
            _durable = _durable.Apply(e);
            _log.Info("config version {0} now carries term {1}", config.Version, term);
        });
    }

    private void OnRequestVote(RequestVote request)
    {
        var replyTo = Sender;
        if (Config is not { } config || Me is not { } self)
        {
            replyTo.Tell(new VoteReply(-1, request.DryRun, _durable.Term, false, Config is null ? "this member has no config" : "removed"));
            return;
        }
        var answer = VoteAnswer.To(request, config, self.Id, _state, _candidacy.Running, _durable.Term, _durable.LastOpTime, _durable.VotedFor, HealthyPrimaryId());
        if (answer.ToPersist is not { } durable)
        {
            replyTo.Tell(answer.Reply);
            return;
        }
        // A granted vote (and a move to a newer term) is durable before the candidate hears of it.
        Persist(durable, e =>
        {
            _durable = _durable.Apply(e);
            // Callbacks of earlier asynchronous persists may have run first: act on the role this member still holds.
            if (answer.StepDown && _state == MemberState.Primary) StepDown($"voted in term {e.Term}");
            if (answer.LoseElection && _candidacy.Running) LoseElection($"moved to term {e.Term} by member {request.CandidateId}'s vote request");
            if (answer.ResetElectionTimer && _state == MemberState.Secondary) ResetElectionTimer();
            replyTo.Tell(answer.Reply);
        });
    }

    /// <summary>A newer term seen anywhere: move to it (persisted); a primary or candidate of an older term gives up.</summary>
    private void UpdateTerm(long term, string reason)
    {
        if (term <= _durable.Term) return;
        Persist(new TermChanged(term, null), e =>
        {
            if (e.Term <= _durable.Term) return;
            _durable = _durable.Apply(e);
            if (_state == MemberState.Primary) StepDown($"{reason}; this member's term was older");
            else if (_candidacy.Running) LoseElection(reason);
        });
    }

    private void StepDown(string reason)
    {
        _log.Info("stepping down from PRIMARY: {0}", reason);
        _metrics.SteppedDown();
        _stepDowns++;
        _catchUp.End();
        _peers.SetPrimary(null);
        _electionDate = null;
        FailWaitersOnStepDown();
        BecomeSecondary();
    }

    // ---- Admin commands -------------------------------------------------------------------------

    private void StepDownCommand(CommandRequest request)
    {
        if (_state != MemberState.Primary)
            throw new ReplicaException(ErrorCode.NotWritablePrimary, $"not primary: this member is {_state.ToDisplay()}, so it cannot step down");
        var command = request.Command;
        var stepDownSecs = command[0].IsNumeric ? command[0].ToInt64() : StepDownRules.DefaultStepDownSecs;
        var catchUpSecs = command.GetValue("secondaryCatchUpPeriodSecs", StepDownRules.DefaultSecondaryCatchUpPeriodSecs).ToInt64();
        var force = command.GetValue("force", false).ToBoolean();
        StepDownRules.ValidateArguments(stepDownSecs, catchUpSecs);
        if (_pendingStepDown is not null)
            throw new ReplicaException(ErrorCode.ConflictingOperationInProgress, "a step-down is already waiting for a secondary to catch up");

        var check = StepDownRules.CanStepDown(Config!, Me!.Id, _durable.LastOpTime, OtherViews());
        if (check.Safe || (force && catchUpSecs == 0))
        {
            CompleteStepDown(stepDownSecs, Sender, check.Safe ? "replSetStepDown" : "replSetStepDown with force");
            return;
        }
        _pendingStepDown = new PendingStepDown(++_stepDownRequests, stepDownSecs, Sender);
        Timers.StartSingleTimer(TimerKeys.StepDown, new StepDownDeadline(_pendingStepDown.Id, force), TimeSpan.FromSeconds(catchUpSecs));
    }

    /// <summary>Each housekeeping tick while a step-down waits: has an electable secondary caught up yet?</summary>
    private void RetryPendingStepDown()
    {
        if (_pendingStepDown is not { } pending || _state != MemberState.Primary) return;
        if (StepDownRules.CanStepDown(Config!, Me!.Id, _durable.LastOpTime, OtherViews()).Safe)
        {
            Timers.Cancel(TimerKeys.StepDown);
            _pendingStepDown = null;
            CompleteStepDown(pending.StepDownSecs, pending.ReplyTo, "replSetStepDown");
        }
    }

    private void OnStepDownDeadline(StepDownDeadline deadline)
    {
        if (_pendingStepDown is not { } pending || pending.Id != deadline.RequestId) return;
        _pendingStepDown = null;
        if (deadline.Force)
        {
            CompleteStepDown(pending.StepDownSecs, pending.ReplyTo, "replSetStepDown with force after the catch-up period");
            return;
        }
        pending.ReplyTo.Tell(CommandReply.Error(ErrorCode.ExceededTimeLimit,
            "no electable secondary caught up within the catch-up period; still primary (use force to step down anyway)"));
    }

    private void CompleteStepDown(long stepDownSecs, IActorRef replyTo, string reason)
    {
        _frozenUntil = DateTimeOffset.UtcNow.AddSeconds(stepDownSecs);
        var successor = StepDownRules.ChooseHandoffCandidate(Config!, Me!.Id, _durable.LastOpTime, OtherViews());
        StepDown(reason);
        if (successor is not null) MemberSelection(successor.Host).Tell(new ElectionHandoff(_durable.Term), Self);
        replyTo.Tell(CommandReply.Success(new BsonDocument("info",
            $"stepped down; will not stand for election for {stepDownSecs} s{(successor is null ? "" : $"; handed the election to {successor.Host}")}")));
    }

    private void Freeze(CommandRequest request)
    {
        if (_state == MemberState.Primary)
            throw new ReplicaException(ErrorCode.NotSecondary, "cannot freeze a primary: step it down first (rs stepdown)");
        var secs = request.Command[0].IsNumeric ? request.Command[0].ToInt64()
            : throw new ReplicaException(ErrorCode.TypeMismatch, "replSetFreeze takes a number of seconds");
        if (secs < 0) throw new ReplicaException(ErrorCode.BadValue, $"replSetFreeze takes a non-negative number of seconds, got {secs}");
        _frozenUntil = secs == 0 ? DateTimeOffset.MinValue : DateTimeOffset.UtcNow.AddSeconds(secs);
        Sender.Tell(CommandReply.Success(new BsonDocument("info", secs == 0 ? "unfrozen" : $"will not stand for election for {secs} s")));
    }

    private void StepUp()
    {
        if (_state != MemberState.Secondary || Config is not { } config || Me is not { } self)
            throw new ReplicaException(ErrorCode.NotSecondary, $"only a secondary can step up; this member is {_state.ToDisplay()}");
        var check = Eligibility.Check(new CandidacyState(config, self.Id, _state, _durable.LastOpTime, OtherViews(), _frozenUntil), DateTimeOffset.UtcNow);
        if (!check.CanStand) throw new ReplicaException(ErrorCode.CommandFailed, $"cannot step up: {check.Message}");
        StandForElection("replSetStepUp", dryRun: false);
        Sender.Tell(CommandReply.Success(new BsonDocument("info", $"standing for election in term {_durable.Term + 1}")));
    }
}
