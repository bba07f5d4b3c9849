using MongoDB.Bson;
using ReplicaActors.Client;

namespace ReplicaActors.Bench;

/// <summary>
/// Start to first write: the caller starts this client first, waits for its "waiting" line, then starts the set
/// and writes the start time (Unix ms) to <c>--t0-file</c>. The client probes with w:majority inserts until one
/// is acknowledged; the result is that acknowledgement's time since the start. Starting the client first keeps
/// its own start-up (JIT, remoting) out of the members' start window, as for an application already running.
/// </summary>
internal static class FirstWrite
{
    public static async Task<BsonDocument> RunAsync(ReplicaSetClient client, BenchOptions options)
    {
        var t0File = options.T0File ?? throw new ArgumentException("first-write needs --t0-file");
        var n = 0;
        while (!await Inserts.ProbeAsync(client, "first_write", n++))
            await Task.Delay(Inserts.ProbeInterval);
        var ackedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var t0 = long.Parse((await File.ReadAllTextAsync(t0File)).Trim());
        return new BsonDocument { { "mode", "first-write" }, { "first_write_ms", ackedAt - t0 }, { "probes", n } };
    }
}
