using Akka.Configuration;
using ReplicaActors.Consensus;

namespace ReplicaActors.Member;

/// <summary>The <c>replica-actors.recovery</c> HOCON section: how a member whose history diverged or fell behind rejoins.</summary>
public sealed record RecoverySettings(TimeSpan RollbackProbeTimeout, RecoveryBackoff Backoff)
{
    public static RecoverySettings From(Akka.Configuration.Config section)
    {
        var settings = new RecoverySettings(
            section.GetTimeSpan("rollback-probe-timeout"),
            new RecoveryBackoff(section.GetTimeSpan("retry-delay-min"), section.GetTimeSpan("retry-delay-max")));
        if (settings.RollbackProbeTimeout <= TimeSpan.Zero || settings.Backoff.Min <= TimeSpan.Zero || settings.Backoff.Max < settings.Backoff.Min)
            throw new ConfigurationException("replica-actors.recovery: rollback-probe-timeout and retry-delay-min must be positive, retry-delay-max at least retry-delay-min");
        return settings;
    }
}
