using Microsoft.Data.Sqlite;
using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.TestKit;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.ReplicaSet;

/// <summary>
/// Issue 11, bug 5, first half: after a failed initial sync attempt the next one waits for
/// <c>replica-actors.initial-sync.retry-delay</c>; heartbeat ticks (every 200 ms here) do not start it early.
/// </summary>
public sealed class InitialSyncRetryDelaySpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(10);

    protected override ReplicaSetFixtureOptions Options => new()
    {
        Members = 3,
        Journal = FixtureJournal.InMemory,
        // Two documents a batch, so the spec sees the clone running before it kills the source.
        ExtraHocon = InitialSyncData.Hocon + $"""
            replica-actors.initial-sync.batch-documents = 2
            replica-actors.initial-sync.retry-delay = {RetryDelay.TotalSeconds:0}s
            """,
    };

    [Fact]
    public async Task A_failed_attempt_is_not_retried_before_the_retry_delay()
    {
        await InitialSyncData.LoadAsync(ReplicaSet, 3000, 1000);
        var added = await InitialSyncData.AddAsync(ReplicaSet, await ReplicaSet.WaitForPrimaryAsync(), new BsonDocument { { "priority", 0 }, { "votes", 0 } });
        var source = await InitialSyncData.UntilCloningAsync(ReplicaSet, added);

        await ReplicaSet.KillAsync(ReplicaSet.Members.Single(m => m.Host == source));
        await Eventually.UntilAsync($"{added} fails its attempt on {source}", Timeouts.Replication, async () =>
        {
            var sync = await InitialSyncData.StatusAsync(ReplicaSet, added);
            return (sync?.GetValue("failedInitialSyncAttempts", 0).ToInt32() >= 1 ? sync : null, sync?.ToString() ?? "no initialSyncStatus");
        });

        // Half the delay, so that the time the failure took to be seen here cannot eat the other half.
        await Throughout.HoldsAsync($"{added} starts no attempt during the {RetryDelay.TotalSeconds:0} s retry delay", RetryDelay / 2, async () =>
        {
            var sync = await InitialSyncData.StatusAsync(ReplicaSet, added);
            return (sync is not null && !sync.Contains("attempt") && sync["failedInitialSyncAttempts"].ToInt32() == 1, sync?.ToString() ?? "no initialSyncStatus");
        });
        await ReplicaSet.UntilMemberAsync($"{added} becomes SECONDARY after the delay, from another source", TimeSpan.FromSeconds(60), added, SetProbe.IsSecondaryAsync);
        Assert.Equal(3000, await InitialSyncData.CountAsync(ReplicaSet, added, "shop", "orders"));
        Assert.Equal(1000, await InitialSyncData.CountAsync(ReplicaSet, added, "crm", "people"));
    }
}

/// <summary>
/// Issue 11, bug 5, second half: the initial syncer writes the store itself, so a new attempt must not start (and wipe the
/// store) before the old syncer has stopped. The spec holds the store's SQLite write lock while the syncer is cloning, so
/// the syncer is stuck inside a batch write; the member is then removed from the config (which stops the syncer) and
/// added again (which begins a fresh initial sync). The member must wait for the old syncer, answering meanwhile.
/// </summary>
public sealed class InitialSyncStoppingSyncerSpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    private const int Orders = 3000;
    private const int People = 1000;

    protected override ReplicaSetFixtureOptions Options => new()
    {
        Members = 3,
        Journal = FixtureJournal.InMemory,
        ExtraHocon = InitialSyncData.Hocon + "replica-actors.initial-sync.batch-documents = 2",
    };

    [Fact]
    public async Task A_new_attempt_waits_until_the_stopped_syncer_no_longer_writes_before_it_wipes_the_store()
    {
        await InitialSyncData.LoadAsync(ReplicaSet, Orders, People);
        var primary = await ReplicaSet.WaitForPrimaryAsync();
        var fields = new BsonDocument { { "priority", 0 }, { "votes", 0 } };
        var added = await InitialSyncData.AddAsync(ReplicaSet, primary, fields);
        await InitialSyncData.UntilCloningAsync(ReplicaSet, added);

        await using (var writeLock = await StoreWriteLock.TakeAsync(added.MemberHost.Store.DataFile))
        {
            var stuckAt = await UntilSyncerStuckAsync(added);

            await ReconfigAsync(primary, $"{added} is removed", members => members.Remove(members.Single(m => m["host"] == added.Host)));
            await SetProbe.UntilAsync($"{added} reports REMOVED", Timeouts.Election, async () =>
            {
                var (state, seen) = await StateAsync(added);
                return (state == MemberState.Removed, seen);
            });
            await ReconfigAsync(primary, $"{added} is added again", members =>
                members.Add(new BsonDocument { { "_id", added.Index }, { "host", added.Host } }.AddRange(fields)));

            // Back in the config, the member begins a fresh initial sync: it answers, and starts no attempt (whose first
            // step wipes the store) while its stopped syncer is still inside a write.
            await SetProbe.UntilAsync($"{added} is in STARTUP2 again and answers while its old syncer is stuck", Timeouts.Election, async () =>
            {
                var (state, seen) = await StateAsync(added);
                return (state == MemberState.Startup2, seen);
            });
            await Throughout.HoldsAsync($"{added} starts no attempt while its old syncer still writes", TimeSpan.FromSeconds(3), async () =>
            {
                var sync = await InitialSyncData.StatusAsync(ReplicaSet, added);
                return (sync is not null && !sync.Contains("attempt"), sync?.ToString() ?? "no initialSyncStatus");
            });
            Output.WriteLine($"the old syncer was stuck at {stuckAt} documents; releasing the store's write lock");
        }

        await ReplicaSet.UntilMemberAsync($"{added} becomes SECONDARY once the old syncer has stopped", TimeSpan.FromSeconds(90), added, SetProbe.IsSecondaryAsync);
        Assert.Equal(Orders, await InitialSyncData.CountAsync(ReplicaSet, added, "shop", "orders"));
        Assert.Equal(People, await InitialSyncData.CountAsync(ReplicaSet, added, "crm", "people"));
    }

    /// <summary>
    /// With the write lock held the syncer's next batch write blocks (it always has its next batch asked for): its copied
    /// count stops moving mid-clone. Three looks half a second apart with the same count, where it moved every few ms.
    /// </summary>
    private async Task<long> UntilSyncerStuckAsync(FixtureMember member)
    {
        var looks = new List<long>();
        var stuck = await Eventually.UntilAsync($"{member}'s syncer stops copying (blocked on the store's write lock)", Timeouts.Replication, async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(400));
            var sync = await InitialSyncData.StatusAsync(ReplicaSet, member);
            var copied = sync is not null && sync.GetValue("phase", "").AsString == "cloning" ? sync["documents"]["documentsCopied"].ToInt64() : -1;
            looks.Add(copied);
            var still = looks.Count >= 3 && copied > 0 && looks.TakeLast(3).All(c => c == copied);
            return (still ? (object?)copied : null, sync?.ToString() ?? "no initialSyncStatus");
        });
        return (long)stuck;
    }

    /// <summary>The member's state, or null (with why) when it does not answer in time.</summary>
    private async Task<(MemberState? State, string Seen)> StateAsync(FixtureMember member)
    {
        try
        {
            var body = (await ReplicaSet.Transport.SendAsync(member.Host, new CommandRequest("admin", BsonDocument.Parse("{ replSetGetStatus: 1 }")), TimeSpan.FromSeconds(3))).EnsureOk();
            return ((MemberState)body["myState"].ToInt32(), $"state {(MemberState)body["myState"].ToInt32()}");
        }
        catch (ReplicaException e)
        {
            return (null, $"no status: {e.Code}: {e.Message}");
        }
    }

    /// <summary>A reconfig through the primary, tried again while the current config is not yet committed.</summary>
    private Task ReconfigAsync(FixtureMember primary, string what, Action<BsonArray> change) =>
        Eventually.UntilAsync(what, Timeouts.Election, async () =>
        {
            var config = (await ReplicaSet.SendAsync(primary, "admin", "{ replSetGetConfig: 1 }")).EnsureOk()["config"].AsBsonDocument;
            config["version"] = config["version"].ToInt64() + 1;
            change(config["members"].AsBsonArray);
            var reply = await ReplicaSet.SendAsync(primary, "admin", new BsonDocument("replSetReconfig", config));
            return (reply.Ok ? (object?)true : null, reply.Body.ToString());
        });

    /// <summary>A write transaction of the spec's own on the member's store file: every other writer waits until it is disposed.</summary>
    private sealed class StoreWriteLock : IAsyncDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteTransaction _transaction;

        private StoreWriteLock(SqliteConnection connection, SqliteTransaction transaction)
        {
            _connection = connection;
            _transaction = transaction;
        }

        public static async Task<StoreWriteLock> TakeAsync(string dataFile)
        {
            var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dataFile, Pooling = false, DefaultTimeout = 60 }.ToString());
            await connection.OpenAsync();
            // BEGIN IMMEDIATE: the write lock now (waiting for a batch the syncer is committing), not at the first write.
            var transaction = connection.BeginTransaction(deferred: false);
            return new StoreWriteLock(connection, transaction);
        }

        public async ValueTask DisposeAsync()
        {
            await _transaction.RollbackAsync();
            await _transaction.DisposeAsync();
            await _connection.DisposeAsync();
        }
    }
}
