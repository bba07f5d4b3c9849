using MongoDB.Bson;
using ReplicaActors.Config;
using ReplicaActors.Protocol;

namespace ReplicaActors.Tests.Config;

public class ReplicaSetConfigParsingTests
{
    private static BsonDocument Minimal(BsonDocument member) => new()
    {
        { "_id", "rs0" },
        { "version", 1 },
        { "members", new BsonArray { member } },
    };

    [Fact]
    public void A_minimal_document_gets_every_default()
    {
        var config = ReplicaSetConfig.FromBson(Minimal(new BsonDocument { { "_id", 0 }, { "host", "127.0.0.1:27017" } }));

        Assert.Equal("rs0", config.Name);
        Assert.Equal(1, config.Version);
        Assert.Equal(ReplicaSetConfig.UninitializedTerm, config.Term);
        var m = Assert.Single(config.Members);
        Assert.Equal((0, "127.0.0.1:27017", false, 1.0, 1, false, 0, true), (m.Id, m.Host, m.ArbiterOnly, m.Priority, m.Votes, m.Hidden, m.SecondaryDelaySecs, m.BuildIndexes));
        Assert.Empty(m.Tags);
        var s = config.Settings;
        Assert.Equal((2000, 10, 10000, -1, 30000, true), (s.HeartbeatIntervalMillis, s.HeartbeatTimeoutSecs, s.ElectionTimeoutMillis, s.CatchUpTimeoutMillis, s.CatchUpTakeoverDelayMillis, s.ChainingAllowed));
        Assert.Null(s.GetLastErrorDefaults);
        Assert.Null(s.ReplicaSetId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(1.0)]
    public void An_arbiter_left_at_the_default_priority_gets_priority_0(double? priority)
    {
        var member = new BsonDocument { { "_id", 0 }, { "host", "h:1" }, { "arbiterOnly", true } };
        if (priority is { } p) member.Add("priority", p);

        var config = ReplicaSetConfig.FromBson(Minimal(member));

        Assert.Equal(0, config.Members[0].Priority);
    }

    [Fact]
    public void A_full_config_round_trips_through_bson()
    {
        var config = new ReplicaSetConfig("rs0", 7, 3,
        [
            new MemberConfig(0, "a:1") { Priority = 2.5, Tags = new Dictionary<string, string> { ["dc"] = "east" } },
            new MemberConfig(1, "b:1") { Priority = 0, Hidden = true, SecondaryDelaySecs = 3600, Votes = 0, BuildIndexes = false },
            new MemberConfig(2, "c:1") { ArbiterOnly = true, Priority = 0 },
        ], new ReplicaSetSettings
        {
            HeartbeatIntervalMillis = 500,
            ChainingAllowed = false,
            GetLastErrorDefaults = new BsonDocument("w", "majority"),
            GetLastErrorModes = new Dictionary<string, IReadOnlyDictionary<string, int>> { ["twoDCs"] = new Dictionary<string, int> { ["dc"] = 2 } },
            ReplicaSetId = ObjectId.GenerateNewId(),
        });

        var again = ReplicaSetConfig.FromBson(config.ToBson());

        Assert.Equal(config, again);
        Assert.Equal(config.ToBson(), again.ToBson());
    }

    [Fact]
    public void Whole_doubles_are_accepted_for_integer_fields()
    {
        var config = ReplicaSetConfig.FromBson(Minimal(new BsonDocument { { "_id", 3.0 }, { "host", "h:1" }, { "votes", 1L } }));

        Assert.Equal((3, 1), (config.Members[0].Id, config.Members[0].Votes));
    }

    public static TheoryData<BsonDocument, ErrorCode, string> BadDocuments => new()
    {
        { new BsonDocument { { "version", 1 }, { "members", new BsonArray() } }, ErrorCode.InvalidReplicaSetConfig, "'_id' is required" },
        { new BsonDocument { { "_id", "rs0" }, { "members", new BsonArray() } }, ErrorCode.InvalidReplicaSetConfig, "'version' is required" },
        { new BsonDocument { { "_id", "rs0" }, { "version", 1 } }, ErrorCode.InvalidReplicaSetConfig, "'members' is required" },
        { new BsonDocument { { "_id", 5 }, { "version", 1 }, { "members", new BsonArray() } }, ErrorCode.TypeMismatch, "'_id' must be a string" },
        { new BsonDocument { { "_id", "rs0" }, { "version", "1" }, { "members", new BsonArray() } }, ErrorCode.TypeMismatch, "'version' must be an integer" },
        { new BsonDocument { { "_id", "rs0" }, { "version", 1.5 }, { "members", new BsonArray() } }, ErrorCode.TypeMismatch, "'version' must be an integer" },
        { new BsonDocument { { "_id", "rs0" }, { "version", 1 }, { "members", new BsonArray() }, { "colour", "red" } }, ErrorCode.BadValue, "unknown field 'colour'" },
        { new BsonDocument { { "_id", "rs0" }, { "version", 1 }, { "protocolVersion", 0 }, { "members", new BsonArray() } }, ErrorCode.InvalidReplicaSetConfig, "protocolVersion must be 1" },
        { new BsonDocument { { "_id", "rs0" }, { "version", 1 }, { "members", new BsonArray { 5 } } }, ErrorCode.TypeMismatch, "members[0] must be a document" },
        { new BsonDocument { { "_id", "rs0" }, { "version", 1 }, { "members", new BsonArray() }, { "settings", new BsonDocument("chainingAllowed", 1) } }, ErrorCode.TypeMismatch, "settings: field 'chainingAllowed' must be a boolean" },
        { new BsonDocument { { "_id", "rs0" }, { "version", 1 }, { "members", new BsonArray() }, { "settings", new BsonDocument("speed", 1) } }, ErrorCode.BadValue, "settings: unknown field 'speed'" },
        { new BsonDocument { { "_id", "rs0" }, { "version", 1 }, { "members", new BsonArray() }, { "settings", new BsonDocument("replicaSetId", "x") } }, ErrorCode.TypeMismatch, "'replicaSetId' must be an ObjectId" },
        { new BsonDocument { { "_id", "rs0" }, { "version", 1 }, { "members", new BsonArray() }, { "settings", new BsonDocument("getLastErrorModes", new BsonDocument("m", 1)) } }, ErrorCode.TypeMismatch, "settings.getLastErrorModes: field 'm' must be a document" },
    };

    [Theory]
    [MemberData(nameof(BadDocuments))]
    public void A_malformed_config_is_refused_naming_the_field(BsonDocument document, ErrorCode code, string expected)
    {
        var e = Assert.Throws<ReplicaException>(() => ReplicaSetConfig.FromBson(document));

        Assert.Equal(code, e.Code);
        Assert.Contains(expected, e.Message);
    }

    public static TheoryData<BsonDocument, ErrorCode, string> BadMembers => new()
    {
        { new BsonDocument { { "host", "h:1" } }, ErrorCode.InvalidReplicaSetConfig, "members[0]: field '_id' is required" },
        { new BsonDocument { { "_id", 4 } }, ErrorCode.InvalidReplicaSetConfig, "members[0] (_id 4): field 'host' is required" },
        { new BsonDocument { { "_id", 4 }, { "host", "h:1" }, { "priority", "high" } }, ErrorCode.TypeMismatch, "member 4 (h:1): field 'priority' must be a number" },
        { new BsonDocument { { "_id", 4 }, { "host", "h:1" }, { "hidden", "yes" } }, ErrorCode.TypeMismatch, "member 4 (h:1): field 'hidden' must be a boolean" },
        { new BsonDocument { { "_id", 4 }, { "host", "h:1" }, { "tags", new BsonDocument("dc", 1) } }, ErrorCode.TypeMismatch, "member 4 (h:1): field 'tags.dc' must be a string" },
        { new BsonDocument { { "_id", 4 }, { "host", "h:1" }, { "slaveDelay", 5 } }, ErrorCode.BadValue, "member 4 (h:1): unknown field 'slaveDelay'" },
        { new BsonDocument { { "_id", 4 }, { "host", "h:1" }, { "votes", 5_000_000_000L } }, ErrorCode.BadValue, "member 4 (h:1): field 'votes' is out of range" },
    };

    [Theory]
    [MemberData(nameof(BadMembers))]
    public void A_malformed_member_is_refused_naming_the_member_and_field(BsonDocument member, ErrorCode code, string expected)
    {
        var e = Assert.Throws<ReplicaException>(() => ReplicaSetConfig.FromBson(Minimal(member)));

        Assert.Equal(code, e.Code);
        Assert.Contains(expected, e.Message);
    }
}
