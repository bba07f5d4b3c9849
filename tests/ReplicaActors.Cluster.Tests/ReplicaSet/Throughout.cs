using System.Diagnostics;

namespace ReplicaActors.Cluster.Tests.ReplicaSet;

/// <summary>
/// The dual of <c>Eventually</c>, for what must never happen (a minority electing, a frozen member standing):
/// looks again and again for a whole period and fails at the first look that breaks the rule.
/// </summary>
internal static class Throughout
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <param name="what">The rule, for the failure message.</param>
    /// <param name="check">One look: whether the rule holds, and what was seen.</param>
    public static async Task HoldsAsync(string what, TimeSpan period, Func<Task<(bool Holds, string Seen)>> check)
    {
        var clock = Stopwatch.StartNew();
        var looks = 0;
        while (clock.Elapsed < period)
        {
            var (holds, seen) = await check();
            looks++;
            Assert.True(holds, $"{what}: broken after {clock.Elapsed.TotalSeconds:0.0} s (look {looks}). Seen:{Environment.NewLine}{seen}");
            await Task.Delay(Interval);
        }
    }
}
