using System.Diagnostics;
using MongoDB.Bson;
using ReplicaActors.Client;
using ReplicaActors.Protocol;

// Load generator: N concurrent clients insert 100-byte documents through the replica-set client
// for a fixed time, then print ops/s and latency percentiles as one JSON line.
// Usage: ReplicaActors.Bench insert --hosts h1,h2,h3 --clients 16 --seconds 10 --w majority
var options = BenchOptions.Parse(args);
await using var transport = new AkkaCommandTransport();
await using var client = new ReplicaSetClient(options.Hosts, transport,
    new ReplicaSetClientOptions { HeartbeatFrequency = TimeSpan.FromMilliseconds(200), ServerSelectionTimeout = TimeSpan.FromSeconds(30) });
await client.WaitForTopologyAsync(t => t.Primary is not null).WaitAsync(TimeSpan.FromSeconds(30));

var payload = new string('x', 60);
var writeConcern = options.W == "majority" ? new BsonDocument("w", "majority") : new BsonDocument("w", int.Parse(options.W));
var collection = $"bench_{DateTime.UtcNow:HHmmss}";

async Task<List<double>> Run(TimeSpan duration, bool record)
{
    var latencies = new List<double>();
    var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
    var tasks = Enumerable.Range(0, options.Clients).Select(async c =>
    {
        var mine = new List<double>();
        var n = 0;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var doc = new BsonDocument { { "c", c }, { "n", n++ }, { "p", payload } };
            var command = new BsonDocument { { "insert", collection }, { "documents", new BsonArray { doc } }, { "writeConcern", writeConcern } };
            var start = Stopwatch.GetTimestamp();
            var reply = await client.RunCommandAsync(new CommandRequest("bench", command));
            var body = reply.EnsureOk();
            if (body.Contains("writeErrors") || body.Contains("writeConcernError")) throw new InvalidOperationException(body.ToString());
            if (record) mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return mine;
    }).ToList();
    foreach (var t in tasks) latencies.AddRange(await t);
    return latencies;
}

await Run(TimeSpan.FromSeconds(options.WarmupSeconds), record: false);
var clock = Stopwatch.StartNew();
var all = await Run(TimeSpan.FromSeconds(options.Seconds), record: true);
var elapsed = clock.Elapsed.TotalSeconds;
all.Sort();
double P(double q) => all.Count == 0 ? 0 : all[Math.Min(all.Count - 1, (int)(q * all.Count))];
Console.WriteLine(new BsonDocument
{
    { "mode", "insert" }, { "w", options.W }, { "clients", options.Clients }, { "ops", all.Count },
    { "ops_per_s", Math.Round(all.Count / elapsed, 1) }, { "p50_ms", Math.Round(P(0.50), 2) },
    { "p99_ms", Math.Round(P(0.99), 2) }, { "p999_ms", Math.Round(P(0.999), 2) },
}.ToJson());

internal sealed record BenchOptions(string[] Hosts, int Clients, int Seconds, int WarmupSeconds, string W)
{
    public static BenchOptions Parse(string[] args)
    {
        string Get(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        return new BenchOptions(Get("--hosts", "127.0.0.1:27301").Split(','), int.Parse(Get("--clients", "1")),
            int.Parse(Get("--seconds", "10")), int.Parse(Get("--warmup", "2")), Get("--w", "majority"));
    }
}
