using ReplicaActors.Config;
using ReplicaActors.Protocol;

namespace ReplicaActors.Consensus;

public enum TakeoverKind
{
    None,
    /// <summary>A higher-priority member replaces the primary once it is caught up.</summary>
    Priority,
    /// <summary>A fresher secondary replaces a primary stuck catching up.</summary>
    CatchUp,
}

/// <summary>A takeover to schedule after <see cref="Delay"/>, or none, and why.</summary>
public sealed record TakeoverDecision(TakeoverKind Kind, TimeSpan Delay, string Reason)
{
    public static TakeoverDecision None(string reason) => new(TakeoverKind.None, TimeSpan.Zero, reason);
}

/// <summary>What a secondary knows when a heartbeat arrives from the primary.</summary>
public sealed record TakeoverState(
    ReplicaSetConfig Config,
    int SelfId,
    long Term,
    OpTime MyApplied,
    int PrimaryId,
    long PrimaryTerm,
    OpTime PrimaryApplied);

/// <summary>
/// Priority and catch-up takeovers (MongoDB's <c>_shouldTakeOverPrimary</c> and the freshness checks made when the
/// scheduled takeover fires). Both end in an ordinary election; these rules only say when to call it.
/// </summary>
public static class TakeoverRules
{
    /// <summary>Within one second, OpTimes this many increments apart still count as fresh.</summary>
    public const uint FreshnessIncrementWindow = 1000;

    /// <summary>Decides, on a heartbeat from the primary, which takeover (if any) to schedule.</summary>
    public static TakeoverDecision Decide(TakeoverState s, double random01)
    {
        var self = s.Config.FindById(s.SelfId);
        var primary = s.Config.FindById(s.PrimaryId);
        if (self is null || primary is null) return TakeoverDecision.None("this member or the primary is not in the config");
        if (s.PrimaryTerm != s.Term) return TakeoverDecision.None($"the primary is in term {s.PrimaryTerm}, this member in {s.Term}");
        if (!self.IsElectable || s.SelfId == s.PrimaryId) return TakeoverDecision.None($"{self.Describe()} cannot stand for election");
        var outranks = self.Priority > primary.Priority;
        if (CatchUpTakeoverEnabled(s.Config.Settings) && s.PrimaryApplied < s.MyApplied && s.MyApplied.Term < s.Term)
        {
            if (outranks && PriorityRank(s.Config, s.SelfId) == 0)
                return new(TakeoverKind.Priority, PriorityTakeoverDelay(s.Config, s.SelfId, random01),
                    $"the primary {primary.Describe()} is catching up, and {self.Describe()} has the highest priority");
            return new(TakeoverKind.CatchUp, TimeSpan.FromMilliseconds(s.Config.Settings.CatchUpTakeoverDelayMillis),
                $"the primary {primary.Describe()} is behind {self.Describe()} while catching up");
        }
        if (outranks)
            return new(TakeoverKind.Priority, PriorityTakeoverDelay(s.Config, s.SelfId, random01),
                $"{self.Describe()} has priority {self.Priority} above the primary's {primary.Priority}");
        return TakeoverDecision.None($"{self.Describe()} does not outrank the primary {primary.Describe()}");
    }

    /// <summary>How many members have a strictly higher priority than this one (0: the highest).</summary>
    public static int PriorityRank(ReplicaSetConfig config, int selfId)
    {
        var mine = config.FindById(selfId)?.Priority ?? 0;
        return config.Members.Count(m => m.Priority > mine);
    }

    /// <summary>(rank + 1) election timeouts plus the usual jitter: the highest priority goes first.</summary>
    public static TimeSpan PriorityTakeoverDelay(ReplicaSetConfig config, int selfId, double random01) =>
        TimeSpan.FromMilliseconds(PriorityRank(config, selfId) * config.Settings.ElectionTimeoutMillis)
        + ElectionTimeout.Next(config.Settings, random01);

    /// <summary>
    /// Checked when a priority takeover fires: same term as the newest write known, and within <paramref name="window"/>
    /// of it (mongod's priorityTakeoverFreshnessWindowSeconds), so a member far behind does not take over only to roll
    /// the set's newest writes back.
    /// </summary>
    public static bool IsFreshEnoughForPriorityTakeover(OpTime myApplied, OpTime newestKnownApplied, TimeSpan window)
    {
        if (myApplied.Term != newestKnownApplied.Term) return false;
        if (myApplied.Ts.Seconds != newestKnownApplied.Ts.Seconds)
            return (long)myApplied.Ts.Seconds + (long)window.TotalSeconds >= newestKnownApplied.Ts.Seconds;
        return (long)myApplied.Ts.Increment + FreshnessIncrementWindow >= newestKnownApplied.Ts.Increment;
    }

    /// <summary>
    /// Checked when a catch-up takeover fires: this member is strictly ahead of the primary, no reachable member
    /// is fresher, and it has applied nothing in the current term (the primary is still catching up).
    /// </summary>
    public static bool IsFreshEnoughForCatchUpTakeover(OpTime myApplied, long currentTerm, OpTime primaryApplied, IEnumerable<MemberView> others) =>
        myApplied > primaryApplied
        && myApplied.Term < currentTerm
        && others.Where(v => v.Up).All(v => v.Applied <= myApplied);

    private static bool CatchUpTakeoverEnabled(ReplicaSetSettings settings) =>
        settings.CatchUpTimeoutMillis != 0 && settings.CatchUpTakeoverDelayMillis != -1;
}
