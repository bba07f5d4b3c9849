using ReplicaActors.Protocol;

namespace ReplicaActors.Client;

/// <summary>
/// How a <see cref="ReplicaSetClient"/> finds and waits for members; the defaults are MongoDB drivers' and
/// reference.conf's <c>replica-actors.client</c> section.
/// </summary>
public sealed record ReplicaSetClientOptions
{
    /// <summary>How long a command waits for a suitable member (a primary for writes) before it fails.</summary>
    public TimeSpan ServerSelectionTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often every known member is sent <c>hello</c>.</summary>
    public TimeSpan HeartbeatFrequency { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Members this much slower than the fastest eligible one are not chosen for reads.</summary>
    public int LocalThresholdMillis { get; init; } = ReadPreferenceSelector.DefaultLocalThresholdMillis;

    /// <summary>How long one command (or one heartbeat) may take to be answered.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Talk only to the first seed: no discovery, no retry elsewhere, reads allowed on a secondary.</summary>
    public bool Direct { get; init; }

    public static ReplicaSetClientOptions FromConfig(Akka.Configuration.Config config)
    {
        var defaults = new ReplicaSetClientOptions();
        var client = config.GetConfig("replica-actors.client");
        if (client is null || client.IsEmpty) return defaults;
        return new ReplicaSetClientOptions
        {
            ServerSelectionTimeout = Positive(client, "server-selection-timeout", defaults.ServerSelectionTimeout),
            HeartbeatFrequency = Positive(client, "heartbeat-frequency", defaults.HeartbeatFrequency),
            LocalThresholdMillis = (int)Positive(client, "local-threshold", TimeSpan.FromMilliseconds(defaults.LocalThresholdMillis), allowZero: true).TotalMilliseconds,
            CommandTimeout = Positive(client, "command-timeout", defaults.CommandTimeout),
        };
    }

    private static TimeSpan Positive(Akka.Configuration.Config client, string key, TimeSpan fallback, bool allowZero = false)
    {
        var value = client.GetTimeSpan(key, fallback, allowInfinite: false);
        if (value < TimeSpan.Zero || (value == TimeSpan.Zero && !allowZero))
            throw new ReplicaException(ErrorCode.BadValue, $"replica-actors.client.{key} must be {(allowZero ? "zero or more" : "positive")}, got {value}");
        return value;
    }
}
