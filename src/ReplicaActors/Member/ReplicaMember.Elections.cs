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
    private Elections _elections = null!;
    private DateTimeOffset? _electionDate;
    private readonly Dictionary<long, IActorRef> _stepDownReplies = new();
    private readonly CatchUp _catchUp = new();
    private long _stepDowns;
    private long _stepDownRequests;

    /// <summary>What the election flow reads of this member; only called with a config installed.</summary>
    private ElectionView ElectionView() =>
        new(Config!, Me?.Id ?? -1, _state, _durable.Term, _durable.LastOpTime, _store.AppliedOpTime, _durable.VotedFor, _peers);

    /// <summary>
    /// Carries out what the election flow (<see cref="Elections"/>) decided, in order: whatever follows a Persist waits
    /// until the event is durable. Then the flow's next deadline is set as a timer. <paramref name="candidate"/> asked for a vote.
    /// </summary>
    private void Elect(IReadOnlyList<CoreEffect> effects, IActorRef? candidate = null)
    {
        var persistAt = effects.ToList().FindIndex(effect => effect is Persist);
        foreach (var effect in persistAt < 0 ? effects : effects.Take(persistAt)) CarryOut(effect, candidate);
        if (persistAt < 0)
        {
            WakeForElections();
            return;
        }
        var rest = effects.Skip(persistAt + 1).ToList();
        Persist(((Persist)effects[persistAt]).Event, persisted =>
        {
            _durable = _durable.Apply(persisted);
            Elect(rest, candidate);
        });
    }

    private void CarryOut(CoreEffect effect, IActorRef? candidate)
    {
        switch (effect)
        {
            case VoteReplied { Reply: var reply }:
                candidate!.Tell(reply);
                break;
            case ElectionStarted:
                _metrics.ElectionStarted();
                break;
            case RoundStarted:
                Become(Candidate);
                break;
            // Callbacks of earlier asynchronous persists may have run first: act on the role this member still holds.
            case ElectionLost when _state == MemberState.Secondary:
                Become(Secondary);
                break;
            case ElectionWon:
                BecomePrimary();
                break;
            case StepDownRequired { Reason: var reason } when _state == MemberState.Primary:
                StepDown(reason);
                break;
            case StepDownAnswered { RequestId: var id, Error: var error, Message: var message }:
                if (_stepDownReplies.Remove(id, out var replyTo))
                    replyTo.Tell(error is { } code ? CommandReply.Error(code, message) : CommandReply.Success(new BsonDocument("info", message)));
                break;
            default:
                CarryOutSendOrLog(effect);
                break;
        }
    }

    /// <summary>One timer, set for whatever the election flow must check next: the election timeout, a round's end, a takeover.</summary>
    private void WakeForElections()
    {
        var due = _elections.NextDue;
        if (due == DateTimeOffset.MaxValue)
        {
            Timers.Cancel(TimerKeys.Election);
            return;
        }
        var delay = due - DateTimeOffset.UtcNow;
        Timers.StartSingleTimer(TimerKeys.Election, ElectionWake.Instance, delay > TimeSpan.Zero ? delay : TimeSpan.Zero);
    }

    private void OnElectionWake()
    {
        if (Config is not null) Elect(_elections.Tick(ElectionView(), DateTimeOffset.UtcNow));
    }

    private void BecomeSecondary()
    {
        Become(Secondary);
        ResetElectionTimer();
    }

    private void ResetElectionTimer()
    {
        if (Config is not { } config) return;
        _elections.ResetElectionTimeout(config, DateTimeOffset.UtcNow);
        WakeForElections();
    }

    private void ConsiderTakeover() => Elect(_elections.ConsiderTakeover(ElectionView(), DateTimeOffset.UtcNow));

    private void StandForElection(string reason, bool dryRun)
    {
        if (Config is not null) Elect(_elections.Stand(ElectionView(), DateTimeOffset.UtcNow, reason, dryRun));
    }

    private void OnVoteReply(VoteReply reply) => Elect(_elections.VoteReplyReceived(ElectionView(), reply, DateTimeOffset.UtcNow));

    /// <summary>A candidate that starts a rollback or goes RECOVERING gives up its round (<see cref="Elections.Abandon"/>).</summary>
    private void AbandonCandidacy() => _elections.Abandon();

    /// <summary>
    /// Catch-up first (<see cref="CatchUp"/>): a fresher member (it had entries of the old primary this member never
    /// got) is tailed until no member this one hears from is fresher, so fewer writes are rolled back.
    /// </summary>
    private void BecomePrimary()
    {
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
        var step = _catchUp.Check(Config!, _peers.All, _durable.LastOpTime, DateTimeOffset.UtcNow, _tailing.SyncSourceId);
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
        if (Config is null || Me is null)
        {
            Sender.Tell(new VoteReply(-1, request.DryRun, _durable.Term, false, Config is null ? "this member has no config" : "removed"));
            return;
        }
        Elect(_elections.RequestVoteReceived(ElectionView(), request, DateTimeOffset.UtcNow), Sender);
    }

    /// <summary>
    /// A newer term seen anywhere: move to it (persisted); a primary or candidate of an older term gives up. A member
    /// without a config takes no part in elections: it learns the term from heartbeats once it has one.
    /// </summary>
    private void UpdateTerm(long term, string reason)
    {
        if (Config is not null) Elect(_elections.NewerTerm(ElectionView(), term, reason, DateTimeOffset.UtcNow));
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
        var command = request.Command;
        var stepDownSecs = command[0].IsNumeric ? command[0].ToInt64() : StepDownRules.DefaultStepDownSecs;
        var catchUpSecs = command.GetValue("secondaryCatchUpPeriodSecs", StepDownRules.DefaultSecondaryCatchUpPeriodSecs).ToInt64();
        var force = command.GetValue("force", false).ToBoolean();
        StepDownRules.ValidateArguments(stepDownSecs, catchUpSecs);
        if (Config is null || Me is null)
            throw new ReplicaException(ErrorCode.NotWritablePrimary, $"not primary: this member is {_state.ToDisplay()}, so it cannot step down");
        var id = ++_stepDownRequests;
        _stepDownReplies[id] = Sender;
        Elect(_elections.StepDownRequested(ElectionView(), new StepDownRequest(id, stepDownSecs, catchUpSecs, force), DateTimeOffset.UtcNow));
    }

    private void Freeze(CommandRequest request)
    {
        if (_state == MemberState.Primary)
            throw new ReplicaException(ErrorCode.NotSecondary, "cannot freeze a primary: step it down first (rs stepdown)");
        var secs = request.Command[0].IsNumeric ? request.Command[0].ToInt64()
            : throw new ReplicaException(ErrorCode.TypeMismatch, "replSetFreeze takes a number of seconds");
        if (secs < 0) throw new ReplicaException(ErrorCode.BadValue, $"replSetFreeze takes a non-negative number of seconds, got {secs}");
        _elections.Freeze(secs == 0 ? DateTimeOffset.MinValue : DateTimeOffset.UtcNow.AddSeconds(secs));
        Sender.Tell(CommandReply.Success(new BsonDocument("info", secs == 0 ? "unfrozen" : $"will not stand for election for {secs} s")));
    }

    private void StepUp()
    {
        if (_state != MemberState.Secondary || Config is null || Me is null)
            throw new ReplicaException(ErrorCode.NotSecondary, $"only a secondary can step up; this member is {_state.ToDisplay()}");
        var check = _elections.Eligibility(ElectionView(), DateTimeOffset.UtcNow);
        if (!check.CanStand) throw new ReplicaException(ErrorCode.CommandFailed, $"cannot step up: {check.Message}");
        StandForElection("replSetStepUp", dryRun: false);
        Sender.Tell(CommandReply.Success(new BsonDocument("info", $"standing for election in term {_durable.Term + 1}")));
    }
}
