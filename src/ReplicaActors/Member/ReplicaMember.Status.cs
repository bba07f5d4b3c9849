using MongoDB.Bson;
using ReplicaActors.Config;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;

namespace ReplicaActors.Member;

/// <summary>What the member reports about itself and its set: hello and replSetGetStatus.</summary>
public sealed partial class ReplicaMember
{
    private const int MaxBsonObjectSize = 16 * 1024 * 1024;

    private BsonDocument Hello()
    {
        var reply = new BsonDocument
        {
            { "isWritablePrimary", _state == MemberState.Primary },
            { "secondary", _state == MemberState.Secondary },
        };
        if (_durable.Config is not { } config)
        {
            reply.Add("isreplicaset", true);
            reply.Add("info", "Does not have a valid replica set config");
            reply.Add("me", _settings.Host);
        }
        else
        {
            var visible = config.Members.Where(m => !m.Hidden).ToList();
            reply.Add("setName", config.Name);
            reply.Add("setVersion", config.Version);
            reply.Add("hosts", new BsonArray(visible.Where(m => !m.ArbiterOnly && m.Priority > 0).Select(m => m.Host)));
            var passives = visible.Where(m => !m.ArbiterOnly && m.Priority == 0).Select(m => m.Host).ToList();
            if (passives.Count > 0) reply.Add("passives", new BsonArray(passives));
            var arbiters = visible.Where(m => m.ArbiterOnly).Select(m => m.Host).ToList();
            if (arbiters.Count > 0) reply.Add("arbiters", new BsonArray(arbiters));
            if (_state == MemberState.Primary) reply.Add("primary", _settings.Host);
            reply.Add("me", _settings.Host);
            if (config.FindByHost(_settings.Host) is { } self)
            {
                if (self.Hidden) reply.Add("hidden", true);
                if (self.ArbiterOnly) reply.Add("arbiterOnly", true);
                if (self.Tags.Count > 0) reply.Add("tags", new BsonDocument(self.Tags.Select(t => new BsonElement(t.Key, t.Value))));
            }
            reply.Add("lastWrite", new BsonDocument
            {
                { "opTime", _durable.LastOpTime.ToBson() },
                { "lastWriteDate", new BsonDateTime(_durable.LastWallMillis) },
            });
        }
        reply.Add("maxBsonObjectSize", MaxBsonObjectSize);
        reply.Add("maxWriteBatchSize", 100_000);
        reply.Add("localTime", new BsonDateTime(DateTime.UtcNow));
        return reply;
    }

    private BsonDocument Status()
    {
        var config = _durable.Config ?? throw NotYetInitialized();
        var now = DateTimeOffset.UtcNow;
        var applied = _store.AppliedOpTime;
        return new BsonDocument
        {
            { "set", config.Name },
            { "date", new BsonDateTime(now.UtcDateTime) },
            { "myState", (int)_state },
            { "term", _durable.Term },
            { "heartbeatIntervalMillis", config.Settings.HeartbeatIntervalMillis },
            { "optimes", new BsonDocument
                {
                    { "lastCommittedOpTime", CommitPoint.ToBson() },
                    { "appliedOpTime", applied.ToBson() },
                    { "durableOpTime", _durable.LastOpTime.ToBson() },
                }
            },
            { "members", new BsonArray(config.Members.Select(m => MemberStatus(config, m, now))) },
        };
    }

    /// <summary>
    /// The newest OpTime durable on a majority of voting data-bearing members. While this member
    /// is its set's only voter, that is its own journal's newest entry.
    /// </summary>
    private OpTime CommitPoint =>
        _durable.Config is { MajorityVoteCount: 1 } && _state == MemberState.Primary ? _durable.LastOpTime : OpTime.Null;

    private BsonDocument MemberStatus(ReplicaSetConfig config, MemberConfig member, DateTimeOffset now)
    {
        if (member.Host != _settings.Host)
            return new BsonDocument
            {
                { "_id", member.Id },
                { "name", member.Host },
                { "health", 0 },
                { "state", (int)MemberState.Unknown },
                { "stateStr", MemberState.Unknown.ToDisplay() },
                { "configVersion", config.Version },
                { "self", false },
                { "lastHeartbeatMessage", "no heartbeat received from this member" },
            };
        var status = new BsonDocument
        {
            { "_id", member.Id },
            { "name", member.Host },
            { "health", 1 },
            { "state", (int)_state },
            { "stateStr", _state.ToDisplay() },
            { "uptime", (long)(now - _startedAt).TotalSeconds },
            { "optime", _durable.LastOpTime.ToBson() },
            { "optimeDate", new BsonDateTime(_durable.LastOpTime.Date.UtcDateTime) },
            { "syncSourceHost", "" },
            { "configVersion", config.Version },
            { "configTerm", config.Term },
            { "self", true },
        };
        if (_electionDate is { } elected && _state == MemberState.Primary)
            status.Add("electionDate", new BsonDateTime(elected.UtcDateTime));
        return status;
    }
}
