using MongoDB.Bson;
using ReplicaActors.Client;
using ReplicaActors.Protocol;

namespace ReplicaActors.Tests.Client;

/// <summary>A client against a scripted three-member set "rs0" (a primary, b and c secondaries unless a test elects another).</summary>
public class ReplicaSetClientTests
{
    private static readonly ReplicaSetClientOptions Fast = new()
    {
        ServerSelectionTimeout = TimeSpan.FromSeconds(5),
        HeartbeatFrequency = TimeSpan.FromMilliseconds(20),
        CommandTimeout = TimeSpan.FromSeconds(1),
    };

    private static readonly CommandRequest Insert = new("shop", BsonDocument.Parse("{insert: 'orders', documents: [{a: 1}]}"));
    private static readonly CommandRequest Find = new("shop", BsonDocument.Parse("{find: 'orders', filter: {}}"));

    private static FakeReplicaSet Set() => new("rs0", "a", "b", "c");

    private static ReplicaSetClient Client(FakeReplicaSet set, ReplicaSetClientOptions? options = null, params string[] seeds) =>
        new(seeds.Length == 0 ? ["b"] : seeds, set, options ?? Fast);

    private static Task<TopologyDescription> AllKnown(IReplicaSetClient client) =>
        client.WaitForTopologyAsync(t => t.Members.Count == 3 && t.Members.All(m => m.Type != ServerType.Unknown));

    [Fact]
    public async Task Discovery_from_one_seed_finds_every_member_and_the_primary()
    {
        var set = Set();
        await using var client = Client(set);

        var topology = await AllKnown(client);

        Assert.Equal("rs0", topology.SetName);
        Assert.Equal("a", topology.Primary?.Host);
        Assert.Equal(["a:RSPrimary", "b:RSSecondary", "c:RSSecondary"], topology.Members.Select(m => $"{m.Host}:{m.Type}").Order());
        Assert.Equal(1, topology.MaxElectionTerm);
    }

    [Fact]
    public async Task Monitoring_goes_on_and_a_member_that_stops_answering_becomes_unknown()
    {
        var set = Set();
        await using var client = Client(set);
        await AllKnown(client);

        set.Down("c");

        var topology = await client.WaitForTopologyAsync(t => t.Find("c")?.Type == ServerType.Unknown);
        Assert.Equal("unknown: cannot connect to c: ConnectionRefused", topology.Find("c")!.State);
    }

    [Fact]
    public async Task A_write_goes_to_the_primary_tagged_with_a_new_write_id()
    {
        var set = Set();
        await using var client = Client(set);

        var reply = await client.RunCommandAsync(Insert);

        Assert.Equal("a", reply.Body["servedBy"].AsString);
        var (host, request) = Assert.Single(set.Commands);
        Assert.Equal("a", host);
        Assert.True(request.Command["writeId"].IsObjectId);
        Assert.False(Insert.Command.Contains("writeId"), "the caller's command is left as it was");
    }

    [Fact]
    public async Task A_write_id_already_in_the_command_is_kept()
    {
        var set = Set();
        await using var client = Client(set);
        var writeId = ObjectId.GenerateNewId();

        await client.RunCommandAsync(Insert with { Command = new BsonDocument(Insert.Command) { { "writeId", writeId } } });

        Assert.Equal(writeId, Assert.Single(set.Commands).Request.Command["writeId"].AsObjectId);
    }

    [Theory]
    [InlineData(ErrorCode.NotWritablePrimary)]
    [InlineData(ErrorCode.PrimarySteppedDown)]
    [InlineData(ErrorCode.InterruptedDueToReplStateChange)]
    public async Task A_primary_that_stepped_down_gets_the_write_retried_once_on_the_new_primary_with_the_same_write_id(ErrorCode refusal)
    {
        var set = Set();
        set.Next("a", () =>
        {
            set.Elect("b");
            return CommandReply.Error(refusal, "not primary");
        });
        await using var client = Client(set);

        var reply = await client.RunCommandAsync(Insert);

        AssertRetriedOnce(set, reply, "a", "b");
    }

    [Fact]
    public async Task A_primary_that_cannot_be_reached_gets_the_write_retried_on_the_next_primary()
    {
        var set = Set();
        await using var client = Client(set);
        await AllKnown(client);
        set.Down("a");
        set.Elect("c");

        var reply = await client.RunCommandAsync(Insert);

        AssertRetriedOnce(set, reply, "a", "c");
    }

    private static void AssertRetriedOnce(FakeReplicaSet set, CommandReply reply, string first, string second)
    {
        Assert.Equal(second, reply.Body["servedBy"].AsString);
        Assert.Equal([first, second], set.Commands.Select(c => c.Host));
        Assert.Equal(set.Commands[0].Request.Command["writeId"], set.Commands[1].Request.Command["writeId"]);
    }

    [Fact]
    public async Task The_retry_happens_only_once()
    {
        var set = Set();
        set.Next("a", () => CommandReply.Error(ErrorCode.NotWritablePrimary, "first"))
            .Next("a", () => CommandReply.Error(ErrorCode.NotWritablePrimary, "second"));
        await using var client = Client(set);

        var reply = await client.RunCommandAsync(Insert);

        Assert.Equal("second", reply.Body["errmsg"].AsString);
        Assert.Equal(2, set.Commands.Count);
    }

    [Fact]
    public async Task Other_errors_are_answers_and_are_not_retried()
    {
        var set = Set();
        set.Next("a", () => CommandReply.Error(ErrorCode.DuplicateKey, "E11000"));
        await using var client = Client(set);

        var reply = await client.RunCommandAsync(Insert);

        Assert.Equal((int)ErrorCode.DuplicateKey, reply.Body["code"].AsInt32);
        Assert.Single(set.Commands);
    }

    [Theory]
    [InlineData(null, "a", null)]
    [InlineData("primary", "a", null)]
    [InlineData("primaryPreferred", "a", "primaryPreferred")]
    [InlineData("secondary", "b,c", "secondary")]
    [InlineData("secondaryPreferred", "b,c", "secondaryPreferred")]
    [InlineData("nearest", "a,b,c", "nearest")]
    public async Task A_read_goes_where_its_read_preference_allows_and_says_so_off_the_primary(string? mode, string hosts, string? sentMode)
    {
        var set = Set();
        await using var client = Client(set);
        await AllKnown(client);

        await client.RunCommandAsync(Find, mode is null ? null : new ReadPreference(ReadPreference.ParseMode(mode)));

        var (host, request) = Assert.Single(set.Commands);
        Assert.Contains(host, hosts.Split(','));
        Assert.Equal(sentMode, request.Command.TryGetValue("$readPreference", out var rp) ? rp["mode"].AsString : null);
        Assert.False(request.Command.Contains("writeId"));
    }

    [Fact]
    public async Task A_read_preference_in_the_command_is_honoured_when_none_is_passed()
    {
        var set = Set();
        await using var client = Client(set);
        await AllKnown(client);

        await client.RunCommandAsync(Find with { Command = new BsonDocument(Find.Command) { { "$readPreference", new BsonDocument("mode", "secondary") } } });

        Assert.NotEqual("a", Assert.Single(set.Commands).Host);
    }

    [Fact]
    public async Task A_read_refused_by_a_secondary_that_changed_role_is_retried_once()
    {
        var set = new FakeReplicaSet("rs0", "a", "b");
        set.Next("b", () => CommandReply.Error(ErrorCode.NotPrimaryOrSecondary, "recovering"));
        await using var client = Client(set, null, "a");
        await client.WaitForTopologyAsync(t => t.Find("b")?.Type == ServerType.RSSecondary);

        var reply = await client.RunCommandAsync(Find, new ReadPreference(ReadPreferenceMode.SecondaryPreferred));

        Assert.True(reply.Ok, reply.Body.ToString());
        Assert.Equal(2, set.Commands.Count);
        Assert.Equal("b", set.Commands[0].Host);
    }

    [Fact]
    public async Task Without_a_primary_a_write_fails_after_the_selection_timeout_naming_what_was_seen()
    {
        var set = Set();
        set.Elect(null);
        set.Down("c");
        await using var client = Client(set, Fast with { ServerSelectionTimeout = TimeSpan.FromMilliseconds(300) }, "a", "b", "c");

        var e = await Assert.ThrowsAsync<ReplicaException>(() => client.RunCommandAsync(Insert));

        Assert.Equal(ErrorCode.HostUnreachable, e.Code);
        Assert.Equal(
            "no primary available for writes within 0.3 s; members: a (SECONDARY), b (SECONDARY), c (unknown: cannot connect to c: ConnectionRefused)",
            e.Message);
        Assert.Empty(set.Commands);
    }

    [Fact]
    public async Task A_read_preference_no_member_matches_fails_naming_the_mode()
    {
        var set = new FakeReplicaSet("rs0", "a");
        await using var client = Client(set, Fast with { ServerSelectionTimeout = TimeSpan.FromMilliseconds(200) }, "a");

        var e = await Assert.ThrowsAsync<ReplicaException>(() => client.RunCommandAsync(Find, new ReadPreference(ReadPreferenceMode.Secondary)));

        Assert.StartsWith("no member matching read preference secondary available for reads within 0.2 s; members: a (PRIMARY)", e.Message);
    }

    [Fact]
    public async Task A_write_waits_for_a_primary_to_be_elected()
    {
        var set = Set();
        set.Elect(null);
        await using var client = Client(set);
        await AllKnown(client);

        var write = client.RunCommandAsync(Insert);
        set.Elect("c");

        Assert.Equal("c", (await write).Body["servedBy"].AsString);
    }

    [Fact]
    public async Task Direct_talks_only_to_the_first_seed_and_lets_reads_run_on_a_secondary()
    {
        var set = Set();
        await using var client = Client(set, Fast with { Direct = true }, "b", "a");

        await client.RunCommandAsync(Find);
        await client.RunCommandAsync(Insert);

        Assert.Equal(["b", "b"], set.Commands.Select(c => c.Host));
        Assert.Equal("primaryPreferred", set.Commands[0].Request.Command["$readPreference"]["mode"].AsString);
        Assert.True(set.Commands[1].Request.Command["writeId"].IsObjectId);
        Assert.Equal(0, set.HellosTo("a") + set.HellosTo("b"));
    }

    [Fact]
    public async Task Admin_commands_go_to_the_first_seed_that_answers_without_discovery()
    {
        var set = Set();
        set.Down("c");
        await using var client = Client(set, null, "c", "b", "a");

        var reply = await client.RunCommandAsync(new CommandRequest("admin", new BsonDocument("replSetGetStatus", 1)));

        Assert.Equal("b", reply.Body["servedBy"].AsString);
        Assert.Equal(["c", "b"], set.Commands.Select(c => c.Host));
        Assert.Equal(0, set.HellosTo("a"));
    }

    [Fact]
    public async Task When_no_seed_answers_an_admin_command_the_error_names_every_seed()
    {
        var set = Set();
        set.Down("a");
        set.Down("b");
        await using var client = Client(set, null, "a", "b");

        var e = await Assert.ThrowsAsync<ReplicaException>(() => client.RunCommandAsync(new CommandRequest("admin", new BsonDocument("replSetFreeze", 10))));

        Assert.Equal(ErrorCode.HostUnreachable, e.Code);
        Assert.Equal("no host answered: a (cannot connect to a: ConnectionRefused); b (cannot connect to b: ConnectionRefused)", e.Message);
    }

    [Fact]
    public async Task A_stepdown_goes_to_the_primary_and_is_not_retried_on_the_next_one()
    {
        var set = Set();
        set.Next("a", () =>
        {
            set.Elect("b");
            return CommandReply.Error(ErrorCode.NotWritablePrimary, "not primary");
        });
        await using var client = Client(set);

        var reply = await client.RunCommandAsync(new CommandRequest("admin", new BsonDocument("replSetStepDown", 60)));

        Assert.False(reply.Ok);
        var (host, request) = Assert.Single(set.Commands);
        Assert.Equal("a", host);
        Assert.False(request.Command.Contains("writeId"));
    }

    [Fact]
    public async Task The_topology_snapshot_starts_as_the_seeds_unchecked()
    {
        await using var client = Client(Set(), null, "a", "b");

        Assert.Equal(["a (not checked yet)", "b (not checked yet)"], client.Topology.Members.Select(m => $"{m.Host} ({m.State})"));
        Assert.Null(client.Topology.SetName);
        Assert.Null(client.Topology.Primary);
    }
}
