using ReplicaActors.Config;
using ReplicaActors.Protocol;

namespace ReplicaActors.Consensus;

/// <summary>
/// When a secondary that hears no primary calls an election: the election timeout plus a random share of it,
/// so members that lost the primary together do not all stand at once.
/// </summary>
public static class ElectionTimeout
{
    public const double DefaultJitterFraction = 0.15;

    /// <param name="random01">A uniform random number in [0, 1), supplied by the caller.</param>
    public static TimeSpan Next(ReplicaSetSettings settings, double random01, double jitterFraction = DefaultJitterFraction) =>
        TimeSpan.FromMilliseconds(settings.ElectionTimeoutMillis) + Jitter(settings, random01, jitterFraction);

    /// <summary>
    /// The connection to the primary closed (its process is gone): waiting out the election timeout would only
    /// confirm it. The electable secondaries stand in turns instead, higher priority first, then the lower id:
    /// each turn is the election timeout's random share wide, and a member stands at a random point in the first
    /// half of its turn, so two members never run rounds at once and split the vote. Freshness does not order
    /// the turns: each member knows its own newest entry but the others' only from their last report, so under
    /// writes each would think itself the freshest. A staler member that goes first is refused by a fresher
    /// voter in its dry run, and the next turn elects.
    /// </summary>
    /// <param name="others">The other members as this one sees them; the lost primary is among them, down.</param>
    public static TimeSpan AfterPrimaryConnectionLost(ReplicaSetConfig config, int selfId, IReadOnlyList<MemberView> others,
        double random01, double jitterFraction = DefaultJitterFraction)
    {
        var self = config.FindById(selfId) ?? throw new ArgumentException($"member {selfId} is not in the config", nameof(selfId));
        var turn = others.Count(view => view.Up && view.State == MemberState.Secondary
            && config.FindById(view.Id) is { IsElectable: true } member && StandsBefore(member, self));
        var width = Jitter(config.Settings, random01: 0.5, jitterFraction) * 2;
        return width * turn + Jitter(config.Settings, random01, jitterFraction) / 2;
    }

    private static bool StandsBefore(MemberConfig member, MemberConfig self) =>
        member.Priority != self.Priority ? member.Priority > self.Priority : member.Id < self.Id;

    private static TimeSpan Jitter(ReplicaSetSettings settings, double random01, double jitterFraction)
    {
        if (random01 is < 0 or >= 1 || double.IsNaN(random01))
            throw new ArgumentOutOfRangeException(nameof(random01), random01, "must be in [0, 1)");
        if (jitterFraction is < 0 or > 1 || double.IsNaN(jitterFraction))
            throw new ArgumentOutOfRangeException(nameof(jitterFraction), jitterFraction, "must be in [0, 1]");
        return TimeSpan.FromMilliseconds(settings.ElectionTimeoutMillis * jitterFraction * random01);
    }
}
