using System.Diagnostics;
using MongoDB.Bson;
using ReplicaActors.Client;

namespace ReplicaActors.Bench;

/// <summary>Closed loop: N clients insert 100-byte documents for a fixed time; ops/s and latency percentiles.</summary>
internal static class InsertLoad
{
    public static async Task<BsonDocument> RunAsync(ReplicaSetClient client, BenchOptions options)
    {
        var writeConcern = Inserts.WriteConcern(options.W);
        var collection = $"bench_{DateTime.UtcNow:HHmmss}";
        await Run(client, collection, options.Clients, writeConcern, TimeSpan.FromSeconds(options.WarmupSeconds), record: false);
        var clock = Stopwatch.StartNew();
        var cpu = new ServerCpu(options.Pids);
        var all = await Run(client, collection, options.Clients, writeConcern, TimeSpan.FromSeconds(options.Seconds), record: true);
        var elapsed = clock.Elapsed.TotalSeconds;
        var cores = cpu.Cores();
        all.Sort();
        double P(double q) => all.Count == 0 ? 0 : all[Math.Min(all.Count - 1, (int)(q * all.Count))];
        return new BsonDocument
        {
            { "mode", "insert" }, { "w", options.W }, { "clients", options.Clients }, { "ops", all.Count },
            { "ops_per_s", Math.Round(all.Count / elapsed, 1) }, { "p50_ms", Math.Round(P(0.50), 2) },
            { "p99_ms", Math.Round(P(0.99), 2) }, { "p999_ms", Math.Round(P(0.999), 2) },
            { "server_cores", Math.Round(cores, 2) },
        };
    }

    /// <summary>Runs the clients until the deadline; used by the failover trials' warmup too.</summary>
    public static async Task<List<double>> Run(ReplicaSetClient client, string collection, int clients, BsonDocument writeConcern, TimeSpan duration, bool record)
    {
        var latencies = new List<double>();
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var tasks = Enumerable.Range(0, clients).Select(async c =>
        {
            var mine = new List<double>();
            var n = 0;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var start = Stopwatch.GetTimestamp();
                var reply = await client.RunCommandAsync(Inserts.Command(collection, c, n++, writeConcern));
                if (!Inserts.Acknowledged(reply)) throw new InvalidOperationException(reply.Body.ToString());
                if (record) mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            return mine;
        }).ToList();
        foreach (var t in tasks) latencies.AddRange(await t);
        return latencies;
    }
}
