using MongoDB.Bson;
using ReplicaActors.Config;
using ReplicaActors.Protocol;

namespace ReplicaActors.Cli.Palettes;

/// <summary>
/// The config edits behind <c>rs add</c> and <c>rs remove</c>: the current config document (as <c>replSetGetConfig</c>
/// returns it) with one member more or less and the version raised by one. The member checks every rule.
/// </summary>
public static class ConfigEdits
{
    /// <summary>Appends <paramref name="member"/> (a member document without <c>_id</c>) with the next free <c>_id</c>.</summary>
    public static BsonDocument AddMember(BsonDocument config, BsonDocument member)
    {
        var host = member["host"].AsString;
        var members = Members(config);
        if (members.Any(m => SameHost(m, host)))
            throw new ReplicaException(ErrorCode.BadValue, $"host {host} is already a member of set '{config.GetValue("_id", "")}'");
        var id = members.Count == 0 ? 0 : members.Max(m => m["_id"].ToInt32()) + 1;
        var added = new BsonDocument("_id", id).AddRange(member);
        return NextVersion(config, new BsonArray(members.Append(added)));
    }

    public static BsonDocument RemoveMember(BsonDocument config, string host)
    {
        var members = Members(config);
        if (!members.Any(m => SameHost(m, host)))
            throw new ReplicaException(ErrorCode.NodeNotFound,
                $"unknown host {host}: set '{config.GetValue("_id", "")}' has {string.Join(", ", members.Select(m => m["host"].AsString))}");
        return NextVersion(config, new BsonArray(members.Where(m => !SameHost(m, host))));
    }

    /// <summary>The config out of a <c>replSetGetConfig</c> reply.</summary>
    public static BsonDocument ConfigOf(BsonDocument reply) =>
        reply.TryGetValue("config", out var config) && config.IsBsonDocument
            ? config.AsBsonDocument
            : throw new ReplicaException(ErrorCode.InternalError, "replSetGetConfig answered without a config document");

    /// <summary>A host argument must be host:port, as the config names members.</summary>
    public static string Host(string text) =>
        HostAndPort.TryParse(text, out var host)
            ? host.ToString()
            : throw new ReplicaException(ErrorCode.BadValue, $"HOST '{text}' must be host:port with a port from 1 to 65535");

    private static List<BsonDocument> Members(BsonDocument config) =>
        config.TryGetValue("members", out var members) && members.IsBsonArray
            ? members.AsBsonArray.Select(m => m.AsBsonDocument).ToList()
            : throw new ReplicaException(ErrorCode.InternalError, "the current config has no members array");

    private static bool SameHost(BsonDocument member, string host) =>
        string.Equals(member.GetValue("host", "").AsString, host, StringComparison.OrdinalIgnoreCase);

    private static BsonDocument NextVersion(BsonDocument config, BsonArray members) =>
        new BsonDocument(config) { ["version"] = config["version"].ToInt64() + 1, ["members"] = members };
}
