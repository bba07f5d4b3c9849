namespace ReplicaActors.Tests.Cli;

public class HelpTests
{
    [Fact]
    public async Task Root_help_lists_the_palettes_and_metrics_with_descriptions()
    {
        var transport = new FakeTransport();

        var run = await RsctlRun.Of(transport, "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"\brs +Replica set: roles, members, configuration", run.Out);
        Assert.Matches(@"\bdb +Data: documents, indexes, databases and collections", run.Out);
        Assert.Matches(@"\bmetrics +Show each member's state, lag, oplog window", run.Out);
        Assert.Empty(transport.Sent);
    }

    [Theory]
    [InlineData("rs", new[] { "hello", "status", "initiate", "conf", "reconfig", "add", "remove", "stepdown", "freeze", "syncfrom", "stepup", "resync" })]
    [InlineData("db", new[] { "insert", "find", "update", "delete", "count", "createIndex", "dropIndex", "indexes", "dbs", "collections", "drop", "dropDatabase", "watch" })]
    public async Task Palette_help_lists_every_command(string palette, string[] commands)
    {
        var run = await RsctlRun.Of(new FakeTransport(), "h1", palette, "--help");

        Assert.Equal(0, run.ExitCode);
        var listed = run.Out[run.Out.IndexOf("Commands:", StringComparison.Ordinal)..]
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Skip(1)
            .Select(line => line.Split(' ')[0]);
        Assert.Equal(commands, listed);
    }
}
