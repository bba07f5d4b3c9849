using System.Diagnostics;

namespace ReplicaActors.TestKit;

/// <summary>Polling with a deadline: how the fixture (and its users) wait, so every wait ends and says what it saw.</summary>
public static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <param name="what">What is awaited, for the timeout message.</param>
    /// <param name="attempt">One look: a result when done (null while not), and a description of what it saw either way.</param>
    /// <exception cref="TimeoutException">Names <paramref name="what"/> and the last thing seen.</exception>
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

    /// <summary>Waits until <paramref name="condition"/> holds; <paramref name="seen"/> describes the state for the timeout message.</summary>
    public static Task UntilAsync(string what, TimeSpan timeout, Func<bool> condition, Func<string> seen) =>
        UntilAsync(what, timeout, () => Task.FromResult(condition() ? ((object?)true, "") : (null, seen())));
}
