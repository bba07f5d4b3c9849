using ReplicaActors.Config;
using ReplicaActors.Protocol;

namespace ReplicaActors.Consensus;

/// <summary>How far one member has come: applied (visible to reads) and durable (in its journal).</summary>
public readonly record struct MemberProgress(OpTime Applied, OpTime Durable);

/// <summary>Whether a write concern is met, and by whom (the count goes into a writeConcernError on timeout).</summary>
public sealed record WriteConcernProgress(bool Satisfied, IReadOnlyList<int> AcknowledgedBy);

/// <summary>
/// Write concern against a config: can the set ever satisfy it, is it satisfied for an OpTime now, and the
/// set's implicit default. Only data-bearing members acknowledge; "majority" counts voting data-bearing
/// members with the entry durable; numbers and tags count applied, or durable when <c>j: true</c>.
/// </summary>
public static class WriteConcernRules
{
    /// <summary>Majority, except where arbiters leave no more voting data-bearers than a vote majority (P-S-A): w: 1.</summary>
    public static WriteConcern Default(ReplicaSetConfig config)
    {
        var arbiters = config.Members.Count(m => m.ArbiterOnly);
        return arbiters > 0 && config.VotingDataBearing.Count() <= config.MajorityVoteCount ? WriteConcern.Primary : WriteConcern.Majority;
    }

    /// <summary>Fails at once, before any write, when the set cannot ever satisfy the write concern.</summary>
    public static void CheckSatisfiable(ReplicaSetConfig config, WriteConcern writeConcern)
    {
        switch (writeConcern.W ?? Default(config).W)
        {
            case WriteConcernW.Nodes { Count: var n }:
                var dataBearing = config.DataBearing.Count();
                if (n > dataBearing)
                    throw new ReplicaException(ErrorCode.CannotSatisfyWriteConcern,
                        $"not enough data-bearing members for w: {n}; this set has {dataBearing}");
                break;
            case WriteConcernW.Tagged { Mode: var mode }:
                foreach (var (tag, count) in Mode(config, mode))
                {
                    var values = DistinctTagValues(config.DataBearing, tag);
                    if (values < count)
                        throw new ReplicaException(ErrorCode.CannotSatisfyWriteConcern,
                            $"write concern mode '{mode}' needs {count} distinct values of tag '{tag}'; the data-bearing members have {values}");
                }
                break;
        }
    }

    public static bool IsSatisfied(ReplicaSetConfig config, WriteConcern writeConcern, IReadOnlyDictionary<int, MemberProgress> progress, OpTime opTime) =>
        Evaluate(config, writeConcern, progress, opTime).Satisfied;

    public static WriteConcernProgress Evaluate(ReplicaSetConfig config, WriteConcern writeConcern, IReadOnlyDictionary<int, MemberProgress> progress, OpTime opTime)
    {
        var w = writeConcern.W ?? Default(config).W!;
        var durable = writeConcern.J == true || w is WriteConcernW.Majority;
        var acknowledged = config.DataBearing
            .Where(m => progress.TryGetValue(m.Id, out var p) && (durable ? p.Durable : p.Applied).HasReached(opTime))
            .ToList();
        var ids = acknowledged.Select(m => m.Id).ToList();
        var satisfied = w switch
        {
            WriteConcernW.Nodes { Count: var n } => acknowledged.Count >= n,
            WriteConcernW.Majority => acknowledged.Count(m => m.IsVoter) >= config.WriteMajorityCount,
            WriteConcernW.Tagged { Mode: var mode } => Mode(config, mode).All(t => DistinctTagValues(acknowledged, t.Key) >= t.Value),
            _ => throw new ArgumentOutOfRangeException(nameof(writeConcern)),
        };
        return new WriteConcernProgress(satisfied, ids);
    }

    private static IReadOnlyDictionary<string, int> Mode(ReplicaSetConfig config, string mode) =>
        config.Settings.GetLastErrorModes.TryGetValue(mode, out var counts)
            ? counts
            : throw new ReplicaException(ErrorCode.UnknownReplWriteConcern, $"unrecognized write concern mode '{mode}': it is not in settings.getLastErrorModes");

    private static int DistinctTagValues(IEnumerable<MemberConfig> members, string tag) =>
        members.Select(m => m.Tags.GetValueOrDefault(tag)).Where(v => v is not null).Distinct().Count();
}
