using System.Collections.Concurrent;
using System.Diagnostics;
using MongoDB.Bson;
using ReplicaActors.Client;

namespace ReplicaActors.Bench;

/// <summary>
/// Kill -9 the primary while a probe writes with w:majority every 10 ms; a trial's result is the time from the kill
/// to the first acknowledgement of a write sent after the old primary was gone, so only a new primary can have
/// acknowledged it. The killed member is restarted and must be SECONDARY again before the next trial.
/// </summary>
internal static class FailoverTrials
{
    private static readonly TimeSpan TrialTimeout = TimeSpan.FromSeconds(30);
    private static readonly BsonDocument Majority = Inserts.WriteConcern("majority");

    public static async Task<BsonDocument> RunAsync(ReplicaSetClient client, AkkaCommandTransport transport, BenchOptions options)
    {
        if (options.Pids.Length != options.Hosts.Length)
            throw new ArgumentException($"--pids must name one pid per host ({options.Hosts.Length}), got {options.Pids.Length}");
        var pids = options.Pids.ToArray();
        var results = new List<double>();
        for (var trial = 0; trial < options.Trials; trial++)
        {
            await InsertLoad.Run(client, $"failover_warmup_{trial}", 1, Majority, TimeSpan.FromSeconds(2), record: false);
            var primary = await FindPrimaryAsync(transport, options.Hosts);
            var victim = MemberProcess.Inspect(pids[primary], options.Hosts[primary]);
            results.Add(await MeasureAsync(client, victim, $"failover_{trial}"));
            pids[primary] = victim.Restart().Pid;
            // The caller must be able to stop the restarted member even if a later trial fails.
            if (options.PidFile is { } pidFile) await File.WriteAllTextAsync(pidFile, string.Join(',', pids));
            await AwaitSecondaryAsync(transport, options.Hosts[primary]);
            await Console.Error.WriteLineAsync($"trial {trial + 1}: killed {options.Hosts[primary]} (pid {victim.Pid}), {results[^1]:F0} ms, restarted as pid {pids[primary]}");
        }
        var sorted = results.Order().ToList();
        return new BsonDocument
        {
            { "mode", "failover" }, { "trials", new BsonArray(results.Select(r => Math.Round(r, 1))) },
            { "min_ms", Math.Round(sorted[0], 1) }, { "median_ms", Math.Round(sorted[sorted.Count / 2], 1) },
            { "max_ms", Math.Round(sorted[^1], 1) }, { "pids", string.Join(',', pids) },
        };
    }

    /// <summary>
    /// The new primary's first seconds: kill -9 the primary, and from the first acknowledgement by its successor run
    /// <c>--rounds</c> insert rounds at once (no warmup; each round printed, the last returned with the failover
    /// time). Then the killed member is restarted and must be SECONDARY again, as in a trial.
    /// </summary>
    public static async Task<BsonDocument> RunNewPrimaryLoadAsync(ReplicaSetClient client, AkkaCommandTransport transport, BenchOptions options)
    {
        if (options.Pids.Length != options.Hosts.Length)
            throw new ArgumentException($"--pids must name one pid per host ({options.Hosts.Length}), got {options.Pids.Length}");
        var pids = options.Pids.ToArray();
        var primary = await FindPrimaryAsync(transport, options.Hosts);
        var victim = MemberProcess.Inspect(pids[primary], options.Hosts[primary]);
        var failoverMs = await MeasureAsync(client, victim, "new_primary_probe");
        // The survivors' CPU only: the killed member has no /proc entry to read.
        var result = await InsertLoad.RunAsync(client, options with { WarmupSeconds = 0, Pids = pids.Where((_, i) => i != primary).ToArray() });
        pids[primary] = victim.Restart().Pid;
        if (options.PidFile is { } pidFile) await File.WriteAllTextAsync(pidFile, string.Join(',', pids));
        await AwaitSecondaryAsync(transport, options.Hosts[primary]);
        result["mode"] = "new-primary-insert";
        result.Add("failover_ms", Math.Round(failoverMs, 1));
        result.Add("pids", string.Join(',', pids));
        return result;
    }

    private static async Task<double> MeasureAsync(ReplicaSetClient client, MemberProcess victim, string collection)
    {
        var firstAck = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        var probes = new ConcurrentBag<Task>();
        var t0 = Stopwatch.GetTimestamp();
        victim.Kill();
        var goneAt = (long?)null;
        var n = 0;
        while (!firstAck.Task.IsCompleted && Stopwatch.GetElapsedTime(t0) < TrialTimeout)
        {
            if (goneAt is null && victim.IsGone()) goneAt = Stopwatch.GetTimestamp();
            if (goneAt is not null) probes.Add(ProbeAsync(client, collection, n++, t0, firstAck));
            await Task.Delay(Inserts.ProbeInterval);
        }
        await Task.WhenAll(probes);
        return firstAck.Task.IsCompleted
            ? await firstAck.Task
            : throw new TimeoutException($"no w:majority write was acknowledged within {TrialTimeout.TotalSeconds} s of the kill");
    }

    private static async Task ProbeAsync(ReplicaSetClient client, string collection, int n, long t0, TaskCompletionSource<double> firstAck)
    {
        if (await Inserts.ProbeAsync(client, collection, n)) firstAck.TrySetResult(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
    }

    private static async Task<int> FindPrimaryAsync(AkkaCommandTransport transport, string[] hosts)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(TrialTimeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            for (var i = 0; i < hosts.Length; i++)
                if ((await HelloAsync(transport, hosts[i]))?.GetValue("isWritablePrimary", false).AsBoolean == true) return i;
            await Task.Delay(100);
        }
        throw new TimeoutException($"no member of {string.Join(',', hosts)} reported isWritablePrimary");
    }

    private static async Task AwaitSecondaryAsync(AkkaCommandTransport transport, string host)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(60 * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if ((await HelloAsync(transport, host))?.GetValue("secondary", false).AsBoolean == true) return;
            await Task.Delay(200);
        }
        throw new TimeoutException($"restarted member {host} did not become SECONDARY within 60 s");
    }

    private static Task<BsonDocument?> HelloAsync(AkkaCommandTransport transport, string host) =>
        MemberCommand.TryAsync(transport, host, "admin", new BsonDocument("hello", 1), TimeSpan.FromSeconds(2));
}
