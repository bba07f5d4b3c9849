using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Config;

/// <summary>
/// Turns a config document into a <see cref="ReplicaSetConfig"/> and back. Checks field names and types and
/// applies MongoDB's defaults; the rules between fields are <see cref="ConfigValidator"/>'s.
/// </summary>
internal static class ConfigParser
{
    private const ErrorCode Invalid = ErrorCode.InvalidReplicaSetConfig;

    private static readonly HashSet<string> TopFields = ["_id", "version", "term", "protocolVersion", "members", "settings"];

    private static readonly HashSet<string> MemberFields =
        ["_id", "host", "arbiterOnly", "priority", "votes", "hidden", "secondaryDelaySecs", "tags", "buildIndexes"];

    private static readonly HashSet<string> SettingsFields =
    [
        "heartbeatIntervalMillis", "heartbeatTimeoutSecs", "electionTimeoutMillis", "catchUpTimeoutMillis",
        "catchUpTakeoverDelayMillis", "chainingAllowed", "getLastErrorDefaults", "getLastErrorModes", "replicaSetId",
    ];

    public static ReplicaSetConfig Parse(BsonDocument document)
    {
        var reader = new BsonFieldReader(document, "replica set config");
        reader.RefuseUnknown(TopFields);
        var name = reader.String("_id", Invalid);
        var version = reader.RequiredLong("version", Invalid);
        var term = reader.Long("term", ReplicaSetConfig.UninitializedTerm);
        var protocolVersion = reader.Long("protocolVersion", 1);
        if (protocolVersion != 1)
            throw new ReplicaException(Invalid, $"replica set config: protocolVersion must be 1, got {protocolVersion}");
        var members = reader.Array("members", Invalid).Select((m, i) => ParseMember(m, i)).ToList();
        var settingsDoc = reader.Document("settings");
        var settings = settingsDoc is null ? ReplicaSetSettings.Default : ParseSettings(settingsDoc);
        return new ReplicaSetConfig(name, version, term, members, settings);
    }

    private static MemberConfig ParseMember(BsonValue value, int index)
    {
        if (!value.IsBsonDocument)
            throw new ReplicaException(ErrorCode.TypeMismatch, $"members[{index}] must be a document, got {value.BsonType}");
        var doc = value.AsBsonDocument;
        var reader = new BsonFieldReader(doc, $"members[{index}]");
        var id = reader.RequiredInt("_id", Invalid);
        reader = new BsonFieldReader(doc, $"members[{index}] (_id {id})");
        var host = reader.String("host", Invalid);
        reader = new BsonFieldReader(doc, $"member {id} ({host})");
        reader.RefuseUnknown(MemberFields);
        var arbiter = reader.Bool("arbiterOnly", false);
        var priority = reader.Double("priority", 1.0);
        return new MemberConfig(id, host)
        {
            ArbiterOnly = arbiter,
            // MongoDB rewrites an arbiter's priority of 1 (the default) to 0; any other value is for validation to refuse.
            Priority = arbiter && priority == 1.0 ? 0 : priority,
            Votes = reader.Int("votes", 1),
            Hidden = reader.Bool("hidden", false),
            SecondaryDelaySecs = reader.Int("secondaryDelaySecs", 0),
            Tags = ParseTags(reader),
            BuildIndexes = reader.Bool("buildIndexes", true),
        };
    }

    private static IReadOnlyDictionary<string, string> ParseTags(BsonFieldReader reader)
    {
        var doc = reader.Document("tags");
        if (doc is null) return MemberConfig.NoTags;
        var tags = new Dictionary<string, string>();
        foreach (var tag in doc)
            tags[tag.Name] = tag.Value.IsString ? tag.Value.AsString : throw reader.Mismatch($"tags.{tag.Name}", "a string", tag.Value);
        return tags;
    }

    private static ReplicaSetSettings ParseSettings(BsonDocument doc)
    {
        var reader = new BsonFieldReader(doc, "settings");
        reader.RefuseUnknown(SettingsFields);
        var defaults = ReplicaSetSettings.Default;
        ObjectId? setId = null;
        if (reader.Has("replicaSetId"))
        {
            var id = reader.Required("replicaSetId", Invalid);
            setId = id.IsObjectId ? id.AsObjectId : throw reader.Mismatch("replicaSetId", "an ObjectId", id);
        }
        return new ReplicaSetSettings
        {
            HeartbeatIntervalMillis = reader.Int("heartbeatIntervalMillis", defaults.HeartbeatIntervalMillis),
            HeartbeatTimeoutSecs = reader.Int("heartbeatTimeoutSecs", defaults.HeartbeatTimeoutSecs),
            ElectionTimeoutMillis = reader.Int("electionTimeoutMillis", defaults.ElectionTimeoutMillis),
            CatchUpTimeoutMillis = reader.Int("catchUpTimeoutMillis", defaults.CatchUpTimeoutMillis),
            CatchUpTakeoverDelayMillis = reader.Int("catchUpTakeoverDelayMillis", defaults.CatchUpTakeoverDelayMillis),
            ChainingAllowed = reader.Bool("chainingAllowed", defaults.ChainingAllowed),
            GetLastErrorDefaults = reader.Document("getLastErrorDefaults"),
            GetLastErrorModes = ParseModes(reader.Document("getLastErrorModes")),
            ReplicaSetId = setId,
        };
    }

    private static IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> ParseModes(BsonDocument? doc)
    {
        if (doc is null) return ReplicaSetSettings.NoModes;
        var modesReader = new BsonFieldReader(doc, "settings.getLastErrorModes");
        var modes = new Dictionary<string, IReadOnlyDictionary<string, int>>();
        foreach (var mode in doc)
        {
            var counts = modesReader.Document(mode.Name) ?? throw modesReader.Mismatch(mode.Name, "a document of tag counts", mode.Value);
            var reader = new BsonFieldReader(counts, $"settings.getLastErrorModes.{mode.Name}");
            modes[mode.Name] = counts.ToDictionary(t => t.Name, t => reader.Int(t.Name, 0));
        }
        return modes;
    }

    public static BsonDocument Write(ReplicaSetConfig config) => new()
    {
        { "_id", config.Name },
        { "version", config.Version },
        { "term", config.Term },
        { "protocolVersion", 1L },
        { "members", new BsonArray(config.Members.Select(WriteMember)) },
        { "settings", WriteSettings(config.Settings) },
    };

    private static BsonDocument WriteMember(MemberConfig member) => new()
    {
        { "_id", member.Id },
        { "host", member.Host },
        { "arbiterOnly", member.ArbiterOnly },
        { "buildIndexes", member.BuildIndexes },
        { "hidden", member.Hidden },
        { "priority", member.Priority },
        { "tags", new BsonDocument(member.Tags.Select(t => new BsonElement(t.Key, t.Value))) },
        { "secondaryDelaySecs", member.SecondaryDelaySecs },
        { "votes", member.Votes },
    };

    private static BsonDocument WriteSettings(ReplicaSetSettings settings)
    {
        var doc = new BsonDocument
        {
            { "chainingAllowed", settings.ChainingAllowed },
            { "heartbeatIntervalMillis", settings.HeartbeatIntervalMillis },
            { "heartbeatTimeoutSecs", settings.HeartbeatTimeoutSecs },
            { "electionTimeoutMillis", settings.ElectionTimeoutMillis },
            { "catchUpTimeoutMillis", settings.CatchUpTimeoutMillis },
            { "catchUpTakeoverDelayMillis", settings.CatchUpTakeoverDelayMillis },
            {
                "getLastErrorModes", new BsonDocument(settings.GetLastErrorModes.Select(m =>
                    new BsonElement(m.Key, new BsonDocument(m.Value.Select(t => new BsonElement(t.Key, t.Value))))))
            },
        };
        if (settings.GetLastErrorDefaults is not null) doc.Add("getLastErrorDefaults", settings.GetLastErrorDefaults);
        if (settings.ReplicaSetId is { } id) doc.Add("replicaSetId", id);
        return doc;
    }
}
