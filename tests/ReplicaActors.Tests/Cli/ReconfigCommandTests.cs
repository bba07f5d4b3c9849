using MongoDB.Bson;
using ReplicaActors.Cli;

namespace ReplicaActors.Tests.Cli;

/// <summary>rs reconfig, add and remove: the replSetReconfig document each sends, and the problems they name before sending it.</summary>
public class ReconfigCommandTests
{
    private const string CurrentConfig =
        "{_id: 'rs0', version: 3, term: 2, members: [{_id: 0, host: 'h1:27017'}, {_id: 4, host: 'h2:27017', priority: 2}], settings: {heartbeatIntervalMillis: 200}}";

    private static FakeTransport WithConfig() =>
        new() { Reply = new BsonDocument { { "ok", 1.0 }, { "config", BsonDocument.Parse(CurrentConfig) } } };

    [Theory]
    [InlineData("", false)]
    [InlineData("--force", true)]
    public async Task Reconfig_sends_the_file_and_force(string flag, bool force)
    {
        var path = Path.Combine(Path.GetTempPath(), $"rsctl-reconfig-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, CurrentConfig);
        try
        {
            var transport = new FakeTransport();

            var run = await RsctlRun.Of(transport, ["h1", "rs", "reconfig", path, .. flag.Split(' ', StringSplitOptions.RemoveEmptyEntries)]);

            Assert.Equal(0, run.ExitCode);
            var (_, request, _) = Assert.Single(transport.Sent, s => s.Request.Name == "replSetReconfig");
            Assert.Equal("admin", request.Db);
            Assert.Equal(new BsonDocument { { "replSetReconfig", BsonDocument.Parse(CurrentConfig) }, { "force", force } }, request.Command);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static TheoryData<string, string> Additions => new()
    {
        { "rs add h3:27017", "{_id: 5, host: 'h3:27017'}" },
        { "rs add h3:27017 --priority 0 --votes 0 --hidden --delay 3600", "{_id: 5, host: 'h3:27017', priority: 0.0, votes: 0, hidden: true, secondaryDelaySecs: 3600}" },
        { "rs add h3:27017 --arbiter", "{_id: 5, host: 'h3:27017', arbiterOnly: true}" },
        { "rs add h3:27017 --tags {dc:'east'}", "{_id: 5, host: 'h3:27017', tags: {dc: 'east'}}" },
    };

    [Theory]
    [MemberData(nameof(Additions))]
    public async Task Add_reads_the_config_and_sends_it_with_the_member_appended_and_the_version_raised(string commandLine, string added)
    {
        var transport = WithConfig();

        var run = await RsctlRun.Of(transport, ["h1", .. commandLine.Split(' ')]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["replSetGetConfig", "replSetReconfig"], transport.Sent.Select(s => s.Request.Name).Where(n => n != "hello"));
        var sent = Assert.Single(transport.Sent, s => s.Request.Name == "replSetReconfig").Request.Command;
        var config = sent["replSetReconfig"].AsBsonDocument;
        Assert.Equal(4, config["version"].ToInt64());
        Assert.Equal(BsonDocument.Parse(added), config["members"].AsBsonArray[^1]);
        Assert.Equal(3, config["members"].AsBsonArray.Count);
        Assert.Equal(BsonDocument.Parse("{heartbeatIntervalMillis: 200}"), config["settings"]);
        Assert.False(sent["force"].AsBoolean);
    }

    [Fact]
    public async Task Remove_sends_the_config_without_the_member_and_the_version_raised()
    {
        var transport = WithConfig();

        var run = await RsctlRun.Of(transport, "h1", "rs", "remove", "H2:27017");

        Assert.Equal(0, run.ExitCode);
        var config = Assert.Single(transport.Sent, s => s.Request.Name == "replSetReconfig").Request.Command["replSetReconfig"].AsBsonDocument;
        Assert.Equal(4, config["version"].ToInt64());
        Assert.Equal(new BsonArray { BsonDocument.Parse("{_id: 0, host: 'h1:27017'}") }, config["members"]);
    }

    [Theory]
    [InlineData("rs add h2:27017", "host h2:27017 is already a member of set 'rs0'")]
    [InlineData("rs remove h9:27017", "unknown host h9:27017: set 'rs0' has h1:27017, h2:27017")]
    public async Task Add_and_remove_name_a_host_that_does_not_fit_the_config_and_send_no_reconfig(string commandLine, string message)
    {
        var transport = WithConfig();

        var run = await RsctlRun.Of(transport, ["h1", .. commandLine.Split(' ')]);

        Assert.Equal(ExitCodes.CommandFailed, run.ExitCode);
        Assert.Contains(message, run.Error);
        Assert.DoesNotContain(transport.Sent, s => s.Request.Name == "replSetReconfig");
    }

    [Theory]
    [InlineData("rs add h3:27017 --tags {dc:", "--tags is not valid JSON")]
    [InlineData("rs add h3:27017 --tags {dc:1}", "--tags: the value of tag 'dc' must be a string")]
    [InlineData("rs add h3", "HOST 'h3' must be host:port")]
    [InlineData("rs remove h3:0", "HOST 'h3:0' must be host:port")]
    [InlineData("rs reconfig /no/such/config.json", "cannot read config file '/no/such/config.json'")]
    public async Task Bad_lines_are_usage_errors_and_nothing_is_sent(string commandLine, string message)
    {
        var transport = WithConfig();

        var run = await RsctlRun.Of(transport, ["h1", .. commandLine.Split(' ')]);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains(message, run.Error);
        Assert.Empty(transport.Sent);
    }
}
