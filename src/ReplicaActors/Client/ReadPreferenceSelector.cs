using ReplicaActors.Protocol;

namespace ReplicaActors.Client;

/// <summary>
/// Server selection for reads (MongoDB's server-selection and max-staleness specs): filter by mode, then
/// staleness, then tag sets, then pick at random among the members within <c>localThresholdMS</c> of the fastest.
/// Hidden and delayed members are never chosen; only primaries and secondaries ever are.
/// </summary>
public static class ReadPreferenceSelector
{
    public const int DefaultLocalThresholdMillis = 15;
    public const int SmallestMaxStalenessSeconds = 90;

    /// <summary>The primary writes a no-op this often when idle, so a secondary's staleness can be measured.</summary>
    public const int IdleWritePeriodMillis = 10_000;

    public static void Validate(ReadPreference preference, int heartbeatFrequencyMillis)
    {
        if (preference.Mode == ReadPreferenceMode.Primary && preference.TagSets is { Count: > 0 } sets && sets.Any(s => s.Count > 0))
            throw new ReplicaException(ErrorCode.BadValue, "read preference mode 'primary' cannot be combined with tag sets");
        if (preference.MaxStalenessSeconds is not { } max || max == -1) return;
        if (preference.Mode == ReadPreferenceMode.Primary)
            throw new ReplicaException(ErrorCode.BadValue, "read preference mode 'primary' cannot be combined with maxStalenessSeconds");
        var floor = Math.Max(SmallestMaxStalenessSeconds, (heartbeatFrequencyMillis + IdleWritePeriodMillis + 999) / 1000);
        if (max < floor)
            throw new ReplicaException(ErrorCode.BadValue,
                $"maxStalenessSeconds must be at least {floor} (90, and the heartbeat frequency plus {IdleWritePeriodMillis / 1000} s), got {max}");
    }

    /// <param name="random01">A uniform random number in [0, 1) that picks within the latency window.</param>
    /// <returns>The chosen member, or null when none is suitable now.</returns>
    public static ServerDescription? Select(
        ReadPreference preference,
        IReadOnlyList<ServerDescription> servers,
        int heartbeatFrequencyMillis,
        double random01,
        int localThresholdMillis = DefaultLocalThresholdMillis)
    {
        Validate(preference, heartbeatFrequencyMillis);
        var visible = servers.Where(s => !s.Hidden && !s.Delayed).ToList();
        var primary = visible.FirstOrDefault(s => s.Type == ServerType.RSPrimary);
        var secondaries = visible.Where(s => s.Type == ServerType.RSSecondary).ToList();
        var eligible = preference.Mode switch
        {
            ReadPreferenceMode.Primary => primary is null ? [] : [primary],
            ReadPreferenceMode.PrimaryPreferred => primary is not null ? [primary] : Filter(preference, secondaries, null, heartbeatFrequencyMillis),
            ReadPreferenceMode.Secondary => Filter(preference, secondaries, primary, heartbeatFrequencyMillis),
            ReadPreferenceMode.SecondaryPreferred => Filter(preference, secondaries, primary, heartbeatFrequencyMillis) is { Count: > 0 } found
                ? found
                : primary is null ? [] : [primary],
            ReadPreferenceMode.Nearest => Filter(preference, primary is null ? secondaries : [primary, .. secondaries], primary, heartbeatFrequencyMillis),
            _ => throw new ArgumentOutOfRangeException(nameof(preference)),
        };
        return PickWithinLatencyWindow(eligible, localThresholdMillis, random01);
    }

    /// <summary>Staleness in seconds as the max-staleness spec estimates it; 0 for the primary.</summary>
    public static double StalenessSeconds(ServerDescription server, ServerDescription? primary, IEnumerable<ServerDescription> secondaries, int heartbeatFrequencyMillis)
    {
        if (server.Type == ServerType.RSPrimary) return 0;
        var lag = primary is not null
            ? (server.LastUpdateTime - server.LastWriteDate) - (primary.LastUpdateTime - primary.LastWriteDate)
            : secondaries.Max(s => s.LastWriteDate) - server.LastWriteDate;
        return lag.TotalSeconds + heartbeatFrequencyMillis / 1000.0;
    }

    private static List<ServerDescription> Filter(ReadPreference preference, List<ServerDescription> candidates, ServerDescription? primary, int heartbeatFrequencyMillis)
    {
        var secondaries = candidates.Where(s => s.Type == ServerType.RSSecondary).ToList();
        var fresh = preference.MaxStalenessSeconds is { } max and not -1
            ? candidates.Where(s => StalenessSeconds(s, primary, secondaries, heartbeatFrequencyMillis) <= max).ToList()
            : candidates;
        foreach (var tagSet in preference.EffectiveTagSets)
        {
            var matching = fresh.Where(s => tagSet.All(t => s.Tags.TryGetValue(t.Key, out var v) && v == t.Value)).ToList();
            if (matching.Count > 0) return matching;
        }
        return [];
    }

    private static ServerDescription? PickWithinLatencyWindow(IReadOnlyList<ServerDescription> eligible, int localThresholdMillis, double random01)
    {
        if (eligible.Count == 0) return null;
        if (random01 is < 0 or >= 1 || double.IsNaN(random01))
            throw new ArgumentOutOfRangeException(nameof(random01), random01, "must be in [0, 1)");
        var fastest = eligible.Min(s => s.RoundTripMillis);
        var window = eligible.Where(s => s.RoundTripMillis <= fastest + localThresholdMillis).ToList();
        return window[(int)(random01 * window.Count)];
    }
}
