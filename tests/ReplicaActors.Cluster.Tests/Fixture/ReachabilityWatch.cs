using Akka.Actor;
using Akka.Cluster;

namespace ReplicaActors.Cluster.Tests.Fixture;

/// <summary>The reachability events one member's Akka cluster publishes, awaited with a deadline.</summary>
internal sealed class ReachabilityWatch : IDisposable
{
    private readonly Inbox _inbox;
    private readonly List<string> _seen = [];

    public ReachabilityWatch(ActorSystem system)
    {
        _inbox = Inbox.Create(system);
        Akka.Cluster.Cluster.Get(system).Subscribe(
            _inbox.Receiver, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IReachabilityEvent));
    }

    /// <summary>Waits for a <typeparamref name="T"/> about <paramref name="address"/>; other events are noted for the failure message.</summary>
    public async Task ExpectAsync<T>(Address address, TimeSpan timeout) where T : ClusterEvent.ReachabilityEvent
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            object message;
            try
            {
                message = await _inbox.ReceiveAsync(deadline - DateTime.UtcNow);
            }
            catch (TimeoutException)
            {
                break;
            }
            if (message is T e && e.Member.Address == address) return;
            _seen.Add(message.ToString() ?? message.GetType().Name);
        }
        throw new TimeoutException($"no {typeof(T).Name} about {address} within {timeout.TotalSeconds:0.#} s; saw: [{string.Join(", ", _seen)}]");
    }

    public void Dispose() => _inbox.Dispose();
}
