using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Wire;

/// <summary>
/// The probes drivers and mongosh send at start and at close, answered here because they concern the
/// server, not the replica set: ping, buildInfo, getParameter, getLog, the session commands and a few more.
/// </summary>
public static class ServerCommands
{
    public const string Version = "6.0.0";

    public static bool Serves(string name) => name is
        "ping" or "buildInfo" or "buildinfo" or "getParameter" or "getLog" or "endSessions" or "refreshSessions"
        or "killSessions" or "killAllSessions" or "whatsmyuri" or "getCmdLineOpts"
        or "hostInfo" or "getFreeMonitoringStatus" or "atlasVersion" or "authenticate";

    public static BsonDocument Run(WireRequest request) => request.Name switch
    {
        "ping" or "endSessions" or "refreshSessions" or "killSessions" or "killAllSessions" => Ok(new BsonDocument()),
        "buildInfo" or "buildinfo" => Ok(new BsonDocument
        {
            { "version", Version },
            { "versionArray", new BsonArray { 6, 0, 0, 0 } },
            { "gitVersion", "replicaactors" },
            { "bits", 64 },
            { "debug", false },
            { "maxBsonObjectSize", HelloDocument.MaxBsonObjectSize },
            { "storageEngines", new BsonArray { "replicaactors-sqlite" } },
            { "modules", new BsonArray() },
            { "javascriptEngine", "none" },
        }),
        "getParameter" => Ok(new BsonDocument("featureCompatibilityVersion", new BsonDocument("version", "6.0"))),
        "getLog" => Ok(new BsonDocument { { "totalLinesWritten", 0 }, { "log", new BsonArray() } }),
        "whatsmyuri" => Ok(new BsonDocument("you", "")),
        "getCmdLineOpts" => Ok(new BsonDocument { { "argv", new BsonArray() }, { "parsed", new BsonDocument() } }),
        "hostInfo" => Ok(new BsonDocument
        {
            { "system", new BsonDocument { { "currentTime", DateTime.UtcNow }, { "hostname", Environment.MachineName }, { "numCores", Environment.ProcessorCount } } },
            { "os", new BsonDocument("type", Environment.OSVersion.Platform.ToString()) },
        }),
        "getFreeMonitoringStatus" => Ok(new BsonDocument("state", "disabled")),
        "authenticate" =>
            CommandReply.Error(ErrorCode.CommandNotSupported, "'authenticate' (MONGODB-CR, MONGODB-X509) is not supported: authenticate with SCRAM-SHA-256 (saslStart)").Body,
        // mongosh asks, expecting CommandNotFound from anything but Atlas.
        _ => CommandReply.Error(ErrorCode.CommandNotFound, $"no such command: '{request.Name}'").Body,
    };

    private static BsonDocument Ok(BsonDocument body) => CommandReply.Success(body).Body;
}
