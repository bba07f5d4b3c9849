using System.Diagnostics;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.Simulation;

/// <summary>
/// The deterministic simulator over many seeds: 3- and 5-member sets through partitions, crashes, pauses, message
/// loss and clock skew. CI runs the seed budget below; <c>SIM_SEED=N</c> replays one seed, <c>SIM_SEEDS=N</c> runs a
/// soak of N seeds (and <c>SIM_FIRST_SEED</c> where to start), <c>SIM_MEMBERS</c> picks the set size for both, and
/// <c>SIM_TRACE=FILE</c> appends every fault and state change to FILE as it happens.
/// </summary>
public class ReplicaSetSimulationTests(ITestOutputHelper output)
{
    private const int CiSeedsPerSize = 1000;
    private static readonly TimeSpan Faulty = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);

    [Fact]
    public void Every_seed_keeps_the_invariants_and_the_set_converges_after_the_faults_heal()
    {
        var sizes = Environment.GetEnvironmentVariable("SIM_MEMBERS") is { } m ? [int.Parse(m)] : new[] { 3, 5 };
        var (first, count) = Environment.GetEnvironmentVariable("SIM_SEED") is { } one
            ? (int.Parse(one), 1)
            : (int.Parse(Environment.GetEnvironmentVariable("SIM_FIRST_SEED") ?? "1"), int.Parse(Environment.GetEnvironmentVariable("SIM_SEEDS") ?? CiSeedsPerSize.ToString()));
        var clock = Stopwatch.StartNew();
        long steps = 0, writes = 0, w1Writes = 0, reads = 0, seeds = 0;
        var failures = new List<string>();
        foreach (var members in sizes)
        {
            for (var seed = first; seed < first + count; seed++)
            {
                var simulator = new ReplicaSetSimulator(seed, members);
                var failure = simulator.Run(Faulty, Settle);
                steps += simulator.StepsTaken;
                writes += simulator.AcknowledgedWrites;
                w1Writes += simulator.W1Acknowledged;
                reads += simulator.ReadsAnswered;
                seeds++;
                if (failure is null) continue;
                failures.Add($"seed {seed}, {members} members: {failure}\n  replay: {ReplicaSetSimulator.ReplayCommand(seed, members)}");
                if (failures.Count >= 3) break;
            }
        }
        output.WriteLine($"simulated {seeds} seeds ({string.Join(" and ", sizes)} members), {steps} core steps each followed by the invariant checks, " +
            $"{writes} acknowledged w:majority writes and {w1Writes} w:1 writes (a quarter of the attempts retries), {reads} reads checked, {failures.Count} failures, in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }
}
