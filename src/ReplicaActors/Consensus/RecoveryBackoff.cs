namespace ReplicaActors.Consensus;

/// <summary>
/// How long a RECOVERING member waits before it tries again to rejoin (choose a sync source, fetch, roll back if
/// its history diverged): doubling from <paramref name="Min"/> per failed attempt, never more than <paramref name="Max"/>.
/// A member keeps trying for as long as it is RECOVERING; only the pause grows.
/// </summary>
public sealed record RecoveryBackoff(TimeSpan Min, TimeSpan Max)
{
    /// <param name="failedAttempts">Attempts failed so far, at least 1.</param>
    public TimeSpan Delay(int failedAttempts)
    {
        var doublings = Math.Clamp(failedAttempts - 1, 0, 30);
        var ticks = Min.Ticks * (1L << doublings);
        return ticks <= 0 || ticks > Max.Ticks ? Max : TimeSpan.FromTicks(ticks);
    }
}
