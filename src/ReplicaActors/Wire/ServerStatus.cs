using System.Diagnostics;
using MongoDB.Bson;

namespace ReplicaActors.Wire;

/// <summary>
/// <c>serverStatus</c> as mongosh's <c>db.serverStatus()</c> and monitoring tools read it: host, version, uptime,
/// connections, operation counters (counted here, as mongod counts them: documents inserted, statements updated and
/// deleted, finds, getMores, and every other command), memory, and the member's replica-set view (its hello).
/// </summary>
public sealed class ServerStatus(MemberChannel member, Func<int> openConnections, Func<long> connectionsCreated, int maxConnections)
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _insert, _query, _update, _delete, _getMore, _command;

    public void Count(WireRequest request)
    {
        switch (request.Name)
        {
            case "insert":
                Interlocked.Add(ref _insert, Statements(request.Command, "documents"));
                break;
            case "update":
                Interlocked.Add(ref _update, Statements(request.Command, "updates"));
                break;
            case "delete":
                Interlocked.Add(ref _delete, Statements(request.Command, "deletes"));
                break;
            case "find":
                Interlocked.Increment(ref _query);
                break;
            case "getMore":
                Interlocked.Increment(ref _getMore);
                break;
            default:
                Interlocked.Increment(ref _command);
                break;
        }
    }

    public async Task<BsonDocument> RunAsync(CancellationToken cancellationToken)
    {
        var hello = await member.AskForItselfAsync("admin", new BsonDocument("hello", 1), cancellationToken).ConfigureAwait(false);
        var uptime = Stopwatch.GetElapsedTime(_started);
        using var process = Process.GetCurrentProcess();
        var open = openConnections();
        return new BsonDocument
        {
            { "host", hello.GetValue("me", BsonNull.Value) },
            { "version", ServerCommands.Version },
            { "process", "replicaactors" },
            { "pid", (long)Environment.ProcessId },
            { "uptime", Math.Floor(uptime.TotalSeconds) },
            { "uptimeMillis", (long)uptime.TotalMilliseconds },
            { "uptimeEstimate", (long)uptime.TotalSeconds },
            { "localTime", DateTime.UtcNow },
            { "connections", new BsonDocument { { "current", open }, { "available", Math.Max(0, maxConnections - open) }, { "totalCreated", connectionsCreated() } } },
            {
                "opcounters", new BsonDocument
                {
                    { "insert", Interlocked.Read(ref _insert) },
                    { "query", Interlocked.Read(ref _query) },
                    { "update", Interlocked.Read(ref _update) },
                    { "delete", Interlocked.Read(ref _delete) },
                    { "getmore", Interlocked.Read(ref _getMore) },
                    { "command", Interlocked.Read(ref _command) },
                }
            },
            { "mem", new BsonDocument { { "bits", 64 }, { "resident", process.WorkingSet64 >> 20 }, { "virtual", process.VirtualMemorySize64 >> 20 } } },
            { "repl", Repl(hello) },
            { "ok", 1.0 },
        };
    }

    private static long Statements(BsonDocument command, string field) =>
        command.TryGetValue(field, out var statements) && statements is BsonArray array ? array.Count : 1;

    /// <summary>mongod's <c>repl</c> section: the member's hello, less what only the handshake needs.</summary>
    private static BsonDocument Repl(BsonDocument hello)
    {
        var repl = new BsonDocument();
        foreach (var name in new[] { "topologyVersion", "hosts", "passives", "arbiters", "setName", "setVersion", "isWritablePrimary", "secondary", "arbiterOnly", "primary", "me", "electionId", "lastWrite" })
            if (hello.TryGetValue(name, out var value)) repl[name] = value;
        return repl;
    }
}
