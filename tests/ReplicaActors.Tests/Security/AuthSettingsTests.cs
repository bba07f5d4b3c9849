using Akka.Configuration;
using ReplicaActors.Protocol;
using ReplicaActors.Security;

namespace ReplicaActors.Tests.Security;

public sealed class AuthSettingsTests
{
    private static AuthSettings Read(string hocon) => AuthSettings.From(ConfigurationFactory.ParseString(hocon).WithFallback(ReferenceConfig.Value));

    [Fact]
    public void Authorization_is_off_by_default_with_mongods_iteration_count() => Assert.Equal(new AuthSettings(false, 15000), Read(""));

    [Fact]
    public void The_auth_flags_key_turns_it_on() => Assert.True(Read("replica-actors.security.authorization = enabled").Enabled);

    [Theory]
    [InlineData("replica-actors.security.authorization = on", "must be enabled or disabled")]
    [InlineData("replica-actors.security.scram-sha-256-iteration-count = 4095", "fewer than 4096")]
    public void Bad_values_are_refused_naming_the_key(string hocon, string problem)
    {
        var e = Assert.Throws<ConfigurationException>(() => Read(hocon));

        Assert.Contains("replica-actors.security.", e.Message);
        Assert.Contains(problem, e.Message);
    }
}
