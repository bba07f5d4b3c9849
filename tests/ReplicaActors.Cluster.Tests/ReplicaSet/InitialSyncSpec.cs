using MongoDB.Bson;
using ReplicaActors.Cluster.Tests.Fixture;
using ReplicaActors.Protocol;
using ReplicaActors.TestKit;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.ReplicaSet;

/// <summary>
/// Initial sync of a member added to a set holding data in two databases: every document and index is
/// cloned, writes made during the sync arrive too, and the member becomes SECONDARY.
/// </summary>
public sealed class InitialSyncSpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    private const int Orders = 3000;
    private const int People = 2000;

    // Small batches: the clone takes hundreds of round trips, so writes land while it runs and a source can be killed mid-clone.
    protected override ReplicaSetFixtureOptions Options => new()
    {
        Members = 3,
        Journal = FixtureJournal.InMemory,
        ExtraHocon = InitialSyncData.Hocon + "replica-actors.initial-sync.batch-documents = 10",
    };

    [Fact]
    public async Task An_added_member_clones_every_document_and_index_and_gets_the_writes_made_during_the_sync()
    {
        await InitialSyncData.LoadAsync(ReplicaSet, Orders, People);

        using var writing = new CancellationTokenSource();
        var writer = InitialSyncData.WriteWhileAsync(ReplicaSet, writing.Token);
        var added = await ReplicaSet.AddMemberAsync(TimeSpan.FromSeconds(60));
        await writing.CancelAsync();
        var liveWrites = await writer;

        Assert.Equal(Orders, await InitialSyncData.CountAsync(ReplicaSet, added, "shop", "orders"));
        Assert.Equal(People, await InitialSyncData.CountAsync(ReplicaSet, added, "crm", "people"));
        Assert.Equal(0, await InitialSyncData.CountAsync(ReplicaSet, added, "crm", "empty"));
        var indexes = await InitialSyncData.IndexesAsync(ReplicaSet, added, "shop", "orders");
        Assert.Contains(indexes, i => i["name"] == "code_1" && i.GetValue("unique", false).ToBoolean());
        Assert.Contains(indexes, i => i["name"] == "_id_");
        Assert.True(liveWrites > 0, "no write landed during the sync");
        await SetProbe.UntilAsync($"{added} has the {liveWrites} writes made during the sync", Timeouts.Replication, async () =>
        {
            var count = await InitialSyncData.CountAsync(ReplicaSet, added, "shop", "live");
            return (count == liveWrites, $"{count} of {liveWrites}");
        });
        var status = (await ReplicaSet.SendAsync(added, "admin", "{ replSetGetStatus: 1 }")).EnsureOk();
        Assert.False(status["optimes"]["durableOpTime"]["ts"].IsBsonNull);
        Assert.False(status.Contains("initialSyncStatus"));
    }

    [Fact]
    public async Task The_meter_counts_the_documents_and_collections_an_added_member_cloned()
    {
        using var meter = new MeterReadings();
        await InitialSyncData.LoadAsync(ReplicaSet, 300, 200);

        var added = await ReplicaSet.AddMemberAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(500, meter.Total("replicaactors.initial_sync.documents", added.Host));
        Assert.True(meter.Total("replicaactors.initial_sync.collections", added.Host) >= 3, "shop.orders, crm.people and crm.empty");
        await Eventually.UntilAsync("the progress gauge goes once the sync is over", Timeouts.Replication,
            () => meter.Now("replicaactors.initial_sync.progress", added.Host) < 0, () => $"{meter.Now("replicaactors.initial_sync.progress", added.Host)}");
    }

    [Fact]
    public async Task A_secondary_told_to_resync_clones_again_and_a_primary_refuses()
    {
        await InitialSyncData.LoadAsync(ReplicaSet, 500, 200);
        var primary = await ReplicaSet.WaitForPrimaryAsync();
        var secondary = ReplicaSet.Members.First(m => m != primary);
        await SetProbe.UntilAsync($"{secondary} has the orders", Timeouts.Replication, async () =>
        {
            var count = await InitialSyncData.CountAsync(ReplicaSet, secondary, "shop", "orders");
            return (count == 500, $"{count}");
        });

        var refused = await ReplicaSet.SendAsync(primary, "admin", "{ resync: 1 }");
        Assert.False(refused.Ok);
        Assert.Equal("NotSecondary", refused.Body["codeName"].AsString);
        Assert.Contains("PRIMARY", refused.Body["errmsg"].AsString);

        (await ReplicaSet.SendAsync(secondary, "admin", "{ resync: 1 }")).EnsureOk();
        await ReplicaSet.UntilMemberAsync($"{secondary} is SECONDARY again", Timeouts.Replication, secondary, SetProbe.IsSecondaryAsync);
        Assert.Equal(500, await InitialSyncData.CountAsync(ReplicaSet, secondary, "shop", "orders"));
        Assert.Equal(200, await InitialSyncData.CountAsync(ReplicaSet, secondary, "crm", "people"));
        (await InitialSyncData.WriteAsync(ReplicaSet, "shop", "{ insert: 'orders', documents: [{ _id: 'after', code: 'after' }], writeConcern: { w: 3, wtimeout: 10000 } }")).EnsureAcknowledged();
        Assert.Equal(501, await InitialSyncData.CountAsync(ReplicaSet, secondary, "shop", "orders"));
    }

    [Fact]
    public async Task When_the_sync_source_dies_the_attempt_is_retried_on_another_member()
    {
        await InitialSyncData.LoadAsync(ReplicaSet, Orders, People);
        var primary = await ReplicaSet.WaitForPrimaryAsync();
        var secondaries = ReplicaSet.Members.Where(m => m != primary).ToList();
        foreach (var secondary in secondaries)
            await SetProbe.UntilAsync($"{secondary} has the people", Timeouts.Replication, async () =>
            {
                var count = await InitialSyncData.CountAsync(ReplicaSet, secondary, "crm", "people");
                return (count == People, $"{count}");
            });
        var added = await InitialSyncData.AddAsync(ReplicaSet, primary, new BsonDocument("priority", 0));

        var source = await InitialSyncData.UntilCloningAsync(ReplicaSet, added);
        var victim = ReplicaSet.Members.Single(m => m.Host == source);
        await ReplicaSet.KillAsync(victim);

        var failure = await Eventually.UntilAsync($"{added} fails the attempt on {victim}", Timeouts.Replication, async () =>
        {
            var body = (await ReplicaSet.SendAsync(added, "admin", "{ replSetGetStatus: 1 }")).Body;
            var sync = body.GetValue("initialSyncStatus", BsonNull.Value);
            return sync is BsonDocument doc && doc.GetValue("failedInitialSyncAttempts", 0).ToInt32() >= 1
                ? (doc["lastFailure"].AsString, "")
                : (null, body.ToString());
        });
        Assert.Contains(victim.Host, failure);
        await ReplicaSet.UntilMemberAsync($"{added} becomes SECONDARY from another source", TimeSpan.FromSeconds(40), added, SetProbe.IsSecondaryAsync);
        Assert.Equal(Orders, await InitialSyncData.CountAsync(ReplicaSet, added, "shop", "orders"));
        Assert.Equal(People, await InitialSyncData.CountAsync(ReplicaSet, added, "crm", "people"));
    }
}

/// <summary>
/// A secondary that fell off its sources' oplog (both truncated their journals past it, not only their
/// in-memory windows) goes RECOVERING, says to resync, and a resync brings it back.
/// </summary>
public sealed class TooStaleResyncSpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    protected override ReplicaSetFixtureOptions Options => new()
    {
        Members = 3,
        Journal = FixtureJournal.InMemory,
        ExtraHocon = InitialSyncData.Hocon + "replica-actors.oplog { window-bytes = 256KiB, size-bytes = 65536, truncate-interval = 200ms }",
    };

    [Fact]
    public async Task A_too_stale_secondary_goes_recovering_and_rs_resync_makes_it_secondary_again()
    {
        var primary = await ReplicaSet.WaitForPrimaryAsync();
        var stale = ReplicaSet.Members.First(m => m != primary);
        var left = OpTimeBson.FromBson((await ReplicaSet.SendAsync(stale, "admin", "{ replSetGetStatus: 1 }")).EnsureOk()["optimes"]["durableOpTime"].AsBsonDocument);
        Assert.False(left.IsNull, $"{stale} holds no entry to fall behind from");
        await ReplicaSet.PartitionAsync(stale);
        await InitialSyncData.LoadAsync(ReplicaSet, 3000, 1000);
        foreach (var source in ReplicaSet.Members.Where(m => m != stale))
        {
            await Eventually.UntilAsync($"{source} truncates its oplog past {left}", Timeouts.Replication, async () =>
            {
                var oplog = (await ReplicaSet.SendAsync(source, "admin", "{ replSetGetStatus: 1 }")).EnsureOk()["oplog"].AsBsonDocument;
                return (OpTimeBson.FromBson(oplog["truncatedThrough"].AsBsonDocument) >= left ? oplog : null, oplog.ToString());
            });
        }
        await ReplicaSet.HealAsync();

        var message = await Eventually.UntilAsync($"{stale} goes RECOVERING", Timeouts.Election, async () =>
        {
            var status = (await ReplicaSet.SendAsync(stale, "admin", "{ replSetGetStatus: 1 }")).EnsureOk();
            var self = status["members"].AsBsonArray.Select(m => m.AsBsonDocument).Single(m => m.GetValue("self", false).ToBoolean());
            return self["stateStr"] == "RECOVERING" ? (self["infoMessage"].AsString, "") : (null, self.ToString());
        });
        Assert.Contains("too stale", message);
        Assert.Contains("rs resync", message);

        (await ReplicaSet.SendAsync(stale, "admin", "{ resync: 1 }")).EnsureOk();
        await ReplicaSet.UntilMemberAsync($"{stale} is SECONDARY after its resync", Timeouts.Replication, stale, SetProbe.IsSecondaryAsync);
        Assert.Equal(3000, await InitialSyncData.CountAsync(ReplicaSet, stale, "shop", "orders"));
        Assert.Equal(1000, await InitialSyncData.CountAsync(ReplicaSet, stale, "crm", "people"));
    }
}

/// <summary>The data the initial sync specs clone, and how they look at it on one member.</summary>
internal static class InitialSyncData
{
    /// <summary>The member's initialSyncStatus (null when it has none, or does not answer).</summary>
    public static async Task<BsonDocument?> StatusAsync(ReplicaSetFixture set, FixtureMember member)
    {
        var reply = await set.SendAsync(member, "admin", "{ replSetGetStatus: 1 }");
        return reply.Ok && reply.Body.GetValue("initialSyncStatus", BsonNull.Value) is BsonDocument sync ? sync : null;
    }

    /// <summary>Waits until the member is cloning and has copied some documents; returns its sync source.</summary>
    public static Task<string> UntilCloningAsync(ReplicaSetFixture set, FixtureMember member) =>
        Eventually.UntilAsync($"{member} has cloned some documents", Timeouts.Replication, async () =>
        {
            var sync = await StatusAsync(set, member);
            return sync is not null && sync.GetValue("phase", "").AsString == "cloning" && sync["documents"]["documentsCopied"].ToInt64() > 0
                ? (sync["syncSourceHost"].AsString, "")
                : (null, sync?.ToString() ?? "no initialSyncStatus");
        });

    /// <summary>
    /// Quick retries on a silent source; a longer election timeout than the fast profile's, so that a primary
    /// busy with the bulk load on two shared cores is not taken for dead (these specs are about sync, not elections).
    /// </summary>
    public const string Hocon = """
        replica-actors.initial-sync { retry-delay = 200ms, source-timeout = 2s }
        replica-actors.config-defaults.electionTimeoutMillis = 4000

        """;

    /// <summary>shop.orders (with a unique index on code), crm.people and an empty crm.empty, all majority-acknowledged.</summary>
    public static async Task LoadAsync(ReplicaSetFixture set, int orders, int people)
    {
        (await WriteAsync(set, "shop", "{ createIndexes: 'orders', indexes: [{ key: { code: 1 }, name: 'code_1', unique: true }] }")).EnsureOk();
        (await WriteAsync(set, "crm", "{ create: 'empty' }")).EnsureOk();
        await InsertAsync(set, "shop", "orders", orders, i => new BsonDocument { { "_id", i }, { "code", $"c{i}" }, { "total", i * 1.5 } });
        await InsertAsync(set, "crm", "people", people, i => new BsonDocument { { "_id", $"p{i}" }, { "name", $"person {i}" }, { "tags", new BsonArray { "a", i % 7 } } });
    }

    /// <summary>Starts one more member and adds it through <paramref name="primary"/> with the given member fields, without waiting for it.</summary>
    public static async Task<FixtureMember> AddAsync(ReplicaSetFixture set, FixtureMember primary, BsonDocument fields)
    {
        var added = await set.StartExtraMemberAsync();
        var config = (await set.SendAsync(primary, "admin", "{ replSetGetConfig: 1 }")).EnsureOk()["config"].AsBsonDocument;
        config["version"] = config["version"].ToInt64() + 1;
        config["members"].AsBsonArray.Add(new BsonDocument { { "_id", added.Index }, { "host", added.Host } }.AddRange(fields));
        (await set.SendAsync(primary, "admin", new BsonDocument("replSetReconfig", config))).EnsureOk();
        return added;
    }

    /// <summary>Through the set's client: to whichever member is primary, retried once (same write id) if the primary changes.</summary>
    public static Task<CommandReply> WriteAsync(ReplicaSetFixture set, string db, string command) =>
        set.Client.RunCommandAsync(new CommandRequest(db, BsonDocument.Parse(command)));

    /// <summary>Writes one document at a time into shop.live until cancelled; returns how many were acknowledged.</summary>
    public static async Task<int> WriteWhileAsync(ReplicaSetFixture set, CancellationToken cancel)
    {
        var written = 0;
        while (!cancel.IsCancellationRequested)
        {
            var reply = await set.Client.RunCommandAsync(new CommandRequest("shop", new BsonDocument
            {
                { "insert", "live" }, { "documents", new BsonArray { new BsonDocument { { "_id", written }, { "at", DateTime.UtcNow } } } },
            }));
            reply.EnsureAcknowledged();
            written++;
            await Task.Delay(20, CancellationToken.None);
        }
        return written;
    }

    public static async Task<long> CountAsync(ReplicaSetFixture set, FixtureMember member, string db, string collection) =>
        (await set.SendAsync(member, db, new BsonDocument { { "count", collection }, { "$readPreference", new BsonDocument("mode", "secondaryPreferred") } }))
            .EnsureOk()["n"].ToInt64();

    public static async Task<IReadOnlyList<BsonDocument>> IndexesAsync(ReplicaSetFixture set, FixtureMember member, string db, string collection) =>
        (await set.SendAsync(member, db, new BsonDocument { { "listIndexes", collection }, { "$readPreference", new BsonDocument("mode", "secondaryPreferred") } }))
            .EnsureOk()["cursor"]["firstBatch"].AsBsonArray.Select(i => i.AsBsonDocument).ToList();

    private static async Task InsertAsync(ReplicaSetFixture set, string db, string collection, int count, Func<int, BsonDocument> make)
    {
        const int batch = 250;
        for (var first = 0; first < count; first += batch)
        {
            var documents = new BsonArray(Enumerable.Range(first, Math.Min(batch, count - first)).Select(make));
            (await set.Client.RunCommandAsync(new CommandRequest(db, new BsonDocument
            {
                { "insert", collection }, { "documents", documents }, { "writeConcern", new BsonDocument("w", "majority") },
            }))).EnsureAcknowledged();
        }
    }
}

/// <summary>
/// Kill and restart around an initial sync, on the SQLite journal: killed mid-clone, a member starts over from a
/// wiped store (its sources' small oplog windows no longer hold the set's first entries, so nothing but a fresh
/// clone could fill it); after the sync, a restart finds a consistent oplog and store.
/// </summary>
public sealed class InitialSyncRestartSpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    private const int Orders = 3000;
    private const int People = 1000;

    protected override ReplicaSetFixtureOptions Options => new()
    {
        Members = 3,
        // Two documents a batch: a clone of 50 a batch finished in 0.06 s, before the spec could see it cloning.
        ExtraHocon = InitialSyncData.Hocon + """
            replica-actors.initial-sync.batch-documents = 2
            replica-actors.oplog.window-bytes = 256KiB
            """,
    };

    [Fact]
    public async Task A_member_killed_mid_sync_syncs_again_from_scratch_and_restarts_cleanly_afterwards()
    {
        await InitialSyncData.LoadAsync(ReplicaSet, Orders, People);
        var added = await InitialSyncData.AddAsync(ReplicaSet, await ReplicaSet.WaitForPrimaryAsync(), new BsonDocument { { "priority", 0 }, { "votes", 0 } });
        await InitialSyncData.UntilCloningAsync(ReplicaSet, added);

        await ReplicaSet.KillAsync(added);
        await ReplicaSet.RestartAsync(added);

        await ReplicaSet.UntilMemberAsync($"{added} becomes SECONDARY after its restart", TimeSpan.FromSeconds(40), added, SetProbe.IsSecondaryAsync);
        await AssertAllDataAsync(added);

        (await InitialSyncData.WriteAsync(ReplicaSet, "shop", "{ insert: 'orders', documents: [{ _id: 'after', code: 'after' }], writeConcern: { w: 'majority' } }")).EnsureAcknowledged();
        await ReplicaSet.KillAsync(added);
        await ReplicaSet.RestartAsync(added);
        await ReplicaSet.UntilMemberAsync($"{added} is SECONDARY after a plain restart", Timeouts.Replication, added, SetProbe.IsSecondaryAsync);
        await SetProbe.UntilAsync($"{added} has the write made after its sync", Timeouts.Replication, async () =>
        {
            var count = await InitialSyncData.CountAsync(ReplicaSet, added, "shop", "orders");
            return (count == Orders + 1, $"{count}");
        });
        Assert.Equal(People, await InitialSyncData.CountAsync(ReplicaSet, added, "crm", "people"));
    }

    private async Task AssertAllDataAsync(FixtureMember member)
    {
        Assert.Equal(Orders, await InitialSyncData.CountAsync(ReplicaSet, member, "shop", "orders"));
        Assert.Equal(People, await InitialSyncData.CountAsync(ReplicaSet, member, "crm", "people"));
        Assert.Contains(await InitialSyncData.IndexesAsync(ReplicaSet, member, "shop", "orders"), i => i["name"] == "code_1");
    }
}
