namespace ReplicaActors.Config;

/// <summary>
/// A member's host in the replica-set config is its MongoDB wire address, as with mongod, so that
/// <c>hello.me</c>, <c>hosts</c> and a driver's seed list agree. Akka remoting listens beside it on the
/// wire port plus an offset (<c>replica-actors.remoting.port-offset</c>). This is the one mapping between
/// the two: every place that turns a host into an Akka address, or an Akka address back into a host, uses it.
/// </summary>
public static class RemotingEndpoint
{
    /// <summary>The remoting port of the member whose wire port is <paramref name="wirePort"/>.</summary>
    public static int PortFor(int wirePort, int offset) => wirePort + offset;

    /// <summary>The wire port of the member whose remoting port is <paramref name="remotingPort"/>.</summary>
    public static int WirePortOf(int remotingPort, int offset) => remotingPort - offset;

    /// <summary>The remoting host and port of a member's replica-set host (<c>host:wirePort</c>).</summary>
    public static HostAndPort For(HostAndPort host, int offset) => host with { Port = PortFor(host.Port, offset) };

    /// <summary>The replica-set host of the member listening for remoting at <paramref name="remotingHost"/>:<paramref name="remotingPort"/>.</summary>
    public static string HostOf(string remotingHost, int remotingPort, int offset) =>
        new HostAndPort(remotingHost, WirePortOf(remotingPort, offset)).ToString();

    /// <summary>Whether both ports of a member on <paramref name="wirePort"/> are TCP ports.</summary>
    public static bool Fits(int wirePort, int offset) => wirePort is >= 1 and <= 65535 && PortFor(wirePort, offset) is >= 1 and <= 65535;
}
