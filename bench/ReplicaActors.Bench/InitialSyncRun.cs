using System.Diagnostics;
using MongoDB.Bson;
using ReplicaActors.Client;
using ReplicaActors.Protocol;

namespace ReplicaActors.Bench;

/// <summary>
/// Initial sync speed: loads DOCS documents of about 1 KB into bench.sync, starts one more member process
/// (the ReplicaActors.Node command given after <c>--</c>, with its port), adds it (priority 0, votes 0), and
/// times it from the reconfig to SECONDARY with every document. The member it started is stopped at the end.
/// </summary>
internal static class InitialSyncRun
{
    private const int BatchSize = 1000;
    private const int LoadAttempts = 5;
    private static readonly TimeSpan LoadRetryPause = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(10);

    public static async Task<BsonDocument> RunAsync(IReplicaSetClient client, ICommandTransport transport, string[] args)
    {
        var docs = int.Parse(Get(args, "--docs", "100000"));
        var docBytes = int.Parse(Get(args, "--doc-bytes", "1024"));
        var host = Get(args, "--new-member", "");
        var separator = Array.IndexOf(args, "--");
        if (host.Length == 0 || separator < 0 || separator == args.Length - 1)
            throw new ArgumentException("initial-sync needs --new-member HOST and, after --, the command line that starts that member");

        var loadClock = Stopwatch.StartNew();
        await LoadAsync(client, docs, docBytes);
        var loadSeconds = loadClock.Elapsed.TotalSeconds;

        using var member = Process.Start(new ProcessStartInfo(args[separator + 1], args[(separator + 2)..])
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("could not start the new member");
        member.OutputDataReceived += (_, _) => { };
        member.ErrorDataReceived += (_, _) => { };
        member.BeginOutputReadLine();
        member.BeginErrorReadLine();
        try
        {
            await UntilAsync(async () => (await TrySendAsync(transport, host, "admin", new BsonDocument("hello", 1))) is not null);
            var clock = Stopwatch.StartNew();
            await AddAsync(client, host);
            await UntilAsync(async () => (await TrySendAsync(transport, host, "admin", new BsonDocument("hello", 1)))?.GetValue("secondary", false).AsBoolean == true);
            var seconds = clock.Elapsed.TotalSeconds;
            var count = (await TrySendAsync(transport, host, "bench", new BsonDocument
            {
                { "count", "sync" }, { "$readPreference", new BsonDocument("mode", "secondaryPreferred") },
            }))?["n"].ToInt64() ?? -1;
            if (count != docs) throw new InvalidOperationException($"the new member counts {count} documents, expected {docs}");
            return new BsonDocument
            {
                { "mode", "initial-sync" }, { "docs", docs }, { "doc_bytes", docBytes }, { "load_seconds", Math.Round(loadSeconds, 1) },
                { "sync_seconds", Math.Round(seconds, 2) }, { "docs_per_sec", Math.Round(docs / seconds) },
                { "mb_per_sec", Math.Round(docs * (double)docBytes / seconds / (1 << 20), 1) },
            };
        }
        finally
        {
            member.Kill();
            await member.WaitForExitAsync();
        }
    }

    private static async Task LoadAsync(IReplicaSetClient client, int docs, int docBytes)
    {
        var payload = new string('x', Math.Max(0, docBytes - 40));
        for (var first = 0; first < docs; first += BatchSize)
        {
            var batch = new BsonArray(Enumerable.Range(first, Math.Min(BatchSize, docs - first)).Select(i => new BsonDocument { { "_id", i }, { "p", payload } }));
            await LoadBatchAsync(client, batch);
        }
    }

    /// <summary>
    /// One batch, again after a failover (a loaded machine sees step-downs): unordered, so a retry skips the
    /// documents the first attempt stored, which come back as duplicate keys.
    /// </summary>
    private static async Task LoadBatchAsync(IReplicaSetClient client, BsonArray batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            var reply = await client.RunCommandAsync(new CommandRequest("bench", new BsonDocument
            {
                { "insert", "sync" }, { "documents", batch }, { "ordered", false }, { "writeConcern", new BsonDocument("w", "majority") },
            }));
            if (Inserts.Acknowledged(reply) || (attempt > 1 && OnlyDuplicateKeys(reply))) return;
            if (attempt == LoadAttempts) throw new InvalidOperationException($"loading failed {LoadAttempts} times: {reply.Body}");
            // Long enough for the set to elect a new primary on any profile's timings.
            await Task.Delay(LoadRetryPause);
        }
    }

    private static bool OnlyDuplicateKeys(CommandReply reply) =>
        reply.Ok && !reply.Body.Contains("writeConcernError") && reply.Body.TryGetValue("writeErrors", out var errors)
        && errors.AsBsonArray.All(e => e["code"].ToInt32() == (int)ErrorCode.DuplicateKey);

    private static async Task AddAsync(IReplicaSetClient client, string host)
    {
        var config = (await client.RunCommandAsync(new CommandRequest("admin", new BsonDocument("replSetGetConfig", 1)))).EnsureOk()["config"].AsBsonDocument;
        config["version"] = config["version"].ToInt64() + 1;
        var id = config["members"].AsBsonArray.Max(m => m["_id"].ToInt32()) + 1;
        config["members"].AsBsonArray.Add(new BsonDocument { { "_id", id }, { "host", host }, { "priority", 0 }, { "votes", 0 } });
        (await client.RunCommandAsync(new CommandRequest("admin", new BsonDocument("replSetReconfig", config)))).EnsureOk();
    }

    private static Task<BsonDocument?> TrySendAsync(ICommandTransport transport, string host, string db, BsonDocument command) =>
        MemberCommand.TryAsync(transport, host, db, command, TimeSpan.FromSeconds(5));

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Deadline) throw new TimeoutException($"not within {Deadline.TotalMinutes} min");
            await Task.Delay(50);
        }
    }

    private static string Get(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
