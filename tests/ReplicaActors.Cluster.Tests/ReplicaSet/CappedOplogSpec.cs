using Microsoft.Data.Sqlite;
using MongoDB.Bson;
using ReplicaActors.Server;
using ReplicaActors.Protocol;
using ReplicaActors.TestKit;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.ReplicaSet;

/// <summary>
/// The capped oplog on the real SQLite journal, with a cap of a few KB: the journal's oldest entries go,
/// never one the commit point has not passed, a restart recovers from the snapshot plus what remains,
/// and a member left behind the truncation goes RECOVERING and says so.
/// </summary>
public abstract class CappedOplogSpecBase(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    protected const long CapBytes = 4096;
    protected static readonly TimeSpan Truncation = TimeSpan.FromSeconds(20);

    protected abstract int Members { get; }

    protected override ReplicaSetFixtureOptions Options => new()
    {
        Members = Members,
        Journal = FixtureJournal.Sqlite,
        ExtraHocon = $"replica-actors.oplog {{ size-bytes = {CapBytes}, truncate-interval = 200ms }}",
    };

    /// <summary>Inserts batches of 5 documents of about 100 bytes, one batch per command, each waiting for <paramref name="writeConcern"/>.</summary>
    protected async Task InsertBatchesAsync(FixtureMember primary, int from, int batches, string writeConcern = "{ w: 'majority' }")
    {
        var pad = new string('x', 60);
        for (var b = 0; b < batches; b++)
        {
            var documents = new BsonArray(Enumerable.Range(from + (b * 5), 5).Select(i => new BsonDocument { { "_id", i }, { "pad", pad } }));
            (await ReplicaSet.SendAsync(primary, "app", new BsonDocument
            {
                { "insert", "things" }, { "documents", documents }, { "writeConcern", BsonDocument.Parse(writeConcern) },
            })).EnsureAcknowledged();
        }
    }

    protected async Task<BsonDocument> OplogAsync(FixtureMember member) =>
        (await ReplicaSet.SendAsync(member, "admin", "{ replSetGetStatus: 1 }")).EnsureOk()["oplog"].AsBsonDocument;

    /// <summary>Waits until the member's oplog was truncated past <paramref name="past"/>, and returns its oplog status.</summary>
    protected Task<BsonDocument> UntilTruncatedAsync(FixtureMember member, OpTime past) =>
        Eventually.UntilAsync($"{member} truncates its oplog past {past}", Truncation, async () =>
        {
            var oplog = await OplogAsync(member);
            var through = OpTimeBson.FromBson(oplog["truncatedThrough"].AsBsonDocument);
            return (!through.IsNull && through >= past ? oplog : null, oplog.ToString());
        });

    /// <summary>The journal's oldest event still stored, read from the file itself.</summary>
    protected static long MinJournalSequenceNr(FixtureMember member)
    {
        using var connection = new SqliteConnection($"Data Source={ReplicaActorsConfig.JournalPath(member.DbPath)};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT MIN(sequence_number) FROM journal WHERE deleted = 0";
        return (long)command.ExecuteScalar()!;
    }
}

/// <summary>A secondary stopped while both others truncate past its newest entry cannot catch up by tailing.</summary>
public sealed class CappedOplogFallOffSpec(ITestOutputHelper output) : CappedOplogSpecBase(output)
{
    protected override int Members => 3;

    [Fact]
    public async Task A_secondary_whose_source_truncated_past_it_goes_recovering_and_says_it_needs_a_resync()
    {
        var primary = await ReplicaSet.WaitForPrimaryAsync();
        await InsertBatchesAsync(primary, from: 0, batches: 1, writeConcern: "{ w: 3 }");
        var behind = ReplicaSet.Members.First(m => m != primary);
        var left = OpTimeBson.FromBson((await ReplicaSet.SendAsync(behind, "admin", "{ replSetGetStatus: 1 }")).EnsureOk()["optimes"]["durableOpTime"].AsBsonDocument);
        await ReplicaSet.KillAsync(behind);

        await InsertBatchesAsync(primary, from: 5, batches: 20);
        foreach (var running in ReplicaSet.Members.Where(m => m.IsRunning)) await UntilTruncatedAsync(running, past: left);
        await ReplicaSet.RestartAsync(behind);

        var self = await Eventually.UntilAsync($"{behind} goes RECOVERING", Timeouts.Replication, async () =>
        {
            var status = (await ReplicaSet.SendAsync(behind, "admin", "{ replSetGetStatus: 1 }")).Body;
            var me = status.GetValue("members", new BsonArray()).AsBsonArray.Select(m => m.AsBsonDocument).FirstOrDefault(m => m.GetValue("self", false).AsBoolean);
            return (me?["stateStr"] == "RECOVERING" ? me : null, status.ToString());
        });
        var message = self["infoMessage"].AsString;
        Assert.Contains("fell off its sync source's oplog", message);
        Assert.Contains(left.ToString(), message);
        Assert.Contains("rs resync", message);
        Assert.Equal(105, (await ReplicaSet.FindAsync(primary)).Count);
    }
}

/// <summary>One member: truncation to the cap, and recovery from the snapshot plus the journal's rest.</summary>
public sealed class CappedOplogSpec(ITestOutputHelper output) : CappedOplogSpecBase(output)
{
    protected override int Members => 1;

    [Fact]
    public async Task The_oplog_is_truncated_to_its_cap_and_a_restart_recovers_everything_from_the_snapshot_and_the_rest()
    {
        var member = await ReplicaSet.WaitForPrimaryAsync();
        var configBefore = (await ReplicaSet.SendAsync(member, "admin", "{ replSetGetConfig: 1 }")).EnsureOk()["config"];
        var termBefore = await ReplicaSet.TermAsync(member);

        await InsertBatchesAsync(member, from: 0, batches: 20);

        var oplog = await UntilTruncatedAsync(member, past: OpTime.Null);
        var status = (await ReplicaSet.SendAsync(member, "admin", "{ replSetGetStatus: 1 }")).EnsureOk();
        var commitPoint = OpTimeBson.FromBson(status["optimes"]["lastCommittedOpTime"].AsBsonDocument);
        Assert.True(OpTimeBson.FromBson(oplog["truncatedThrough"].AsBsonDocument) < commitPoint, $"truncated past the commit point {commitPoint}: {oplog}");
        Assert.True(MinJournalSequenceNr(member) > 1, "the journal still holds its first event");
        await SetProbe.UntilAsync("the oplog is back at its cap", Truncation, async () =>
        {
            var now = await OplogAsync(member);
            return (now["sizeBytes"].ToInt64() <= CapBytes, now.ToString());
        });
        var firstKept = OpTimeBson.FromBson((await OplogAsync(member))["firstOpTime"].AsBsonDocument);

        await ReplicaSet.KillAsync(member);
        await ReplicaSet.RestartAsync(member);
        await ReplicaSet.WaitForPrimaryAsync(Timeouts.Election);

        Assert.Equal(100, (await ReplicaSet.FindAsync(member)).Count);
        var termAfter = await ReplicaSet.TermAsync(member);
        Assert.True(termAfter > termBefore, "the restarted member did not keep its term");
        // The same config, stamped with the term of the primary elected after the restart.
        var expected = new BsonDocument(configBefore.AsBsonDocument) { ["term"] = termAfter };
        await SetProbe.UntilAsync("the config is back, stamped with the new term", Timeouts.Election, async () =>
        {
            var configAfter = (await ReplicaSet.SendAsync(member, "admin", "{ replSetGetConfig: 1 }")).EnsureOk()["config"];
            return (configAfter == expected, configAfter.ToString()!);
        });
        var after = await OplogAsync(member);
        Assert.True(OpTimeBson.FromBson(after["firstOpTime"].AsBsonDocument) >= firstKept, $"the oplog after the restart starts before what was kept: {after}");
        Assert.True(OpTimeBson.FromBson(after["truncatedThrough"].AsBsonDocument) < firstKept, $"the restart forgot how far the oplog was truncated: {after}");
        await InsertBatchesAsync(member, from: 100, batches: 1);
        Assert.Equal(105, (await ReplicaSet.FindAsync(member)).Count);
    }
}

/// <summary>A delayed member holds journaled entries it has not applied yet: its oplog grows past the cap rather than lose them.</summary>
public sealed class CappedOplogDelayedSpec(ITestOutputHelper output) : CappedOplogSpecBase(output)
{
    private const int DelaySecs = 3;
    private const string AllJournaled = "{ w: 3, j: true }";

    protected override int Members => 2;

    [Fact]
    public async Task A_delayed_member_never_truncates_what_it_has_not_applied()
    {
        var primary = await ReplicaSet.WaitForPrimaryAsync();
        var delayed = await ReplicaSet.StartExtraMemberAsync();
        await ReplicaSet.AddDelayedAsync(primary, delayed, DelaySecs, Timeouts.Replication);
        // w: 3 with j counts the delayed member's journal: each batch reaches it as a batch of its own, and it never
        // lags its source by more than one batch, which with a cap this small would drop it off the source's oplog.
        await InsertBatchesAsync(primary, from: 0, batches: 10, writeConcern: AllJournaled);
        await SetProbe.UntilAsync($"{delayed} applies the first writes and truncates", Timeouts.Replication + TimeSpan.FromSeconds(DelaySecs), async () =>
        {
            var status = await StatusAsync(delayed);
            return (Count(status) == 50 && !OpTimeBson.FromBson(status["oplog"]["truncatedThrough"].AsBsonDocument).IsNull, status.ToString());
        });

        await InsertBatchesAsync(primary, from: 50, batches: 10, writeConcern: AllJournaled);
        var grewPastCap = false;
        var deadline = DateTimeOffset.UtcNow + Timeouts.Replication + TimeSpan.FromSeconds(DelaySecs);
        for (var status = await StatusAsync(delayed); Count(status) < 100; status = await StatusAsync(delayed))
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"{delayed} did not apply the second writes: {status}");
            var applied = OpTimeBson.FromBson(status["optimes"]["appliedOpTime"].AsBsonDocument);
            var oplog = status["oplog"].AsBsonDocument;
            Assert.True(OpTimeBson.FromBson(oplog["truncatedThrough"].AsBsonDocument) < applied, $"truncated past what was applied ({applied}): {oplog}");
            grewPastCap |= oplog["sizeBytes"].ToInt64() > CapBytes;
            // Sampling interval: a tight loop of status reads would starve the set's heartbeats on two cores.
            await Task.Delay(100);
        }
        Assert.True(grewPastCap, "the delayed member's oplog never held more than its cap while entries waited for their delay");
    }

    private async Task<BsonDocument> StatusAsync(FixtureMember member)
    {
        var status = (await ReplicaSet.SendAsync(member, "admin", "{ replSetGetStatus: 1 }")).EnsureOk();
        var count = (await ReplicaSet.SendAsync(member, "app", "{ count: 'things', $readPreference: { mode: 'secondaryPreferred' } }")).EnsureOk()["n"].ToInt32();
        status["count"] = count;
        return status;
    }

    private static int Count(BsonDocument status) => status["count"].ToInt32();
}

/// <summary>
/// The window is only a cache of the newest entries: a secondary stopped while the primary writes far past
/// the window, but not past the oplog's cap, catches up from its source's journal, a few entries per fetch.
/// </summary>
public sealed class CappedOplogJournalFetchSpec(ITestOutputHelper output) : CappedOplogSpecBase(output)
{
    protected override int Members => 3;

    protected override ReplicaSetFixtureOptions Options => new()
    {
        Members = Members,
        Journal = FixtureJournal.Sqlite,
        ExtraHocon = "replica-actors.oplog { size-bytes = 67108864, window-bytes = 1KiB }\nreplica-actors.replication.batch-entries = 7",
    };

    [Fact]
    public async Task A_secondary_behind_its_sources_window_but_not_its_journal_catches_up_as_secondary()
    {
        var primary = await ReplicaSet.WaitForPrimaryAsync();
        await InsertBatchesAsync(primary, from: 0, batches: 1, writeConcern: "{ w: 3 }");
        var behind = ReplicaSet.Members.First(m => m != primary);
        await ReplicaSet.KillAsync(behind);

        await InsertBatchesAsync(primary, from: 5, batches: 20);
        await ReplicaSet.RestartAsync(behind);

        await Eventually.UntilAsync($"{behind} catches up as SECONDARY", Timeouts.Replication, async () =>
        {
            var status = (await ReplicaSet.SendAsync(behind, "admin", "{ replSetGetStatus: 1 }")).Body;
            var me = status.GetValue("members", new BsonArray()).AsBsonArray.Select(m => m.AsBsonDocument).FirstOrDefault(m => m.GetValue("self", false).AsBoolean);
            Assert.NotEqual("RECOVERING", me?["stateStr"].AsString);
            var count = me?["stateStr"] == "SECONDARY"
                ? (await ReplicaSet.SendAsync(behind, "app", "{ count: 'things', $readPreference: { mode: 'secondaryPreferred' } }")).EnsureOk()["n"].ToInt32()
                : 0;
            return (count == 105 ? me : null, $"{count} documents; {status}");
        });
        Assert.Equal(105, (await ReplicaSet.FindAsync(behind, readPreference: "secondaryPreferred")).Count);
    }
}
