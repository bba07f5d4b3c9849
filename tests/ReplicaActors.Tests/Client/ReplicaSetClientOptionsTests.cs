using Akka.Configuration;
using ReplicaActors.Client;
using ReplicaActors.Protocol;

namespace ReplicaActors.Tests.Client;

public class ReplicaSetClientOptionsTests
{
    [Fact]
    public void The_reference_config_holds_the_client_defaults()
    {
        var options = ReplicaSetClientOptions.FromConfig(ReferenceConfig.Value);

        Assert.Equal(new ReplicaSetClientOptions(), options);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ServerSelectionTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.HeartbeatFrequency);
        Assert.Equal(15, options.LocalThresholdMillis);
        Assert.Equal(TimeSpan.FromSeconds(10), options.CommandTimeout);
    }

    [Fact]
    public void Config_overrides_each_client_option()
    {
        var options = ReplicaSetClientOptions.FromConfig(ConfigurationFactory.ParseString(
            "replica-actors.client { server-selection-timeout = 2s, heartbeat-frequency = 50ms, local-threshold = 0ms, command-timeout = 3s }"));

        Assert.Equal(new ReplicaSetClientOptions
        {
            ServerSelectionTimeout = TimeSpan.FromSeconds(2),
            HeartbeatFrequency = TimeSpan.FromMilliseconds(50),
            LocalThresholdMillis = 0,
            CommandTimeout = TimeSpan.FromSeconds(3),
        }, options);
    }

    [Fact]
    public void A_zero_heartbeat_frequency_is_refused_naming_the_key()
    {
        var e = Assert.Throws<ReplicaException>(() => ReplicaSetClientOptions.FromConfig(ConfigurationFactory.ParseString("replica-actors.client.heartbeat-frequency = 0s")));

        Assert.Equal(ErrorCode.BadValue, e.Code);
        Assert.Contains("replica-actors.client.heartbeat-frequency must be positive", e.Message);
    }
}
