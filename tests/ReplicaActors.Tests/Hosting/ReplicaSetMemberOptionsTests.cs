using Microsoft.Extensions.Configuration;
using ReplicaActors.Server;
using ReplicaActors.Hosting;
using ReplicaActors.Member;

namespace ReplicaActors.Tests.Hosting;

public class ReplicaSetMemberOptionsTests
{
    [Fact]
    public void Binds_the_ReplicaSet_section_into_the_member_settings()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ReplicaSet:ReplSetName"] = "shop",
            ["ReplicaSet:BindIp"] = "127.0.0.2",
            ["ReplicaSet:Port"] = "27555",
            ["ReplicaSet:DbPath"] = "/tmp/shop-m1",
            ["ReplicaSet:Hocon"] = "replica-actors.member.reader-count = 5",
        }).Build();

        var settings = MemberSettings.From(ReplicaActorsConfig.ForMember(ReplicaSetMemberOptions.FromConfiguration(configuration).ToOverrides()));

        Assert.Equal(("shop", "127.0.0.2:27555", "/tmp/shop-m1", 5), (settings.ReplSetName, settings.Host, settings.DbPath, settings.ReaderCount));
    }

    [Fact]
    public void Named_settings_win_over_extra_hocon_and_the_profile()
    {
        var options = new ReplicaSetMemberOptions
        {
            ReplSetName = "rs0",
            Port = 27600,
            Profile = "fast",
            Hocon = "replica-actors.member.port = 1\nreplica-actors.config-defaults.electionTimeoutMillis = 777",
        };

        var config = ReplicaActorsConfig.ForMember(options.ToOverrides());

        Assert.Equal(27600, MemberSettings.From(config).Port);
        Assert.Equal(777, config.GetInt("replica-actors.config-defaults.electionTimeoutMillis"));
        Assert.Equal(200, config.GetInt("replica-actors.config-defaults.heartbeatIntervalMillis"));
    }

    [Fact]
    public void An_unknown_profile_is_named_in_the_error()
    {
        var options = new ReplicaSetMemberOptions { ReplSetName = "rs0", Profile = "turbo" };

        var error = Assert.Throws<Akka.Configuration.ConfigurationException>(() => options.ToOverrides());

        Assert.Contains("'turbo'", error.Message);
    }
}
