using System.Diagnostics;

namespace ReplicaActors.TestKit;

/// <summary>Polling with a deadline: the fixture's only way to wait, so every wait ends and says what it saw.</summary>
internal static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <param name="what">What was awaited, for the timeout message.</param>
    /// <param name="attempt">One look: a result when done, and a description of what it saw either way.</param>
    public static async Task<T> UntilAsync<T>(string what, TimeSpan timeout, Func<Task<(T? Result, string Seen)>> attempt)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var (result, seen) = await attempt().ConfigureAwait(false);
            if (result is not null) return result;
            if (clock.Elapsed >= timeout)
                throw new TimeoutException($"{what}: not within {timeout.TotalSeconds:0.#} s. Last seen:{Environment.NewLine}{seen}");
            await Task.Delay(Interval).ConfigureAwait(false);
        }
    }
}
