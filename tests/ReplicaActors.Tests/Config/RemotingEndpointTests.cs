using ReplicaActors.Config;

namespace ReplicaActors.Tests.Config;

public sealed class RemotingEndpointTests
{
    [Theory]
    [InlineData("127.0.0.1:27017", 1000, "127.0.0.1", 28017)]
    [InlineData("db1.example:27301", 1000, "db1.example", 28301)]
    [InlineData("[::1]:40000", -1000, "[::1]", 39000)]
    public void A_host_maps_to_its_remoting_endpoint_and_back(string host, int offset, string remotingHost, int remotingPort)
    {
        Assert.True(HostAndPort.TryParse(host, out var parsed));
        Assert.Equal(new HostAndPort(remotingHost, remotingPort), RemotingEndpoint.For(parsed, offset));
        Assert.Equal(host, RemotingEndpoint.HostOf(remotingHost, remotingPort, offset));
    }

    [Theory]
    [InlineData(27017, 1000, true)]
    [InlineData(64535, 1000, true)]
    [InlineData(64536, 1000, false)]
    [InlineData(500, -1000, false)]
    public void Both_ports_must_be_TCP_ports(int wirePort, int offset, bool fits) =>
        Assert.Equal(fits, RemotingEndpoint.Fits(wirePort, offset));
}
