using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.TestKit;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.ReplicaSet;

/// <summary>replSetReconfig on a running set: adding and removing members, and the safe-reconfig rules refusing unsafe changes.</summary>
public sealed class ReconfigSpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    protected override ReplicaSetFixtureOptions Options => new() { Members = 3, Journal = FixtureJournal.InMemory };

    [Fact]
    public async Task An_added_member_becomes_secondary_with_the_documents_written_before()
    {
        var primary = await ReplicaSet.WaitForPrimaryAsync();
        (await ReplicaSet.InsertAsync(primary, new BsonDocument("_id", "before"), "{ w: 3, wtimeout: 5000 }")).EnsureAcknowledged();
        var extra = await ReplicaSet.StartExtraMemberAsync();

        var config = await ConfigAsync(primary);
        config["members"].AsBsonArray.Add(new BsonDocument { { "_id", extra.Index }, { "host", extra.Host } });
        (await ReconfigAsync(primary, NextVersion(config))).EnsureOk();

        await ReplicaSet.UntilMemberAsync($"{extra} becomes SECONDARY", Timeouts.Election, extra, SetProbe.IsSecondaryAsync);
        await SetProbe.UntilAsync($"{extra} has the document written before it was added", Timeouts.Replication,
            () => ReplicaSet.LookForAsync(extra, "before", readPreference: "secondaryPreferred"));
        Assert.Equal(4, (await ConfigAsync(extra))["members"].AsBsonArray.Count);
    }

    [Fact]
    public async Task Adding_two_voters_at_once_is_refused_and_the_version_stays()
    {
        var primary = await ReplicaSet.WaitForPrimaryAsync();
        var config = await ConfigAsync(primary);
        var version = config["version"].ToInt64();
        config["members"].AsBsonArray.Add(new BsonDocument { { "_id", 7 }, { "host", "127.0.0.1:1" } });
        config["members"].AsBsonArray.Add(new BsonDocument { { "_id", 8 }, { "host", "127.0.0.1:2" } });

        var reply = await ReconfigAsync(primary, NextVersion(config));

        AssertRefused(reply, ErrorCode.NewReplicaSetConfigurationIncompatible, "at most one voting member");
        Assert.Equal(version, (await ConfigAsync(primary))["version"].ToInt64());
    }

    [Fact]
    public async Task A_reconfig_on_a_secondary_without_force_is_refused()
    {
        var primary = await ReplicaSet.WaitForPrimaryAsync();
        var secondary = ReplicaSet.Members.First(m => m != primary);
        await ReplicaSet.UntilMemberAsync($"{secondary} is SECONDARY", Timeouts.Election, secondary, SetProbe.IsSecondaryAsync);
        var config = await ConfigAsync(secondary);
        var version = config["version"].ToInt64();
        config["members"][2]["priority"] = 2;

        var reply = await ReplicaSet.SendAsync(secondary, "admin", new BsonDocument { { "replSetReconfig", NextVersion(config) }, { "force", false } });

        AssertRefused(reply, ErrorCode.NotWritablePrimary, "not primary");
        Assert.Equal(version, (await ConfigAsync(secondary))["version"].ToInt64());
    }

    [Fact]
    public async Task A_removed_member_reports_removed_serves_no_reads_and_comes_back_as_secondary_when_added_again()
    {
        var primary = await ReplicaSet.WaitForPrimaryAsync();
        var removed = ReplicaSet.Members.First(m => m != primary);
        var config = await ConfigAsync(primary);
        var entry = config["members"].AsBsonArray.Single(m => m["host"] == removed.Host);
        config["members"].AsBsonArray.Remove(entry);

        (await ReconfigAsync(primary, NextVersion(config))).EnsureOk();

        await UntilRemovedAsync(removed);
        var read = await Assert.ThrowsAsync<ReplicaException>(() => ReplicaSet.FindAsync(removed, readPreference: "secondaryPreferred"));
        Assert.Equal(ErrorCode.NotPrimaryOrSecondary, read.Code);
        Assert.Same(primary, await ReplicaSet.WaitForPrimaryAsync());
        (await ReplicaSet.InsertAsync(primary, new BsonDocument("_id", "while-removed"), "{ w: 'majority', wtimeout: 5000 }")).EnsureAcknowledged();

        var again = await ConfigAsync(primary);
        again["members"].AsBsonArray.Add(entry);
        (await ReconfigAsync(primary, NextVersion(again))).EnsureOk();

        await ReplicaSet.UntilMemberAsync($"{removed} is SECONDARY again", Timeouts.Election, removed, SetProbe.IsSecondaryAsync);
        await SetProbe.UntilAsync($"{removed} has the write made while it was removed", Timeouts.Replication,
            () => ReplicaSet.LookForAsync(removed, "while-removed", readPreference: "secondaryPreferred"));
    }

    [Fact]
    public async Task A_forced_reconfig_on_a_secondary_removes_the_primary_and_the_others_elect_a_new_one()
    {
        var primary = await ReplicaSet.WaitForPrimaryAsync();
        var secondary = ReplicaSet.Members.First(m => m != primary);
        await ReplicaSet.UntilMemberAsync($"{secondary} is SECONDARY", Timeouts.Election, secondary, SetProbe.IsSecondaryAsync);
        var config = await ConfigAsync(secondary);
        var version = config["version"].ToInt64();
        config["members"].AsBsonArray.Remove(config["members"].AsBsonArray.Single(m => m["host"] == primary.Host));

        (await ReplicaSet.SendAsync(secondary, "admin", new BsonDocument { { "replSetReconfig", config }, { "force", true } })).EnsureOk();

        var forced = await ConfigAsync(secondary);
        Assert.True(forced["version"].ToInt64() >= version + 10_000, $"a forced config jumps its version far ahead: {forced}");
        Assert.Equal(-1, forced["term"].ToInt64());
        await UntilRemovedAsync(primary);
        Assert.NotSame(primary, await ReplicaSet.WaitForPrimaryAsync(Timeouts.Election, where: m => m != primary));
    }

    [Theory]
    [InlineData("hidden", true, "hidden members must have priority 0")]
    [InlineData("secondaryDelaySecs", 60, "delayed members (secondaryDelaySecs > 0) must have priority 0")]
    public async Task Priority_1_for_a_hidden_or_delayed_member_is_refused_naming_the_rule(string field, object value, string rule)
    {
        var primary = await ReplicaSet.WaitForPrimaryAsync();
        var config = await ConfigAsync(primary);
        var version = config["version"].ToInt64();
        var member = config["members"].AsBsonArray.Select(m => m.AsBsonDocument).First(m => m["host"] != primary.Host);
        member[field] = BsonValue.Create(value);
        member["priority"] = 1;

        var reply = await ReconfigAsync(primary, NextVersion(config));

        AssertRefused(reply, ErrorCode.InvalidReplicaSetConfig, rule);
        Assert.Equal(version, (await ConfigAsync(primary))["version"].ToInt64());
    }

    private async Task<BsonDocument> ConfigAsync(FixtureMember member) =>
        (await ReplicaSet.SendAsync(member, "admin", "{ replSetGetConfig: 1 }")).EnsureOk()["config"].AsBsonDocument;

    /// <summary>Waits for the member's status to say REMOVED (myState 10): it learns the config without it from a heartbeat reply.</summary>
    private Task UntilRemovedAsync(FixtureMember member) =>
        SetProbe.UntilAsync($"{member} reports REMOVED", Timeouts.Election, async () =>
        {
            var status = await ReplicaSet.SendAsync(member, "admin", "{ replSetGetStatus: 1 }");
            return (status.Ok && status.Body["myState"] == (int)MemberState.Removed, status.Body.ToString());
        });

    private static BsonDocument NextVersion(BsonDocument config) =>
        new(config) { ["version"] = config["version"].ToInt64() + 1 };

    /// <summary>
    /// Sends the reconfig, again while the primary says its current config is not yet held by a majority
    /// (right after a start or an earlier reconfig the heartbeats saying so may still be on their way).
    /// </summary>
    private Task<CommandReply> ReconfigAsync(FixtureMember primary, BsonDocument config) =>
        Eventually.UntilAsync("the current config is committed and the reconfig answered", Timeouts.Replication, async () =>
        {
            var reply = await ReplicaSet.SendAsync(primary, "admin", new BsonDocument { { "replSetReconfig", config }, { "force", false } });
            var waiting = !reply.Ok && reply.Body.GetValue("errmsg", "").AsString.Contains("not yet committed");
            return (waiting ? null : reply, reply.Body.ToString());
        });

    private static void AssertRefused(CommandReply reply, ErrorCode code, string rule)
    {
        Assert.False(reply.Ok, $"expected a refusal naming '{rule}', got {reply.Body}");
        Assert.Equal((int)code, reply.Body["code"].ToInt32());
        Assert.Contains(rule, reply.Body["errmsg"].AsString);
    }
}
