using MongoDB.Bson;
using ReplicaActors.Config;
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
            { "isWritablePrimary", _state == MemberState.Primary && !_catchUp.Running },
            { "secondary", _state == MemberState.Secondary },
        };
        if (Config is not { } config)
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
            if (PrimaryHost is { } primary) reply.Add("primary", primary);
            reply.Add("me", _settings.Host);
            if (_state == MemberState.Primary) reply.Add("electionTerm", _durable.Term);
            if (Me is { } self)
            {
                if (self.Hidden) reply.Add("hidden", true);
                if (self.ArbiterOnly) reply.Add("arbiterOnly", true);
                if (self.SecondaryDelaySecs > 0) reply.Add("secondaryDelaySecs", self.SecondaryDelaySecs);
                if (self.Tags.Count > 0) reply.Add("tags", new BsonDocument(self.Tags.Select(t => new BsonElement(t.Key, t.Value))));
            }
            reply.Add("lastWrite", new BsonDocument
            {
                { "opTime", _durable.LastOpTime.ToBson() },
                { "lastWriteDate", new BsonDateTime(_durable.LastWallMillis) },
                { "majorityOpTime", _commitPoint.ToBson() },
                { "majorityWriteDate", new BsonDateTime(_commitPoint.Date.UtcDateTime) },
            });
        }
        reply.Add("maxBsonObjectSize", MaxBsonObjectSize);
        reply.Add("maxWriteBatchSize", 100_000);
        reply.Add("localTime", new BsonDateTime(DateTime.UtcNow));
        return reply;
    }

    /// <summary>
    /// The member's part of serverStatus, in mongod's sections: its replica-set view (<c>repl</c>: its hello, less the
    /// handshake's limits), the oplog entries it applied as a secondary (<c>opcountersRepl</c>) and its replication
    /// traffic (<c>metrics.repl</c>). The wire layer adds what belongs to the process: connections, client opcounters, memory.
    /// </summary>
    private BsonDocument ServerStatus()
    {
        var uptime = DateTimeOffset.UtcNow - _startedAt;
        var applied = _store.Applied;
        var repl = Hello();
        foreach (var handshakeOnly in new[] { "maxBsonObjectSize", "maxWriteBatchSize", "localTime" }) repl.Remove(handshakeOnly);
        return new BsonDocument
        {
            { "host", _settings.Host },
            { "uptime", Math.Floor(uptime.TotalSeconds) },
            { "uptimeMillis", (long)uptime.TotalMilliseconds },
            { "localTime", new BsonDateTime(DateTime.UtcNow) },
            {
                // Replication applies no queries or getMores: mongod reports 0 for them too.
                "opcountersRepl", new BsonDocument
                {
                    { "insert", applied.Inserts },
                    { "query", 0L },
                    { "update", applied.Updates },
                    { "delete", applied.Deletes },
                    { "getmore", 0L },
                    { "command", applied.Commands },
                }
            },
            { "repl", repl },
            { "metrics", new BsonDocument("repl", _traffic.ToBson(applied)) },
        };
    }

    private BsonDocument Status()
    {
        var config = Config ?? throw NotYetInitialized();
        var now = DateTimeOffset.UtcNow;
        var status = new BsonDocument
        {
            { "set", config.Name },
            { "date", new BsonDateTime(now.UtcDateTime) },
            { "myState", (int)_state },
            { "term", _durable.Term },
            { "syncSourceHost", _tailing.SyncSourceId is { } id ? config.FindById(id)?.Host ?? "" : "" },
            { "heartbeatIntervalMillis", config.Settings.HeartbeatIntervalMillis },
            { "optimes", new BsonDocument
                {
                    { "lastCommittedOpTime", _commitPoint.ToBson() },
                    { "appliedOpTime", _store.AppliedOpTime.ToBson() },
                    { "durableOpTime", _durable.LastOpTime.ToBson() },
                }
            },
            { "members", new BsonArray(config.Members.Select(m => m.Host == _settings.Host ? SelfStatus(config, m, now) : PeerStatus(config, m, now))) },
            { "oplog", OplogStatus() },
        };
        if (InitialSyncStatus(now) is { } initialSync) status.Add("initialSyncStatus", initialSync);
        return status;
    }

    /// <summary>The journal's oplog against its cap: truncation shows as the first entry moving on.</summary>
    private BsonDocument OplogStatus() => new()
    {
        { "sizeBytes", _journalOplog.TotalBytes },
        { "capBytes", _settings.OplogSizeBytes },
        { "minRetentionHours", _settings.OplogMinRetentionHours },
        { "firstOpTime", _journalOplog.First.ToBson() },
        { "lastOpTime", _journalOplog.Last.ToBson() },
        { "truncatedThrough", _journalOplog.DeletedThrough.ToBson() },
    };

    private BsonDocument SelfStatus(ReplicaSetConfig config, MemberConfig member, DateTimeOffset now)
    {
        var applied = _store.AppliedOpTime;
        var status = new BsonDocument
        {
            { "_id", member.Id },
            { "name", member.Host },
            { "health", 1 },
            { "state", (int)_state },
            { "stateStr", _state.ToDisplay() },
            { "uptime", (long)(now - _startedAt).TotalSeconds },
            { "optime", applied.ToBson() },
            { "optimeDate", new BsonDateTime(applied.Date.UtcDateTime) },
            { "syncSourceHost", _tailing.SyncSourceId is { } id ? config.FindById(id)?.Host ?? "" : "" },
            { "syncSourceId", _tailing.SyncSourceId ?? -1 },
            // A note left from before an election (no sync source, say) says nothing about a primary.
            { "infoMessage", _state == MemberState.Primary ? "" : _infoMessage ?? "" },
            { "configVersion", config.Version },
            { "configTerm", config.Term },
            { "self", true },
        };
        if (_electionDate is { } elected && _state == MemberState.Primary)
            status.Add("electionDate", new BsonDateTime(elected.UtcDateTime));
        return status;
    }

    private BsonDocument PeerStatus(ReplicaSetConfig config, MemberConfig member, DateTimeOffset now)
    {
        var peer = _peers.Find(member.Id) ?? PeerView.NeverHeard(member.Id);
        var state = peer.Up ? peer.State : peer.LastHeartbeatReceived is null ? MemberState.Unknown : MemberState.Down;
        // Position reports arrive with every replicated batch, heartbeats only every interval: show the fresher.
        if (_positions.Of(member.Id) is { } position)
            peer = peer with { Applied = OpTime.Max(peer.Applied, position.Applied), Durable = OpTime.Max(peer.Durable, position.Durable) };
        var status = new BsonDocument
        {
            { "_id", member.Id },
            { "name", member.Host },
            { "health", peer.Up ? 1 : 0 },
            { "state", (int)state },
            { "stateStr", state.ToDisplay() },
            { "optime", peer.Applied.ToBson() },
            { "optimeDate", new BsonDateTime(peer.Applied.Date.UtcDateTime) },
            { "optimeDurable", peer.Durable.ToBson() },
            { "pingMs", (long)Math.Round(peer.PingMillis) },
            { "syncSourceHost", peer.SyncSourceId is { } id ? config.FindById(id)?.Host ?? "" : "" },
            { "configVersion", config.Version },
            { "self", false },
            { "lastHeartbeatMessage", peer.Message },
        };
        if (peer.Up && peer.UpSince is { } since) status.Add("uptime", (long)(now - since).TotalSeconds);
        if (peer.LastHeartbeat is { } sent) status.Add("lastHeartbeat", new BsonDateTime(sent.UtcDateTime));
        if (peer.LastHeartbeatReceived is { } received) status.Add("lastHeartbeatRecv", new BsonDateTime(received.UtcDateTime));
        if (peer.State == MemberState.Primary && peer.ElectionMillis > 0)
            status.Add("electionDate", new BsonDateTime(peer.ElectionMillis));
        return status;
    }
}
