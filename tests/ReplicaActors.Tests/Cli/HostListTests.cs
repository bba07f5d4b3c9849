using MongoDB.Bson;

namespace ReplicaActors.Tests.Cli;

/// <summary>The host list seeds a replica set client: admin commands go to the first host that answers, data commands by role.</summary>
public class HostListTests
{
    /// <summary>h1:1 primary, h2:2 secondary, each listing both.</summary>
    private static BsonDocument TwoMembers(string host) => new()
    {
        { "ok", 1.0 }, { "isWritablePrimary", host == "h1:1" }, { "secondary", host != "h1:1" }, { "setName", "rs0" },
        { "hosts", new BsonArray { "h1:1", "h2:2" } }, { "me", host },
    };

    [Fact]
    public async Task Admin_commands_try_the_host_list_in_order()
    {
        var transport = new FakeTransport().Down("h1:1");

        var run = await RsctlRun.Of(transport, "h1:1, h2:2", "rs", "hello");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["h1:1", "h2:2"], transport.Sent.Select(s => s.Host));
        Assert.True(transport.Disposed);
    }

    [Fact]
    public async Task Unreachable_hosts_fail_the_command_naming_each_host()
    {
        var transport = new FakeTransport().Down("h1:1").Down("h2:2");

        var run = await RsctlRun.Of(transport, "h1:1,h2:2", "rs", "status");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("Error 6 (HostUnreachable): no host answered: h1:1", run.Error);
        Assert.Contains("h2:2", run.Error);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task A_write_seeded_with_a_secondary_finds_the_primary()
    {
        var transport = new FakeTransport { Hello = TwoMembers };

        var run = await RsctlRun.Of(transport, "h2:2", "db", "insert", "a.b", "{x:1}");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("h1:1", Assert.Single(transport.Sent, s => s.Request.Name == "insert").Host);
    }

    [Fact]
    public async Task The_read_preference_sends_a_read_to_a_secondary_that_is_told_so()
    {
        var transport = new FakeTransport { Hello = TwoMembers };

        var run = await RsctlRun.Of(transport, "h1:1", "db", "find", "a.b", "--read-preference", "secondary");

        Assert.Equal(0, run.ExitCode);
        var (host, request, _) = Assert.Single(transport.Sent, s => s.Request.Name == "find");
        Assert.Equal("h2:2", host);
        Assert.Equal("secondary", request.Command["$readPreference"]["mode"].AsString);
    }

    [Fact]
    public async Task Direct_sends_to_the_first_host_whatever_its_role()
    {
        var transport = new FakeTransport { Hello = TwoMembers };

        var run = await RsctlRun.Of(transport, "h2:2,h1:1", "db", "count", "a.b", "--direct");

        Assert.Equal(0, run.ExitCode);
        var (host, request, _) = Assert.Single(transport.Sent);
        Assert.Equal("h2:2", host);
        Assert.Equal("primaryPreferred", request.Command["$readPreference"]["mode"].AsString);
    }

    [Fact]
    public async Task Without_a_primary_a_write_fails_within_the_timeout_naming_the_members()
    {
        var transport = new FakeTransport { Hello = host => new BsonDocument(TwoMembers(host)) { ["isWritablePrimary"] = false, ["secondary"] = true } };

        var run = await RsctlRun.Of(transport, "h1:1", "db", "insert", "a.b", "{x:1}", "--timeout", "1");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("Error 6 (HostUnreachable): no primary available for writes within 1 s; members: h1:1 (SECONDARY), h2:2 (SECONDARY)", run.Error.Trim());
        Assert.DoesNotContain(transport.Sent, s => s.Request.Name == "insert");
    }
}
