using ReplicaActors.Config;

namespace ReplicaActors.Consensus;

/// <summary>
/// When a secondary that hears no primary calls an election: the election timeout plus a random share of it,
/// so members that lost the primary together do not all stand at once.
/// </summary>
public static class ElectionTimeout
{
    public const double DefaultJitterFraction = 0.15;

    /// <param name="random01">A uniform random number in [0, 1), supplied by the caller.</param>
    public static TimeSpan Next(ReplicaSetSettings settings, double random01, double jitterFraction = DefaultJitterFraction)
    {
        if (random01 is < 0 or >= 1 || double.IsNaN(random01))
            throw new ArgumentOutOfRangeException(nameof(random01), random01, "must be in [0, 1)");
        if (jitterFraction is < 0 or > 1 || double.IsNaN(jitterFraction))
            throw new ArgumentOutOfRangeException(nameof(jitterFraction), jitterFraction, "must be in [0, 1]");
        var timeout = settings.ElectionTimeoutMillis;
        return TimeSpan.FromMilliseconds(timeout + timeout * jitterFraction * random01);
    }
}
