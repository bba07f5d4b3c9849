using ReplicaActors.Client;
using ReplicaActors.Protocol;

namespace ReplicaActors.Tests.Client;

/// <summary>
/// A set seen by a client at noon: primary "p" (20 ms), secondaries "east" (5 ms, dc east), "west" (12 ms, dc west),
/// "far" (40 ms, dc east); a hidden, a delayed and an arbiter that must never be chosen (all 1 ms).
/// Everyone wrote at noon unless a test says otherwise.
/// </summary>
public class ReadPreferenceSelectorTests
{
    private static readonly DateTimeOffset Noon = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private const int Heartbeat = 10_000;

    private static ServerDescription Server(string host, ServerType type, double rtt, string? dc = null) =>
        new(host, type, rtt, dc is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["dc"] = dc }, Noon, Noon);

    private static readonly ServerDescription P = Server("p", ServerType.RSPrimary, 20);
    private static readonly ServerDescription East = Server("east", ServerType.RSSecondary, 5, "east");
    private static readonly ServerDescription West = Server("west", ServerType.RSSecondary, 12, "west");
    private static readonly ServerDescription Far = Server("far", ServerType.RSSecondary, 40, "east");

    private static readonly ServerDescription[] Never =
    [
        Server("hidden", ServerType.RSSecondary, 1) with { Hidden = true },
        Server("delayed", ServerType.RSSecondary, 1) with { Delayed = true },
        Server("arbiter", ServerType.RSArbiter, 1),
        Server("syncing", ServerType.RSOther, 1),
    ];

    private static readonly ServerDescription[] All = [P, East, West, Far, .. Never];

    private static IReadOnlyList<IReadOnlyDictionary<string, string>> Tags(params string[] dcs) =>
        dcs.Select(dc => (IReadOnlyDictionary<string, string>)(dc == "" ? new Dictionary<string, string>() : new Dictionary<string, string> { ["dc"] = dc })).ToList();

    public static TheoryData<string, ReadPreference, ServerDescription[], double, string?> Cases => new()
    {
        { "primary reads the primary", ReadPreference.Primary, All, 0.9, "p" },
        { "primary with no primary finds nothing", ReadPreference.Primary, [East, West], 0, null },
        { "primaryPreferred reads the primary", new(ReadPreferenceMode.PrimaryPreferred), All, 0.9, "p" },
        { "primaryPreferred falls back to a secondary", new(ReadPreferenceMode.PrimaryPreferred), [East, West, .. Never], 0, "east" },
        { "secondary: the window 5..20 ms holds east and west; a low draw picks east", new(ReadPreferenceMode.Secondary), All, 0.1, "east" },
        { "secondary: a high draw picks west", new(ReadPreferenceMode.Secondary), All, 0.9, "west" },
        { "secondary never falls back to the primary", new(ReadPreferenceMode.Secondary), [P, .. Never], 0, null },
        { "secondaryPreferred reads a secondary", new(ReadPreferenceMode.SecondaryPreferred), All, 0, "east" },
        { "secondaryPreferred falls back to the primary", new(ReadPreferenceMode.SecondaryPreferred), [P, .. Never], 0, "p" },
        { "nearest: the window 5..20 ms holds east, west and the primary", new(ReadPreferenceMode.Nearest), All, 0.99, "west" },
        { "nearest with a primary first in the list", new(ReadPreferenceMode.Nearest), [P, East, West, Far], 0.1, "p" },
        { "tags: the first set that matches wins", new(ReadPreferenceMode.Secondary, Tags("north", "west", "east")), All, 0, "west" },
        { "tags: the window is taken after the tag filter", new(ReadPreferenceMode.Secondary, Tags("east")), All, 0.99, "east" },
        { "tags: nothing matches", new(ReadPreferenceMode.Secondary, Tags("north")), All, 0, null },
        { "tags: an empty set matches all", new(ReadPreferenceMode.Secondary, Tags("north", "")), All, 0, "east" },
        { "tags apply to the primary under nearest", new(ReadPreferenceMode.Nearest, Tags("west")), All, 0, "west" },
        { "tags do not apply to primaryPreferred's primary", new(ReadPreferenceMode.PrimaryPreferred, Tags("north")), All, 0, "p" },
        { "only hidden, delayed, arbiters and syncing members: nothing", new(ReadPreferenceMode.Nearest), Never, 0, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_client_reads_from(string story, ReadPreference preference, ServerDescription[] servers, double random01, string? expected)
    {
        var chosen = ReadPreferenceSelector.Select(preference, servers, Heartbeat, random01);

        Assert.True(expected == chosen?.Host, $"{story}: chose {chosen?.Host ?? "nothing"}");
    }

    [Fact]
    public void A_wider_latency_window_lets_farther_members_in()
    {
        var chosen = ReadPreferenceSelector.Select(new ReadPreference(ReadPreferenceMode.Secondary), All, Heartbeat, 0.99, localThresholdMillis: 50);

        Assert.Equal("far", chosen?.Host);
    }

    [Theory]
    [InlineData("a secondary 100 s behind the primary is too stale for 100", 100, 100, false)]
    [InlineData("a secondary 80 s behind is fine for 100 (plus the 10 s heartbeat)", 80, 100, true)]
    [InlineData("a secondary 85 s behind is fine for 95", 85, 95, true)]
    [InlineData("a secondary 86 s behind is not fine for 95", 86, 95, false)]
    public void MaxStalenessSeconds_drops_secondaries_too_far_behind_the_primary(string story, int behindSecs, int maxStaleness, bool eligible)
    {
        var lagging = East with { LastWriteDate = Noon.AddSeconds(-behindSecs) };
        var preference = new ReadPreference(ReadPreferenceMode.Secondary, MaxStalenessSeconds: maxStaleness);

        var chosen = ReadPreferenceSelector.Select(preference, [P, lagging], Heartbeat, 0);

        Assert.True(eligible == (chosen is not null), story);
    }

    [Fact]
    public void Without_a_primary_staleness_is_measured_against_the_freshest_secondary()
    {
        var lagging = East with { LastWriteDate = Noon.AddSeconds(-200) };
        var preference = new ReadPreference(ReadPreferenceMode.Secondary, MaxStalenessSeconds: 120);

        var chosen = ReadPreferenceSelector.Select(preference, [lagging, West], Heartbeat, 0);

        Assert.Equal("west", chosen?.Host);
        Assert.Equal(210, ReadPreferenceSelector.StalenessSeconds(lagging, null, [lagging, West], Heartbeat), 3);
    }

    [Theory]
    [InlineData(ReadPreferenceMode.Secondary, 89, 10_000, "at least 90")]
    [InlineData(ReadPreferenceMode.Secondary, 95, 90_000, "at least 100")]
    [InlineData(ReadPreferenceMode.Primary, 120, 10_000, "'primary' cannot be combined with maxStalenessSeconds")]
    public void Invalid_max_staleness_is_refused(ReadPreferenceMode mode, int maxStaleness, int heartbeatMillis, string expected)
    {
        var e = Assert.Throws<ReplicaException>(() => ReadPreferenceSelector.Validate(new ReadPreference(mode, MaxStalenessSeconds: maxStaleness), heartbeatMillis));

        Assert.Equal(ErrorCode.BadValue, e.Code);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Primary_mode_refuses_tag_sets()
    {
        var e = Assert.Throws<ReplicaException>(() => ReadPreferenceSelector.Validate(new ReadPreference(ReadPreferenceMode.Primary, Tags("east")), Heartbeat));

        Assert.Contains("cannot be combined with tag sets", e.Message);
    }

    [Theory]
    [InlineData("primary", ReadPreferenceMode.Primary)]
    [InlineData("primaryPreferred", ReadPreferenceMode.PrimaryPreferred)]
    [InlineData("secondary", ReadPreferenceMode.Secondary)]
    [InlineData("secondaryPreferred", ReadPreferenceMode.SecondaryPreferred)]
    [InlineData("nearest", ReadPreferenceMode.Nearest)]
    public void Modes_parse_from_their_mongodb_names(string name, ReadPreferenceMode mode)
    {
        Assert.Equal(mode, ReadPreference.ParseMode(name));
    }

    [Fact]
    public void An_unknown_mode_is_refused()
    {
        var e = Assert.Throws<ReplicaException>(() => ReadPreference.ParseMode("fastest"));

        Assert.Equal(ErrorCode.FailedToParse, e.Code);
        Assert.Contains("'fastest'", e.Message);
    }
}
