using ReplicaActors.Consensus;

namespace ReplicaActors.Member.Core;

/// <summary>
/// A RECOVERING member's attempts to rejoin: each failure pauses it longer (<see cref="RecoveryBackoff"/>) and
/// steers it away from the source that failed, and it keeps trying until it is SECONDARY again, however often it
/// fails. Pure; the member actor and <see cref="MemberCore"/> share it.
/// </summary>
public sealed class RecoveryAttempts(RecoveryBackoff backoff)
{
    private DateTimeOffset? _retryAt;

    /// <summary>Attempts failed since the member was last SECONDARY.</summary>
    public int Failures { get; private set; }

    /// <summary>The source a failed attempt used: the next choice prefers another when there is one.</summary>
    public int? AvoidSourceId { get; private set; }

    /// <summary>An attempt failed at <paramref name="now"/> (its source, if it had one): the pause before the next.</summary>
    public TimeSpan Failed(int? failedSourceId, DateTimeOffset now)
    {
        Failures++;
        AvoidSourceId = failedSourceId ?? AvoidSourceId;
        var delay = backoff.Delay(Failures);
        _retryAt = now + delay;
        return delay;
    }

    /// <summary>True once the pause after the last failure is over; the caller then tries again (and reports how it went).</summary>
    public bool Due(DateTimeOffset now)
    {
        if (_retryAt is not { } at || now < at) return false;
        _retryAt = null;
        return true;
    }

    /// <summary>Back to SECONDARY: the next trouble starts its pauses afresh.</summary>
    public void Rejoined()
    {
        Failures = 0;
        AvoidSourceId = null;
        _retryAt = null;
    }
}
