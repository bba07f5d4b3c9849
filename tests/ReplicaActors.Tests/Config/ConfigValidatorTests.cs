using ReplicaActors.Config;
using ReplicaActors.Protocol;
using static ReplicaActors.Tests.Config.ConfigFixtures;

namespace ReplicaActors.Tests.Config;

public class ConfigValidatorTests
{
    private static ReplicaSetConfig WithMember(MemberConfig changed) =>
        Set(ConfigMember(0), ConfigMember(1), changed);

    public static TheoryData<string, ReplicaSetConfig> ValidConfigs => new()
    {
        { "one member", SetOf(1) },
        { "fifty members, seven voting", Set(Enumerable.Range(0, 50).Select(i => i < 7 ? ConfigMember(i) : NonVoter(i)).ToArray()) },
        { "P-S-A", Set(ConfigMember(0), ConfigMember(1), Arbiter(2)) },
        { "hidden delayed member at priority 0", WithMember(new MemberConfig(2, "127.0.0.1:27202") { Priority = 0, Hidden = true, SecondaryDelaySecs = 3600 }) },
        { "priority 1000", WithMember(ConfigMember(2, 1000)) },
        { "buildIndexes false at priority 0", WithMember(new MemberConfig(2, "127.0.0.1:27202") { Priority = 0, BuildIndexes = false }) },
        { "all hosts remote", Set(new MemberConfig(0, "db-a.example:27017"), new MemberConfig(1, "[fe80::1]:27017")) },
        { "tag mode naming a present tag", Set(ConfigMember(0) with { Tags = new Dictionary<string, string> { ["dc"] = "east" } }) with { Settings = new ReplicaSetSettings { GetLastErrorModes = Modes("dc", 1) } } },
    };

    [Theory]
    [MemberData(nameof(ValidConfigs))]
    public void Valid_configs_pass(string story, ReplicaSetConfig config)
    {
        var e = Record.Exception(() => ConfigValidator.Validate(config));

        Assert.True(e is null, $"{story}: {e?.Message}");
    }

    public static TheoryData<string, ReplicaSetConfig, string> InvalidConfigs => new()
    {
        { "empty set name", SetOf(1) with { Name = "" }, "set name (_id) must not be empty" },
        { "version 0", SetOf(1) with { Version = 0 }, "version must be between 1" },
        { "term below -1", SetOf(1) with { Term = -2 }, "term must be -1 or more" },
        { "no members", Set(), "1 to 50 members, this config has 0" },
        { "51 members", Set(Enumerable.Range(0, 51).Select(i => i < 7 ? ConfigMember(i) : NonVoter(i)).ToArray()), "1 to 50 members, this config has 51" },
        { "eight voters", SetOf(8), "at most 7 members may have votes: 1, this config has 8" },
        { "no voter", Set(NonVoter(0)), "at least one member must have votes: 1" },
        { "nobody electable", Set(ConfigMember(0, 0), ConfigMember(1, 0)), "at least one member must be electable" },
        { "duplicate _id", Set(ConfigMember(0), ConfigMember(0) with { Host = "127.0.0.1:29999" }), "member 0 (127.0.0.1:29999): _id 0 is also used by member 0 (127.0.0.1:27200)" },
        { "duplicate host", Set(ConfigMember(0), ConfigMember(1) with { Host = "127.0.0.1:27200" }), "member 1 (127.0.0.1:27200): host 127.0.0.1:27200 is also used by member 0" },
        { "negative _id", WithMember(ConfigMember(2) with { Id = -1 }), "member -1 (127.0.0.1:27202): _id must be 0 or more" },
        { "host without port", WithMember(ConfigMember(2) with { Host = "127.0.0.1" }), "member 2 (127.0.0.1): host '127.0.0.1' must be 'host:port'" },
        { "port out of range", WithMember(ConfigMember(2) with { Host = "127.0.0.1:70000" }), "member 2 (127.0.0.1:70000): host" },
        { "localhost mixed with remote", Set(ConfigMember(0), new MemberConfig(1, "db-b.example:27017")), "member 1 (db-b.example:27017): either all hosts are localhost or none is" },
        { "priority above 1000", WithMember(ConfigMember(2, 1001)), "member 2 (127.0.0.1:27202): priority must be between 0 and 1000" },
        { "negative priority", WithMember(ConfigMember(2, -1)), "member 2 (127.0.0.1:27202): priority must be between 0 and 1000" },
        { "votes 2", WithMember(ConfigMember(2) with { Votes = 2 }), "member 2 (127.0.0.1:27202): votes must be 0 or 1" },
        { "non-voter with priority", WithMember(ConfigMember(2) with { Votes = 0 }), "member 2 (127.0.0.1:27202): non-voting members (votes: 0) must have priority 0" },
        { "hidden with priority", WithMember(ConfigMember(2) with { Hidden = true }), "member 2 (127.0.0.1:27202): hidden members must have priority 0" },
        { "delayed with priority", WithMember(ConfigMember(2) with { SecondaryDelaySecs = 60 }), "member 2 (127.0.0.1:27202): delayed members (secondaryDelaySecs > 0) must have priority 0" },
        { "delay over a year", WithMember(ConfigMember(2, 0) with { SecondaryDelaySecs = 40_000_000 }), "member 2 (127.0.0.1:27202): secondaryDelaySecs must be between 0 and" },
        { "buildIndexes false with priority", WithMember(ConfigMember(2) with { BuildIndexes = false }), "member 2 (127.0.0.1:27202): members with buildIndexes: false must have priority 0" },
        { "arbiter with priority", WithMember(Arbiter(2) with { Priority = 2 }), "member 2 (127.0.0.1:27202): arbiters must have priority 0" },
        { "arbiter without a vote", WithMember(Arbiter(2) with { Votes = 0 }), "member 2 (127.0.0.1:27202): arbiters must have votes: 1" },
        { "hidden arbiter", WithMember(Arbiter(2) with { Hidden = true }), "member 2 (127.0.0.1:27202): arbiters cannot be hidden" },
        { "delayed arbiter", WithMember(Arbiter(2) with { SecondaryDelaySecs = 5 }), "member 2 (127.0.0.1:27202): arbiters hold no data and cannot be delayed" },
        { "arbiter with tags", WithMember(Arbiter(2) with { Tags = new Dictionary<string, string> { ["dc"] = "x" } }), "member 2 (127.0.0.1:27202): arbiters cannot have tags" },
        { "zero heartbeat interval", SetOf(1) with { Settings = new ReplicaSetSettings { HeartbeatIntervalMillis = 0 } }, "settings.heartbeatIntervalMillis must be above 0" },
        { "zero heartbeat timeout", SetOf(1) with { Settings = new ReplicaSetSettings { HeartbeatTimeoutSecs = 0 } }, "settings.heartbeatTimeoutSecs must be above 0" },
        { "zero election timeout", SetOf(1) with { Settings = new ReplicaSetSettings { ElectionTimeoutMillis = 0 } }, "settings.electionTimeoutMillis must be above 0" },
        { "catch-up timeout -2", SetOf(1) with { Settings = new ReplicaSetSettings { CatchUpTimeoutMillis = -2 } }, "settings.catchUpTimeoutMillis must be -1 or more" },
        { "catch-up takeover delay -2", SetOf(1) with { Settings = new ReplicaSetSettings { CatchUpTakeoverDelayMillis = -2 } }, "settings.catchUpTakeoverDelayMillis must be -1 or more" },
        { "tag mode on a missing tag", SetOf(1) with { Settings = new ReplicaSetSettings { GetLastErrorModes = Modes("dc", 1) } }, "settings.getLastErrorModes.m: no member has the tag 'dc'" },
        { "tag mode count 0", SetOf(1) with { Settings = new ReplicaSetSettings { GetLastErrorModes = Modes("dc", 0) } }, "settings.getLastErrorModes.m: the count for tag 'dc' must be 1 or more" },
    };

    [Theory]
    [MemberData(nameof(InvalidConfigs))]
    public void Each_rule_is_refused_with_a_message_naming_it(string story, ReplicaSetConfig config, string expected)
    {
        var e = Assert.Throws<ReplicaException>(() => ConfigValidator.Validate(config));

        Assert.True(e.Code == ErrorCode.InvalidReplicaSetConfig, story);
        Assert.Contains(expected, e.Message);
    }

    private static IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Modes(string tag, int count) =>
        new Dictionary<string, IReadOnlyDictionary<string, int>> { ["m"] = new Dictionary<string, int> { [tag] = count } };
}
