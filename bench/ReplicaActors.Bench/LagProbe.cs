using System.Collections.Concurrent;
using System.Diagnostics;
using MongoDB.Bson;
using ReplicaActors.Client;
using ReplicaActors.Protocol;

namespace ReplicaActors.Bench;

/// <summary>
/// Replication lag under a steady load: w:1 inserts at a fixed rate (bench/run passes half the peak), and
/// every 10 ms a marker insert. One poller per secondary looks for the markers in order, one find by _id at a
/// time (a secondary applies the oplog in order, so marker k+1 is looked for only after marker k was seen).
/// Lag = from the primary's acknowledgement of a marker to the first find that sees it on a secondary, so it
/// includes one read round trip.
/// </summary>
internal static class LagProbe
{
    private static readonly TimeSpan MarkerEvery = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(10);

    public static async Task<BsonDocument> RunAsync(ReplicaSetClient client, ICommandTransport transport, BenchOptions options)
    {
        var topology = await client.WaitForTopologyAsync(t => t.Primary is not null && t.Members.Any(m => m.Type == ServerType.RSSecondary));
        var secondaries = topology.Members.Where(m => m.Type == ServerType.RSSecondary).Select(m => m.Host).ToList();
        var collection = $"lag_{DateTime.UtcNow:HHmmss}";
        var w1 = Inserts.WriteConcern("1");
        using var stop = new CancellationTokenSource();
        var load = Load(client, collection, options.Rate, w1, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(options.WarmupSeconds));

        var acknowledged = new ConcurrentDictionary<int, long>();
        var markers = new List<Task>();
        var deadline = Stopwatch.GetTimestamp() + (long)(options.Seconds * Stopwatch.Frequency);
        var total = new TaskCompletionSource<int>();
        var pollers = secondaries.Select(host => Poll(transport, collection, host, acknowledged, total.Task)).ToList();
        for (var n = 0; Stopwatch.GetTimestamp() < deadline; n++)
        {
            markers.Add(Marker(client, collection, n, w1, acknowledged));
            await Task.Delay(MarkerEvery);
        }
        total.SetResult(markers.Count);
        await Task.WhenAll(markers);
        var lags = (await Task.WhenAll(pollers)).SelectMany(l => l).ToList();
        await stop.CancelAsync();
        var sent = await load;
        lags.Sort();
        double P(double q) => lags.Count == 0 ? 0 : lags[Math.Min(lags.Count - 1, (int)(q * lags.Count))];
        return new BsonDocument
        {
            { "mode", "lag" }, { "rate", options.Rate }, { "load_ops_per_s", Math.Round((double)sent / (options.Seconds + options.WarmupSeconds), 1) },
            { "samples", lags.Count }, { "p50_ms", Math.Round(P(0.50), 2) }, { "p99_ms", Math.Round(P(0.99), 2) }, { "max_ms", Math.Round(P(1), 2) },
        };
    }

    /// <summary>Open loop: one insert every 1/rate seconds, however long the earlier ones take (at most 256 outstanding).</summary>
    private static async Task<int> Load(ReplicaSetClient client, string collection, int rate, BsonDocument w1, CancellationToken stop)
    {
        using var outstanding = new SemaphoreSlim(256);
        var interval = Stopwatch.Frequency / Math.Max(1, rate);
        var next = Stopwatch.GetTimestamp();
        var n = 0;
        while (!stop.IsCancellationRequested)
        {
            next += interval;
            var wait = next - Stopwatch.GetTimestamp();
            if (wait > 0) await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), CancellationToken.None);
            if (!await outstanding.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None))
                throw new InvalidOperationException("256 load inserts outstanding for 10 s: the set cannot take this rate");
            var insert = client.RunCommandAsync(Inserts.Command(collection, -1, n++, w1));
            _ = insert.ContinueWith(_ => outstanding.Release(), TaskScheduler.Default);
        }
        return n;
    }

    private static async Task Marker(ReplicaSetClient client, string collection, int n, BsonDocument w1, ConcurrentDictionary<int, long> acknowledged)
    {
        var reply = await client.RunCommandAsync(new CommandRequest("bench", new BsonDocument
        {
            { "insert", collection }, { "documents", new BsonArray { new BsonDocument("_id", $"marker-{n}") } }, { "writeConcern", w1 },
        }));
        if (!Inserts.Acknowledged(reply)) throw new InvalidOperationException(reply.Body.ToString());
        acknowledged[n] = Stopwatch.GetTimestamp();
    }

    /// <summary>Looks for markers 0, 1, 2, ... on one secondary, each once it has been acknowledged; returns their lags.</summary>
    private static async Task<List<double>> Poll(ICommandTransport transport, string collection, string host, ConcurrentDictionary<int, long> acknowledged, Task<int> total)
    {
        var lags = new List<double>();
        for (var k = 0; !total.IsCompleted || k < total.Result;)
        {
            if (!acknowledged.TryGetValue(k, out var ackedAt))
            {
                await Task.Delay(1);
                continue;
            }
            var find = new CommandRequest("bench", new BsonDocument
            {
                { "find", collection }, { "filter", new BsonDocument("_id", $"marker-{k}") }, { "$readPreference", new BsonDocument("mode", "secondary") },
            });
            var found = await transport.SendAsync(host, find, TimeSpan.FromSeconds(2));
            if (found.Ok && found.Body["cursor"]["firstBatch"].AsBsonArray.Count > 0)
            {
                lags.Add(Stopwatch.GetElapsedTime(ackedAt).TotalMilliseconds);
                k++;
                continue;
            }
            if (Stopwatch.GetElapsedTime(ackedAt) > GiveUpAfter) throw new InvalidOperationException($"marker-{k} not on {host} after {GiveUpAfter.TotalSeconds} s");
            await Task.Delay(1);
        }
        return lags;
    }
}
