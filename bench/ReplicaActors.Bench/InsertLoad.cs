using System.Diagnostics;
using MongoDB.Bson;
using MongoDB.Driver;
using ReplicaActors.Client;

namespace ReplicaActors.Bench;

/// <summary>
/// Closed loop: N clients insert 100-byte documents for a fixed time; ops/s and latency percentiles. The same
/// load runs through our client over Akka remoting (<c>insert</c>) or MongoDB.Driver over the wire protocol (<c>driver-insert</c>).
/// </summary>
internal static class InsertLoad
{
    /// <summary>One insert by client <c>c</c>, its <c>n</c>th; throws unless applied with its write concern met.</summary>
    private delegate Task Insert(int client, int n);

    public static Task<BsonDocument> RunAsync(ReplicaSetClient client, BenchOptions options)
    {
        var writeConcern = Inserts.WriteConcern(options.W);
        var collection = $"bench_{DateTime.UtcNow:HHmmss}";
        return MeasureAsync("insert", options, (c, n) => InsertAsync(client, collection, c, n, writeConcern));
    }

    public static Task<BsonDocument> RunDriverAsync(BenchOptions options) =>
        MeasureDriverAsync("driver-insert", options, DriverCollection(options, $"driver_{DateTime.UtcNow:HHmmss}", extraConnections: 0));

    /// <summary>A collection in <c>bench</c> through MongoDB.Driver with the options' write concern, its pool sized for the clients and <paramref name="extraConnections"/> more.</summary>
    public static IMongoCollection<BsonDocument> DriverCollection(BenchOptions options, string name, int extraConnections)
    {
        var settings = MongoClientSettings.FromConnectionString($"mongodb://{string.Join(",", options.Hosts)}/");
        settings.MaxConnectionPoolSize = Math.Max(settings.MaxConnectionPoolSize, options.Clients + extraConnections);
        var concern = options.W == "majority" ? WriteConcern.WMajority : new WriteConcern(int.Parse(options.W));
        return new MongoClient(settings).GetDatabase("bench").GetCollection<BsonDocument>(name).WithWriteConcern(concern);
    }

    /// <summary>The closed-loop insert load through MongoDB.Driver on <paramref name="collection"/>, measured as <see cref="MeasureAsync"/> does.</summary>
    public static Task<BsonDocument> MeasureDriverAsync(string mode, BenchOptions options, IMongoCollection<BsonDocument> collection) =>
        MeasureAsync(mode, options, (c, n) => collection.InsertOneAsync(Inserts.Document(c, n)));

    /// <summary>
    /// After the warmup, <c>--rounds</c> measured rounds of <c>--seconds</c> each, back to back; each round's result
    /// is printed as it ends (the first rounds after a start are the cold member), and the last one is returned.
    /// </summary>
    private static async Task<BsonDocument> MeasureAsync(string mode, BenchOptions options, Insert insert)
    {
        await Run(insert, options.Clients, TimeSpan.FromSeconds(options.WarmupSeconds), record: false);
        BsonDocument? result = null;
        for (var round = 1; round <= options.Rounds; round++)
        {
            if (result is not null) Console.WriteLine(result.ToJson());
            result = await MeasureRoundAsync(mode, options, insert, round);
        }
        return result!;
    }

    private static async Task<BsonDocument> MeasureRoundAsync(string mode, BenchOptions options, Insert insert, int round)
    {
        var clock = Stopwatch.StartNew();
        var cpu = new ServerCpu(options.Pids);
        var all = await Run(insert, options.Clients, TimeSpan.FromSeconds(options.Seconds), record: true);
        var elapsed = clock.Elapsed.TotalSeconds;
        var cores = cpu.Cores();
        all.Sort();
        double P(double q) => all.Count == 0 ? 0 : all[Math.Min(all.Count - 1, (int)(q * all.Count))];
        return new BsonDocument
        {
            { "mode", mode }, { "w", options.W }, { "clients", options.Clients }, { "round", round }, { "ops", all.Count },
            { "ops_per_s", Math.Round(all.Count / elapsed, 1) }, { "p50_ms", Math.Round(P(0.50), 2) },
            { "p99_ms", Math.Round(P(0.99), 2) }, { "p999_ms", Math.Round(P(0.999), 2) },
            { "server_cores", Math.Round(cores, 2) },
        };
    }

    /// <summary>Runs our client's inserts until the deadline; used by the failover trials' warmup too.</summary>
    public static Task<List<double>> Run(ReplicaSetClient client, string collection, int clients, BsonDocument writeConcern, TimeSpan duration, bool record) =>
        Run((c, n) => InsertAsync(client, collection, c, n, writeConcern), clients, duration, record);

    private static async Task InsertAsync(ReplicaSetClient client, string collection, int c, int n, BsonDocument writeConcern)
    {
        var reply = await client.RunCommandAsync(Inserts.Command(collection, c, n, writeConcern));
        if (!Inserts.Acknowledged(reply)) throw new InvalidOperationException(reply.Body.ToString());
    }

    private static async Task<List<double>> Run(Insert insert, int clients, TimeSpan duration, bool record)
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
                await insert(c, n++);
                if (record) mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            return mine;
        }).ToList();
        foreach (var t in tasks) latencies.AddRange(await t);
        return latencies;
    }
}
