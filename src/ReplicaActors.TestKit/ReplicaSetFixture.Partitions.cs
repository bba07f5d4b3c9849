using Akka.Actor;
using Akka.Remote;
using Akka.Remote.Transport;

namespace ReplicaActors.TestKit;

/// <summary>
/// Network partitions through Akka's throttler transport adapter: a blackholed link drops every message
/// both ways, on both ends, while the TCP connection and the fixture's own client link stay up.
/// </summary>
public sealed partial class ReplicaSetFixture
{
    private readonly HashSet<int> _isolated = [];

    /// <summary>Cuts every link between <paramref name="member"/> and all the other members, both directions.</summary>
    public async Task PartitionAsync(FixtureMember member)
    {
        Log($"partitioning {member} from the others");
        _isolated.Add(member.Index);
        foreach (var other in Others(member)) await SetLinkAsync(member, other, Blackhole.Instance).ConfigureAwait(false);
    }

    /// <summary>Restores every link between running members.</summary>
    public async Task HealAsync()
    {
        Log("healing every link");
        _isolated.Clear();
        var running = _members.Where(m => m.IsRunning).ToList();
        foreach (var a in running)
        foreach (var b in running.Where(b => b.Index > a.Index))
            await SetLinkAsync(a, b, Unthrottled.Instance).ConfigureAwait(false);
    }

    /// <summary>A restarted member's system has fresh throttles: cut again what the partitions had cut.</summary>
    private async Task ReapplyPartitionsAsync(FixtureMember restarted)
    {
        foreach (var other in Others(restarted).Where(o => _isolated.Contains(o.Index) || _isolated.Contains(restarted.Index)))
            await SetLinkAsync(restarted, other, Blackhole.Instance).ConfigureAwait(false);
    }

    private IEnumerable<FixtureMember> Others(FixtureMember member) => _members.Where(m => m.IsRunning && m.Index != member.Index);

    private static async Task SetLinkAsync(FixtureMember a, FixtureMember b, ThrottleMode mode)
    {
        await ThrottleAsync(a, b.Address, mode).ConfigureAwait(false);
        await ThrottleAsync(b, a.Address, mode).ConfigureAwait(false);
    }

    private static async Task ThrottleAsync(FixtureMember from, Address to, ThrottleMode mode)
    {
        var transport = ((IRemoteActorRefProvider)((ExtendedActorSystem)from.System).Provider).Transport;
        if (!await transport.ManagementCommand(new SetThrottle(to, ThrottleTransportAdapter.Direction.Both, mode)).ConfigureAwait(false))
            throw new InvalidOperationException($"member {from} did not accept {mode.GetType().Name} towards {to}: is the trttl adapter applied?");
    }
}
