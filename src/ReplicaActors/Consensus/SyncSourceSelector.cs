using ReplicaActors.Config;
using ReplicaActors.Protocol;

namespace ReplicaActors.Consensus;

/// <summary>What a secondary knows when it picks (or reconsiders) the member it tails the oplog of.</summary>
/// <param name="LastFetched">The newest OpTime this member has fetched: a source must be ahead of it.</param>
/// <param name="ForcedSourceId">Set by replSetSyncFrom for one choice.</param>
/// <param name="AvoidSourceId">A source that just failed this member (a rollback against it did not finish): another is chosen when there is one.</param>
public sealed record SyncSourceRequest(
    ReplicaSetConfig Config,
    int SelfId,
    OpTime LastFetched,
    IReadOnlyList<MemberView> Others,
    bool ChainingAllowed,
    int? PrimaryId,
    SyncSourceLimits Limits,
    int? ForcedSourceId = null,
    int? AvoidSourceId = null);

/// <summary>
/// The <c>replica-actors.replication</c> keys sync-source choice reads: a source more than <paramref name="MaxLag"/>
/// behind the newest member is left or passed over (mongod's maxSyncSourceLagSecs); pings within
/// <paramref name="ChangeThreshold"/> of the nearest count as equal, and then the primary is preferred
/// (changeSyncSourceThresholdMillis).
/// </summary>
public sealed record SyncSourceLimits(TimeSpan MaxLag, TimeSpan ChangeThreshold);

/// <summary>The chosen source (null: none now, retry later) and why.</summary>
public sealed record SyncSourceChoice(int? SourceId, string Reason);

/// <summary>Whether to leave the current source, and why.</summary>
public sealed record SyncSourceChange(bool Change, string Reason);

/// <summary>
/// One look at the sync source: keep the current one (<paramref name="Leave"/> false and no <paramref name="Next"/>),
/// or leave it (saying why in <paramref name="LeaveReason"/>) and take <paramref name="Next"/>, when there is one.
/// </summary>
public sealed record SyncSourceStep(bool Leave, string LeaveReason, SyncSourceChoice? Next);

/// <summary>
/// Sync source choice (MongoDB's <c>chooseNewSyncSource</c>): the nearest readable data-bearing member ahead of us.
/// A first pass also wants a voter (if we vote), not hidden, not lagging, not more delayed than us; a second pass
/// drops those wishes. With chaining off, only the primary.
/// </summary>
public static class SyncSourceSelector
{
    /// <summary>What a member with <paramref name="current"/> as its source (null: none) does about its source now.</summary>
    public static SyncSourceStep Maintain(SyncSourceRequest r, int? current)
    {
        if (current is { } id)
        {
            var change = ShouldChangeSource(r, id);
            return change.Change ? new SyncSourceStep(true, change.Reason, Choose(r)) : new SyncSourceStep(false, "", null);
        }
        return new SyncSourceStep(false, "", Choose(r));
    }

    public static SyncSourceChoice Choose(SyncSourceRequest r)
    {
        var self = r.Config.FindById(r.SelfId);
        if (self is null) return new(null, $"member {r.SelfId} is not in the config");
        if (r.ForcedSourceId is { } forced)
        {
            var problem = ForcedSourceProblem(r, self, forced);
            if (problem is null) return new(forced, $"{Name(r, forced)} was requested by replSetSyncFrom");
            var fallback = r.ChainingAllowed ? ChooseNearest(r, self) : ChoosePrimary(r);
            return fallback with { Reason = $"replSetSyncFrom target refused ({problem}); {fallback.Reason}" };
        }
        if (r.AvoidSourceId is { } avoid)
        {
            var other = Choose(r with { Others = r.Others.Where(v => v.Id != avoid).ToList(), AvoidSourceId = null });
            if (other.SourceId is not null) return other with { Reason = $"{other.Reason}; {Name(r, avoid)} failed the last attempt" };
        }
        return r.ChainingAllowed ? ChooseNearest(r, self) : ChoosePrimary(r);
    }

    /// <summary>Checks a replSetSyncFrom target before it is accepted; throws naming the problem.</summary>
    public static void ValidateSyncFrom(SyncSourceRequest r, string targetHost)
    {
        var self = r.Config.FindById(r.SelfId)
                   ?? throw new ReplicaException(ErrorCode.NotSecondary, $"member {r.SelfId} is not in the config");
        var target = r.Config.FindByHost(targetHost)
                     ?? throw new ReplicaException(ErrorCode.NodeNotFound, $"replSetSyncFrom: {targetHost} is not a member of the set");
        if (ForcedSourceProblem(r, self, target.Id) is { } problem)
            throw new ReplicaException(ErrorCode.InvalidSyncSource, $"replSetSyncFrom: {problem}");
    }

    public static SyncSourceChange ShouldChangeSource(SyncSourceRequest r, int currentSourceId)
    {
        var source = r.Config.FindById(currentSourceId);
        if (r.Config.FindById(r.SelfId) is null) return new(true, $"member {r.SelfId} left the config");
        if (source is null) return new(true, $"source member {currentSourceId} left the config");
        if (r.ForcedSourceId is { } forced && forced != currentSourceId)
            return new(true, $"replSetSyncFrom asked for {Name(r, forced)}");
        var view = r.Others.FirstOrDefault(v => v.Id == currentSourceId);
        if (view is not { Up: true }) return new(true, $"source {source.Describe()} is unreachable");
        if (!view.IsReadable) return new(true, $"source {source.Describe()} is {view.State}, not PRIMARY or SECONDARY");
        if (!r.ChainingAllowed && r.PrimaryId is { } primary && primary != currentSourceId)
            return new(true, $"chaining is not allowed and the primary is {Name(r, primary)}");
        if (view.State != MemberState.Primary && view.SyncSourceId is null && view.Applied <= r.LastFetched)
            return new(true, $"source {source.Describe()} has no source of its own and is not ahead of us");
        // Two members on a branch the primary left can tail each other for ever: neither is ahead, each has a source.
        if (view.State != MemberState.Primary && view.Applied <= r.LastFetched
            && r.Others.FirstOrDefault(v => v.Id == r.PrimaryId) is { Up: true } primaryView && primaryView.Applied.Term > view.Applied.Term)
            return new(true, $"source {source.Describe()} is not ahead of us and its newest entry is of an older term than the primary's");
        var ahead = r.Others
            .Where(v => v.Id != currentSourceId && v.Id != r.SelfId && v.IsReadable && r.Config.FindById(v.Id) is { IsDataBearing: true })
            .FirstOrDefault(v => LagSeconds(view.Applied, v.Applied) > r.Limits.MaxLag.TotalSeconds);
        if (ahead is not null)
            return new(true, $"source {source.Describe()} is more than {r.Limits.MaxLag.TotalSeconds:0} s behind {Name(r, ahead.Id)}");
        return new(false, $"source {source.Describe()} is fine");
    }

    private static SyncSourceChoice ChoosePrimary(SyncSourceRequest r)
    {
        if (r.PrimaryId is not { } primaryId || primaryId == r.SelfId) return new(null, "chaining is not allowed and no other member is primary");
        var view = r.Others.FirstOrDefault(v => v.Id == primaryId);
        if (view is not { Up: true }) return new(null, $"chaining is not allowed and the primary {Name(r, primaryId)} is unreachable");
        if (view.Applied <= r.LastFetched) return new(null, $"chaining is not allowed and the primary {Name(r, primaryId)} is not ahead of us");
        return new(primaryId, $"chaining is not allowed: syncing from the primary {Name(r, primaryId)}");
    }

    private static SyncSourceChoice ChooseNearest(SyncSourceRequest r, MemberConfig self)
    {
        var candidates = r.Others.Where(v => AlwaysRequired(r, self, v)).ToList();
        var newest = NewestKnown(r);
        var firstPass = candidates.Where(v => FirstPassWish(r.Config.FindById(v.Id)!, self, v, newest, r.Limits.MaxLag)).ToList();
        var pool = firstPass.Count > 0 ? firstPass : candidates;
        if (pool.Count == 0) return new(null, "no reachable PRIMARY or SECONDARY data-bearing member is ahead of us");
        var nearest = pool.MinBy(v => v.PingMillis)!;
        var primary = pool.FirstOrDefault(v => v.State == MemberState.Primary);
        var chosen = primary is not null && primary.PingMillis - nearest.PingMillis <= r.Limits.ChangeThreshold.TotalMilliseconds ? primary : nearest;
        var pass = ReferenceEquals(pool, firstPass) ? "" : " (no member met every preference)";
        return new(chosen.Id, $"{Name(r, chosen.Id)} is the nearest eligible member, ping {chosen.PingMillis:0.#} ms{pass}");
    }

    private static bool AlwaysRequired(SyncSourceRequest r, MemberConfig self, MemberView v) =>
        v.Id != r.SelfId
        && v.IsReadable
        && r.Config.FindById(v.Id) is { IsDataBearing: true } m
        && (m.BuildIndexes || !self.BuildIndexes)
        && v.Applied > r.LastFetched;

    private static bool FirstPassWish(MemberConfig m, MemberConfig self, MemberView v, OpTime newest, TimeSpan maxLag) =>
        (m.IsVoter || !self.IsVoter)
        && !m.Hidden
        && m.SecondaryDelaySecs <= self.SecondaryDelaySecs
        && LagSeconds(v.Applied, newest) <= maxLag.TotalSeconds;

    private static OpTime NewestKnown(SyncSourceRequest r)
    {
        var primary = r.Others.FirstOrDefault(v => v.Id == r.PrimaryId && v.Up);
        return primary?.Applied ?? r.Others.Where(v => v.Up).Select(v => v.Applied).DefaultIfEmpty(OpTime.Null).Max();
    }

    private static string? ForcedSourceProblem(SyncSourceRequest r, MemberConfig self, int targetId)
    {
        var target = r.Config.FindById(targetId);
        if (target is null) return $"member {targetId} is not in the config";
        if (targetId == r.SelfId) return "a member cannot sync from itself";
        if (target.ArbiterOnly) return $"{target.Describe()} is an arbiter and holds no data";
        if (self.BuildIndexes && !target.BuildIndexes) return $"{target.Describe()} does not build indexes and this member does";
        if (self.IsVoter && !target.IsVoter) return $"{target.Describe()} does not vote and this member does";
        var view = r.Others.FirstOrDefault(v => v.Id == targetId);
        return view is { Up: true } ? null : $"{target.Describe()} is unreachable";
    }

    private static double LagSeconds(OpTime behind, OpTime ahead) => (double)ahead.Ts.Seconds - behind.Ts.Seconds;

    private static string Name(SyncSourceRequest r, int id) => r.Config.FindById(id)?.Describe() ?? $"member {id}";
}
