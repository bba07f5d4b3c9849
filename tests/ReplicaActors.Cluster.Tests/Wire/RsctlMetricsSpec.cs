using MongoDB.Bson;
using MongoDB.Driver;
using ReplicaActors.Cli;
using ReplicaActors.Cli.Output;

namespace ReplicaActors.Cluster.Tests.Wire;

/// <summary><c>rsctl metrics</c> against a 3-member set: every member's numbers, read from each member, as a table and as JSON.</summary>
public sealed class RsctlMetricsSpec(DriverSet set) : IClassFixture<DriverSet>
{
    private string Hosts => string.Join(",", set.ReplicaSet.Members.Select(m => m.Host));

    [Fact]
    public async Task Metrics_shows_each_member_with_its_state_oplog_window_and_the_inserts_it_served_or_applied()
    {
        const int Inserts = 12;
        var primary = (await set.ReplicaSet.WaitForPrimaryAsync()).Host;
        var docs = set.Client().GetDatabase("rsctl").GetCollection<BsonDocument>("metrics").WithWriteConcern(new WriteConcern(3));
        await docs.InsertOneAsync(new BsonDocument("barrier", true));
        var before = await MembersAsync();

        await docs.InsertManyAsync(Enumerable.Range(0, Inserts).Select(i => new BsonDocument("n", i)));
        var after = await MembersAsync();

        Assert.Equal(set.ReplicaSet.Members.Select(m => m.Host).Order(), after.Keys.Order());
        Assert.Equal("PRIMARY", after[primary]["state"].AsString);
        Assert.Equal(Inserts, after[primary]["opcounters"]["insert"].ToInt64() - before[primary]["opcounters"]["insert"].ToInt64());
        foreach (var (host, member) in after.Where(m => m.Key != primary))
        {
            Assert.Equal("SECONDARY", member["state"].AsString);
            Assert.Equal(Inserts, member["opcountersRepl"]["insert"].ToInt64() - before[host]["opcountersRepl"]["insert"].ToInt64());
        }
        Assert.All(after.Values, member => Assert.True(member.Contains("oplogWindowSeconds") && member.Contains("lagSeconds"), member.ToString()));

        var table = await RunAsync("metrics");
        Assert.Equal((ExitCodes.Ok, ""), (table.ExitCode, table.Error));
        Assert.All(set.ReplicaSet.Members, m => Assert.Contains(m.Host, table.Out));
        Assert.Contains("oplog window", table.Out);
    }

    private async Task<Dictionary<string, BsonDocument>> MembersAsync()
    {
        var run = await RunAsync("metrics", "--json");
        Assert.True(run.ExitCode == ExitCodes.Ok, run.Error);
        return BsonDocument.Parse(run.Out)["members"].AsBsonArray.Select(m => m.AsBsonDocument).ToDictionary(m => m["host"].AsString);
    }

    private async Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] args)
    {
        var @out = new StringWriter();
        var error = new StringWriter();
        var exitCode = await Rsctl.RunAsync([Hosts, .. args], _ => throw new InvalidOperationException("metrics reads the wire listeners"), new CliOutput(@out, error, 250));
        return (exitCode, @out.ToString(), error.ToString());
    }
}
