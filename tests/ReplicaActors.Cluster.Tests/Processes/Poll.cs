using ReplicaActors.Protocol;

namespace ReplicaActors.Cluster.Tests.Processes;

internal static class Poll
{
    /// <summary>Polls a condition until it holds, with a deadline; errors while processes start or fail over count as "not yet".</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan deadline)
    {
        var end = DateTime.UtcNow + deadline;
        Exception? last = null;
        while (DateTime.UtcNow < end)
        {
            try
            {
                if (await condition()) return;
            }
            catch (ReplicaException e)
            {
                last = e;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"not met within {deadline.TotalSeconds} s: {what} (last error: {last?.Message})");
    }
}
