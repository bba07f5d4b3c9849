using System.Diagnostics;
using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Wire;

/// <summary>
/// <c>serverStatus</c> as mongosh's <c>db.serverStatus()</c> and monitoring tools read it: the member's sections (host,
/// uptime, <c>repl</c>, <c>opcountersRepl</c>, <c>metrics.repl</c>) and this process's: version, connections, operation
/// counters (counted here, as mongod counts them: documents inserted, statements updated and deleted, finds, getMores,
/// and every other command) and memory.
/// </summary>
public sealed class ServerStatus(MemberChannel channel, Func<int> openConnections, Func<long> connectionsCreated, int maxConnections)
{
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
        var member = new CommandReply(await channel.AskForItselfAsync("admin", new BsonDocument("serverStatus", 1), cancellationToken).ConfigureAwait(false)).EnsureOk();
        using var process = Process.GetCurrentProcess();
        var open = openConnections();
        return new BsonDocument
        {
            { "host", member["host"] },
            { "version", ServerCommands.Version },
            { "process", "replicaactors" },
            { "pid", (long)Environment.ProcessId },
            { "uptime", member["uptime"] },
            { "uptimeMillis", member["uptimeMillis"] },
            { "uptimeEstimate", (long)member["uptime"].ToDouble() },
            { "localTime", member["localTime"] },
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
            { "opcountersRepl", member["opcountersRepl"] },
            { "mem", new BsonDocument { { "bits", 64 }, { "resident", process.WorkingSet64 >> 20 }, { "virtual", process.VirtualMemorySize64 >> 20 } } },
            { "repl", Repl(member["repl"].AsBsonDocument) },
            { "metrics", member["metrics"] },
            { "ok", 1.0 },
        };
    }

    private static long Statements(BsonDocument command, string field) =>
        command.TryGetValue(field, out var statements) && statements is BsonArray array ? array.Count : 1;

    /// <summary>mongod's <c>repl</c> section: the member's, with its term as the electionId drivers know (as hello shows it).</summary>
    private static BsonDocument Repl(BsonDocument member)
    {
        var repl = new BsonDocument(member);
        if (repl.TryGetValue("electionTerm", out var term) && term.IsNumeric)
        {
            repl.Remove("electionTerm");
            repl["electionId"] = HelloDocument.ElectionId(term.ToInt64());
        }
        return repl;
    }
}
