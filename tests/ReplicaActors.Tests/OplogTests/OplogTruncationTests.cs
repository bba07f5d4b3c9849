using ReplicaActors.Oplog;
using ReplicaActors.Protocol;

namespace ReplicaActors.Tests.OplogTests;

/// <summary>How far the journal's oplog may be deleted: over the cap only, never the newest run, never past the commit point, the durable applied point or the minimum retention.</summary>
public class OplogTruncationTests
{
    private const long Hour = 3_600_000;
    private const long Now = 100 * Hour;

    private static OpTime At(uint second) => new(new Timestamp(second, 1), 1);

    /// <summary>Runs 1..count, run i ending at second 10*i with the given bytes and wall time (hours before now).</summary>
    private static List<JournalRun> Runs(int count, long bytes = 100, double ageHours = 10) =>
        Enumerable.Range(1, count)
            .Select(i => new JournalRun(i, At((uint)(10 * i - 5)), At((uint)(10 * i)), Now - (long)(ageHours * Hour) + i, bytes))
            .ToList();

    public static TheoryData<string, long, double, uint, uint, long?> Cases => new()
    {
        // what, cap, min retention hours, commit second, durable applied second, expected seqNr
        { "under the cap: nothing", 1000, 0, 100, 100, null },
        { "at the cap exactly: nothing", 500, 0, 100, 100, null },
        { "over by one run: the oldest goes", 400, 0, 100, 100, 1 },
        { "far over: down to the cap", 200, 0, 100, 100, 3 },
        { "cap below one run: all but the newest", 1, 0, 100, 100, 4 },
        { "the commit point holds the rest back", 100, 0, 25, 100, 2 },
        { "a run ending at the commit point stays", 100, 0, 20, 100, 1 },
        { "the durable applied point holds the rest back", 100, 0, 100, 25, 2 },
        { "a run ending at the durable applied point stays", 100, 0, 100, 20, 1 },
        { "no commit point yet: nothing", 100, 0, 0, 100, null },
        { "nothing durably applied yet: nothing", 100, 0, 100, 0, null },
        { "younger than the minimum retention: nothing", 100, 11, 100, 100, null },
        { "older than the minimum retention: truncated", 100, 9, 100, 100, 4 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Deletes_the_oldest_runs_while_over_the_cap_and_allowed(string what, long cap, double retentionHours, uint commit, uint durable, long? expected)
    {
        var runs = Runs(5);
        var total = runs.Sum(r => r.Bytes);

        var through = OplogTruncation.DeletableThrough(runs, total, new OplogCap(cap, TimeSpan.FromHours(retentionHours)), Now,
            commit == 0 ? OpTime.Null : At(commit), durable == 0 ? OpTime.Null : At(durable));

        Assert.True(expected == through, $"{what}: expected {expected?.ToString() ?? "none"}, got {through?.ToString() ?? "none"}");
    }

    [Fact]
    public void Minimum_retention_stops_at_the_first_run_too_young()
    {
        var runs = Runs(5);
        // Runs 1 and 2 are 20 hours old, the rest 1 hour.
        runs[0] = runs[0] with { WallMillis = Now - 20 * Hour };
        runs[1] = runs[1] with { WallMillis = Now - 20 * Hour };
        for (var i = 2; i < 5; i++) runs[i] = runs[i] with { WallMillis = Now - Hour };

        var through = OplogTruncation.DeletableThrough(runs, 500, new OplogCap(1, TimeSpan.FromHours(2)), Now, At(100), At(100));

        Assert.Equal(2, through);
    }

    [Fact]
    public void A_run_that_is_not_older_than_the_commit_point_stops_truncation_even_if_later_ones_are()
    {
        // After a rollback, a voided run may carry an OpTime past the later runs' ones: truncation is a prefix, so it stops there.
        var runs = Runs(4);
        runs[1] = runs[1] with { Last = At(500) };

        var through = OplogTruncation.DeletableThrough(runs, 400, new OplogCap(1, TimeSpan.Zero), Now, At(100), At(100));

        Assert.Equal(1, through);
    }

    [Fact]
    public void A_single_run_is_never_deleted_however_far_over_the_cap()
    {
        var runs = Runs(1, bytes: 1_000_000);

        Assert.Null(OplogTruncation.DeletableThrough(runs, 1_000_000, new OplogCap(1, TimeSpan.Zero), Now, At(100), At(100)));
        Assert.Null(OplogTruncation.DeletableThrough([], 0, new OplogCap(1, TimeSpan.Zero), Now, At(100), At(100)));
    }
}
