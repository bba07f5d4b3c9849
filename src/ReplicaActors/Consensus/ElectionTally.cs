using ReplicaActors.Config;

namespace ReplicaActors.Consensus;

public enum ElectionOutcome
{
    Pending,
    Won,
    Lost,
}

/// <summary>
/// The count of one vote round (dry run or real), the candidate's own vote included. Only voting members count;
/// a reply from a higher term ends the round lost. A catch-up takeover dry run names the primary as a voter
/// whose yes is required.
/// </summary>
public sealed record ElectionTally
{
    private ElectionTally(ReplicaSetConfig config, long term, int? requiredYesFrom)
    {
        Config = config;
        Term = term;
        RequiredYesFrom = requiredYesFrom;
    }

    public ReplicaSetConfig Config { get; }

    /// <summary>The term the votes were asked for.</summary>
    public long Term { get; }

    public int? RequiredYesFrom { get; }

    public IReadOnlySet<int> Yes { get; private init; } = new HashSet<int>();

    public IReadOnlySet<int> No { get; private init; } = new HashSet<int>();

    /// <summary>The highest term seen in a reply, when it is above <see cref="Term"/>.</summary>
    public long? HigherTermSeen { get; private init; }

    public static ElectionTally Start(ReplicaSetConfig config, int candidateId, long term, int? requiredYesFrom = null)
    {
        var tally = new ElectionTally(config, term, requiredYesFrom);
        return config.FindById(candidateId) is { IsVoter: true } ? tally with { Yes = new HashSet<int> { candidateId } } : tally;
    }

    /// <summary>Adds one voter's answer; answers from non-voters, unknown members and repeats are ignored.</summary>
    public ElectionTally Record(int voterId, VoteResponse response)
    {
        var higher = response.Term > Term ? Math.Max(response.Term, HigherTermSeen ?? 0) : HigherTermSeen;
        if (Config.FindById(voterId) is not { IsVoter: true } || Yes.Contains(voterId) || No.Contains(voterId))
            return this with { HigherTermSeen = higher };
        return response.VoteGranted
            ? this with { Yes = new HashSet<int>(Yes) { voterId }, HigherTermSeen = higher }
            : this with { No = new HashSet<int>(No) { voterId }, HigherTermSeen = higher };
    }

    public int Needed => Config.MajorityVoteCount;

    public int Unanswered => Config.VoterCount - Yes.Count - No.Count;

    public ElectionOutcome Outcome
    {
        get
        {
            if (HigherTermSeen is not null) return ElectionOutcome.Lost;
            if (RequiredYesFrom is { } required && No.Contains(required)) return ElectionOutcome.Lost;
            var requiredSatisfied = RequiredYesFrom is not { } r || Yes.Contains(r);
            if (Yes.Count >= Needed && requiredSatisfied) return ElectionOutcome.Won;
            if (Yes.Count + Unanswered < Needed) return ElectionOutcome.Lost;
            return ElectionOutcome.Pending;
        }
    }
}
