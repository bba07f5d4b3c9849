using Akka.Configuration;
using ReplicaActors.Protocol;
using ReplicaActors.Security;

namespace ReplicaActors.Tests.Security;

public sealed class ExposurePolicyTests
{
    private static void Enforce(string hocon) => ExposurePolicy.Enforce(ConfigurationFactory.ParseString(hocon).WithFallback(ReferenceConfig.Value));

    private const string Secured = "replica-actors.security.authorization = enabled, replica-actors.tls.mode = requireTLS";

    [Theory]
    [InlineData("")]
    [InlineData("replica-actors.member.bind-ip = \"127.0.0.3\"")]
    [InlineData("replica-actors.member.bind-ip = localhost")]
    [InlineData("replica-actors.member.bind-ip = \"::1\"")]
    [InlineData("replica-actors.member.bind-ip = \"[::1]\"")]
    public void A_loopback_member_starts_without_authentication(string hocon) => Enforce(hocon);

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    public void A_member_on_another_address_without_authentication_is_refused_naming_the_flags(string bindIp)
    {
        var e = Assert.Throws<ConfigurationException>(() => Enforce($"replica-actors.member.bind-ip = \"{bindIp}\""));

        Assert.Contains($"refusing to bind {bindIp} (--bind_ip)", e.Message);
        foreach (var named in new[] { "--auth", "--tlsMode requireTLS", "--noauth", "replica-actors.security.noauth = on" })
            Assert.Contains(named, e.Message);
    }

    [Theory]
    [InlineData("replica-actors.security.authorization = enabled", "member authentication (--tlsMode")]
    [InlineData("replica-actors.tls.mode = requireTLS", "client authentication (--auth) is off")]
    [InlineData("replica-actors.tls.mode = allowTLS, replica-actors.security.authorization = enabled", "member authentication (--tlsMode")]
    public void Half_of_the_authentication_is_not_enough(string hocon, string missing)
    {
        var e = Assert.Throws<ConfigurationException>(() => Enforce($"replica-actors.member.bind-ip = \"10.1.2.3\", {hocon}"));

        Assert.Contains(missing, e.Message);
    }

    [Theory]
    [InlineData(Secured)]
    [InlineData("replica-actors.security.noauth = on")]
    [InlineData("replica-actors.security.noauth = on, replica-actors.tls.mode = requireTLS")]
    public void Authentication_or_an_explicit_noauth_lets_it_start(string hocon) => Enforce($"replica-actors.member.bind-ip = \"10.1.2.3\", {hocon}");

    [Fact]
    public void Noauth_with_auth_is_a_contradiction_even_on_loopback()
    {
        var e = Assert.Throws<ConfigurationException>(() => Enforce("replica-actors.security.noauth = on, replica-actors.security.authorization = enabled"));

        Assert.Contains("--noauth (replica-actors.security.noauth = on) and --auth", e.Message);
    }
}
