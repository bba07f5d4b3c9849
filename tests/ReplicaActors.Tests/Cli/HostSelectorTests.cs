using MongoDB.Bson;
using ReplicaActors.Cli;
using ReplicaActors.Protocol;

namespace ReplicaActors.Tests.Cli;

public class HostSelectorTests
{
    private static readonly CommandRequest Hello = new("admin", new BsonDocument("hello", 1));

    private static ClientSettings Settings(bool direct, params string[] hosts) => new(hosts, direct, TimeSpan.FromSeconds(5));

    [Theory]
    [InlineData(ErrorCode.HostUnreachable)]
    [InlineData(ErrorCode.NetworkTimeout)]
    public async Task A_host_that_does_not_answer_passes_the_command_to_the_next(ErrorCode failure)
    {
        var transport = new FakeTransport().Down("h1", failure);

        await new HostSelector(transport, Settings(false, "h1", "h2", "h3")).SendAsync(Hello);

        Assert.Equal(["h1", "h2"], transport.Sent.Select(s => s.Host));
    }

    [Fact]
    public async Task A_host_that_answers_with_an_error_has_answered()
    {
        var transport = new FakeTransport { Reply = CommandReply.Error(ErrorCode.NotWritablePrimary, "not primary").Body };

        var reply = await new HostSelector(transport, Settings(false, "h1", "h2")).SendAsync(Hello);

        Assert.False(reply.Ok);
        Assert.Equal(["h1"], transport.Sent.Select(s => s.Host));
    }

    [Fact]
    public async Task When_no_host_answers_the_error_names_every_host_tried()
    {
        var transport = new FakeTransport().Down("h1").Down("h2", ErrorCode.NetworkTimeout);

        var e = await Assert.ThrowsAsync<ReplicaException>(() => new HostSelector(transport, Settings(false, "h1", "h2")).SendAsync(Hello));

        Assert.Equal(ErrorCode.HostUnreachable, e.Code);
        Assert.Contains("h1 (h1 did not answer)", e.Message);
        Assert.Contains("h2 (h2 did not answer)", e.Message);
    }

    [Fact]
    public async Task Direct_talks_only_to_the_first_host()
    {
        var transport = new FakeTransport().Down("h1");

        var e = await Assert.ThrowsAsync<ReplicaException>(() => new HostSelector(transport, Settings(true, "h1", "h2")).SendAsync(Hello));

        Assert.Equal(["h1"], transport.Sent.Select(s => s.Host));
        Assert.DoesNotContain("h2", e.Message);
    }

    [Fact]
    public async Task The_command_line_host_list_is_tried_in_order()
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
}
