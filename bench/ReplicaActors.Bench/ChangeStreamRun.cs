using System.Collections.Concurrent;
using System.Diagnostics;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ReplicaActors.Bench;

/// <summary>
/// Change streams through MongoDB.Driver (issue 15's two figures):
/// <list type="bullet">
/// <item>Event latency: one writer inserts w:majority, one at a time, for <c>--seconds</c>, and one watcher on the
/// collection takes the events. Per insert: from its acknowledgement (the client's proof the write is
/// majority-committed) to the watcher's receipt of its event (negative when the event came first), and from the
/// insert's start to the event.</item>
/// <item>Write throughput with watchers: the driver-insert load (<c>--clients</c>, w:majority) without watchers and with
/// <c>--watchers</c> open change streams on the collection, each draining its events, alternating for <c>--rounds</c>;
/// the watchers run in this process, so their client work shares the machine with the members.</item>
/// </list>
/// </summary>
internal static class ChangeStreamRun
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxAwait = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(3);

    public static async Task<BsonDocument> RunAsync(BenchOptions options)
    {
        var latency = await LatencyAsync(options);
        Console.WriteLine(latency.ToJson());
        var collection = InsertLoad.DriverCollection(options, $"streams_{DateTime.UtcNow:HHmmss}", options.Watchers);
        var without = new List<double>();
        var with = new List<double>();
        var ratios = new List<double>();
        var idle = new List<double>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            var alone = await Measured(collection, () => InsertLoad.MeasureDriverAsync("driver-insert", options with { Rounds = 1 }, collection));
            Console.WriteLine(alone.ToJson());
            BsonDocument watched;
            long events;
            double idleFetches;
            using (var watchers = await Watchers.OpenAsync(collection, options.Watchers))
            {
                (idleFetches, _) = await ServedPerSecondAsync(collection, () => Task.Delay(IdleWindow));
                watched = await Measured(collection, () => InsertLoad.MeasureDriverAsync($"driver-insert-{options.Watchers}-watchers", options with { Rounds = 1 }, collection));
                events = watchers.Events;
            }
            watched["watcher_events"] = events;
            watched["primary_fetches_per_s_idle_watchers"] = Math.Round(idleFetches, 1);
            Console.WriteLine(watched.ToJson());
            without.Add(alone["ops_per_s"].ToDouble());
            with.Add(watched["ops_per_s"].ToDouble());
            ratios.Add(watched["ops_per_s"].ToDouble() / alone["ops_per_s"].ToDouble());
            idle.Add(watched["primary_fetches_per_s_idle_watchers"].ToDouble());
        }
        ratios.Sort();
        return new BsonDocument
        {
            { "mode", "change-streams" }, { "clients", options.Clients }, { "watchers", options.Watchers }, { "rounds", options.Rounds },
            { "event_after_ack_p50_ms", latency["after_ack_p50_ms"] }, { "event_after_ack_p99_ms", latency["after_ack_p99_ms"] },
            { "ops_per_s_without", new BsonArray(without.Select(v => Math.Round(v, 1))) },
            { "ops_per_s_with", new BsonArray(with.Select(v => Math.Round(v, 1))) },
            { "throughput_ratio_median", Math.Round(ratios[ratios.Count / 2], 3) },
            { "primary_fetches_per_s_idle_watchers", new BsonArray(idle) },
        };
    }

    /// <summary>
    /// The load's result with the cores this process (writers, and watchers when open) used meanwhile, and the oplog
    /// fetches (its secondaries' and every change stream's) and getMores the primary served per second, warmup included.
    /// </summary>
    private static async Task<BsonDocument> Measured(IMongoCollection<BsonDocument> collection, Func<Task<BsonDocument>> measure)
    {
        var cpu = new ServerCpu([Environment.ProcessId]);
        BsonDocument result = [];
        var (fetches, getMores) = await ServedPerSecondAsync(collection, async () => result = await measure());
        result["client_cores"] = Math.Round(cpu.Cores(), 2);
        result["primary_fetches_per_s"] = Math.Round(fetches, 1);
        result["primary_getmores_per_s"] = Math.Round(getMores, 1);
        return result;
    }

    /// <summary>
    /// The oplog fetches (serverStatus <c>metrics.repl.network.oplogGetMoresProcessed</c>) and the getMores
    /// (<c>opcounters.getmore</c>) the primary served per second while <paramref name="work"/> ran.
    /// </summary>
    private static async Task<(double Fetches, double GetMores)> ServedPerSecondAsync(IMongoCollection<BsonDocument> collection, Func<Task> work)
    {
        var admin = collection.Database.Client.GetDatabase("admin");
        async Task<(long, long)> Served()
        {
            var status = await admin.RunCommandAsync<BsonDocument>(new BsonDocument("serverStatus", 1));
            return (status["metrics"]["repl"]["network"]["oplogGetMoresProcessed"]["num"].ToInt64(), status["opcounters"]["getmore"].ToInt64());
        }
        var (fetchesBefore, getMoresBefore) = await Served();
        var started = Stopwatch.GetTimestamp();
        await work();
        var (fetches, getMores) = await Served();
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return ((fetches - fetchesBefore) / seconds, (getMores - getMoresBefore) / seconds);
    }

    private static async Task<BsonDocument> LatencyAsync(BenchOptions options)
    {
        var collection = InsertLoad.DriverCollection(options, $"latency_{DateTime.UtcNow:HHmmss}", 1);
        var received = new ConcurrentDictionary<int, long>();
        using var stop = new CancellationTokenSource();
        using var stream = await collection.WatchAsync(new ChangeStreamOptions { MaxAwaitTime = MaxAwait });
        var watcher = Task.Run(async () =>
        {
            while (await stream.MoveNextAsync(stop.Token))
                foreach (var change in stream.Current)
                    received.TryAdd(change.DocumentKey["_id"].AsInt32, Stopwatch.GetTimestamp());
        });
        var started = new List<long>();
        var acknowledged = new List<long>();
        var warmupEnd = Stopwatch.GetTimestamp() + (long)(options.WarmupSeconds * Stopwatch.Frequency);
        var deadline = warmupEnd + (long)(options.Seconds * Stopwatch.Frequency);
        var firstMeasured = -1;
        for (var n = 0; Stopwatch.GetTimestamp() < deadline; n++)
        {
            if (firstMeasured < 0 && Stopwatch.GetTimestamp() >= warmupEnd) firstMeasured = n;
            started.Add(Stopwatch.GetTimestamp());
            await collection.InsertOneAsync(new BsonDocument { { "_id", n }, { "p", "x" } });
            acknowledged.Add(Stopwatch.GetTimestamp());
        }
        var drainEnd = Stopwatch.GetTimestamp() + (long)(Drain.TotalSeconds * Stopwatch.Frequency);
        while (received.Count < started.Count && Stopwatch.GetTimestamp() < drainEnd) await Task.Delay(10);
        await stop.CancelAsync();
        try
        {
            await watcher;
        }
        catch (OperationCanceledException)
        {
            // The watcher ends by cancellation.
        }
        var afterAck = new List<double>();
        var afterStart = new List<double>();
        for (var n = Math.Max(0, firstMeasured); n < started.Count; n++)
        {
            if (!received.TryGetValue(n, out var at)) continue;
            afterAck.Add(Millis(at - acknowledged[n]));
            afterStart.Add(Millis(at - started[n]));
        }
        afterAck.Sort();
        afterStart.Sort();
        var measured = started.Count - Math.Max(0, firstMeasured);
        return new BsonDocument
        {
            { "mode", "change-stream-latency" }, { "inserts", measured }, { "events", afterAck.Count }, { "missing", measured - afterAck.Count },
            { "after_ack_p50_ms", P(afterAck, 0.50) }, { "after_ack_p99_ms", P(afterAck, 0.99) }, { "after_ack_max_ms", P(afterAck, 1) },
            { "after_ack_negative_share", afterAck.Count == 0 ? 0 : Math.Round((double)afterAck.Count(v => v < 0) / afterAck.Count, 3) },
            { "after_insert_p50_ms", P(afterStart, 0.50) }, { "after_insert_p99_ms", P(afterStart, 0.99) },
        };
    }

    private static double Millis(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static double P(List<double> sorted, double q) => sorted.Count == 0 ? 0 : Math.Round(sorted[Math.Min(sorted.Count - 1, (int)(q * sorted.Count))], 2);

    /// <summary>N open change streams on one collection, each draining its events until disposed.</summary>
    private sealed class Watchers : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly List<IChangeStreamCursor<ChangeStreamDocument<BsonDocument>>> _streams;
        private readonly List<Task> _drains;
        private long _events;

        private Watchers(List<IChangeStreamCursor<ChangeStreamDocument<BsonDocument>>> streams)
        {
            _streams = streams;
            _drains = streams.Select(stream => Task.Run(async () =>
            {
                while (await stream.MoveNextAsync(_stop.Token)) Interlocked.Add(ref _events, stream.Current.Count());
            })).ToList();
        }

        public long Events => Interlocked.Read(ref _events);

        public static async Task<Watchers> OpenAsync(IMongoCollection<BsonDocument> collection, int count)
        {
            var streams = new List<IChangeStreamCursor<ChangeStreamDocument<BsonDocument>>>();
            for (var i = 0; i < count; i++) streams.Add(await collection.WatchAsync(new ChangeStreamOptions { MaxAwaitTime = MaxAwait }));
            return new Watchers(streams);
        }

        public void Dispose()
        {
            _stop.Cancel();
            try
            {
                Task.WaitAll(_drains);
            }
            catch (AggregateException e) when (e.InnerExceptions.All(x => x is OperationCanceledException))
            {
                // Each drain ends by cancellation.
            }
            foreach (var stream in _streams) stream.Dispose();
            _stop.Dispose();
        }
    }
}
