using MongoDB.Bson;
using ReplicaActors.Cli.Output;
using ReplicaActors.Protocol;

namespace ReplicaActors.Tests.Cli;

public class StatusViewTests
{
    private const string Status = """
        {
          ok: 1, set: 'rs0', myState: 1, term: NumberLong(3), date: ISODate('2024-01-01T00:10:00Z'),
          optimes: { lastCommittedOpTime: { ts: Timestamp(1000, 4), t: NumberLong(3) } },
          members: [
            { _id: 0, name: 'h1:1', health: 1, state: 1, stateStr: 'PRIMARY', uptime: 3725,
              optime: { ts: Timestamp(1000, 4), t: NumberLong(3) }, configVersion: 2, self: true },
            { _id: 1, name: 'h2:2', health: 1, state: 2, stateStr: 'SECONDARY', uptime: 65,
              optime: { ts: Timestamp(993, 1), t: NumberLong(3) }, pingMs: NumberLong(4), syncSourceHost: 'h1:1',
              lastHeartbeat: ISODate('2024-01-01T00:09:58Z'), configVersion: 2 },
            { _id: 2, name: 'h3:3', health: 0, state: 8 }
          ]
        }
        """;

    private static async Task<string[]> Rows(string reply)
    {
        var run = await RsctlRun.Of(new FakeTransport { Reply = BsonDocument.Parse(reply) }, "h1", "rs", "status");
        Assert.Equal(0, run.ExitCode);
        return run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string[] Cells(string[] rows, string member) =>
        rows.Select(r => r.Split('│', '|').Select(c => c.Trim()).Where(c => c.Length > 0).ToArray())
            .Single(cells => cells.FirstOrDefault() == member);

    [Fact]
    public async Task The_summary_names_the_set_term_state_and_commit_point()
    {
        var rows = await Rows(Status);

        Assert.Equal("set rs0, term 3, my state PRIMARY, commit point 1000:4 (term 3)", rows[0].Trim());
    }

    [Fact]
    public async Task The_oplog_line_shows_its_size_against_the_cap_its_window_and_how_far_it_was_truncated()
    {
        var reply = BsonDocument.Parse(Status);
        reply["oplog"] = BsonDocument.Parse("""
            { sizeBytes: NumberLong(3900), capBytes: NumberLong(4096), minRetentionHours: 0.0,
              firstOpTime: { ts: Timestamp(990, 1), t: NumberLong(3) }, lastOpTime: { ts: Timestamp(1000, 4), t: NumberLong(3) },
              truncatedThrough: { ts: Timestamp(989, 7), t: NumberLong(3) } }
            """);

        var rows = await Rows(reply.ToJson());

        Assert.Equal("oplog 3900 of 4096 bytes, window 10s, entries 990:1 (term 3) to 1000:4 (term 3), truncated through 989:7 (term 3)", rows[1].Trim());
    }

    [Fact]
    public async Task A_member_that_says_why_it_is_not_readable_gets_a_line_after_the_table()
    {
        var reply = BsonDocument.Parse(Status);
        reply["members"][0]["infoMessage"] = "fell off its sync source's oplog; run `rs resync`";

        var rows = await Rows(reply.ToJson());

        Assert.Equal("h1:1: fell off its sync source's oplog; run `rs resync`", rows[^1].Trim());
    }

    [Fact]
    public async Task A_secondary_row_shows_its_lag_behind_the_primary_ping_source_and_heartbeat_age()
    {
        var rows = await Rows(Status);

        Assert.Equal(
            ["h2:2", "SECONDARY", "up", "1m 5s", "993:1 (term 3)", "7s", "4 ms", "h1:1", "2s ago", "2"],
            Cells(rows, "h2:2"));
    }

    [Fact]
    public async Task The_primary_row_marks_itself_and_has_no_lag()
    {
        var rows = await Rows(Status);

        Assert.Equal(["h1:1", "PRIMARY", "up", "1h 2m", "1000:4 (term 3)", "2", "yes"], Cells(rows, "h1:1"));
    }

    [Fact]
    public async Task Missing_fields_leave_empty_cells_and_state_numbers_get_their_names()
    {
        var rows = await Rows(Status);

        Assert.Equal(["h3:3", "DOWN", "down"], Cells(rows, "h3:3"));
    }

    [Fact]
    public async Task A_reply_with_no_members_still_renders()
    {
        var rows = await Rows("{ok: 1}");

        Assert.Equal("replica set status", rows[0].Trim());
    }

    private const string WithDates = """
        {
          ok: 1, set: 'rs0', term: NumberLong(5), date: ISODate('2024-01-01T00:10:00Z'),
          optimes: { lastCommittedOpTime: { ts: Timestamp(1704067790, 1), t: NumberLong(5) } },
          members: [
            { _id: 0, name: 'h1:1', health: 1, state: 1, stateStr: 'PRIMARY',
              optime: { ts: Timestamp(1704067790, 1), t: NumberLong(5) }, optimeDate: ISODate('2024-01-01T00:09:50Z'), self: true },
            { _id: 1, name: 'h2:2', health: 1, state: 2, stateStr: 'SECONDARY',
              optime: { ts: Timestamp(1704067700, 1), t: NumberLong(5) }, optimeDate: ISODate('2024-01-01T00:08:20Z') }
          ]
        }
        """;

    [Fact]
    public async Task The_optime_is_shown_as_its_date_and_lag_is_measured_between_optime_dates()
    {
        var rows = await Rows(WithDates);

        Assert.Equal(["h2:2", "SECONDARY", "up", "2024-01-01 00:08:20Z", "1m 30s"], Cells(rows, "h2:2"));
        Assert.Equal(["h1:1", "PRIMARY", "up", "2024-01-01 00:09:50Z", "yes"], Cells(rows, "h1:1"));
    }

    [Fact]
    public void One_watch_frame_is_the_summary_line_above_the_member_table()
    {
        var @out = new StringWriter();
        var output = new CliOutput(@out, TextWriter.Null, width: 200);

        output.Console.Write(StatusView.Frame(BsonDocument.Parse(WithDates)));

        var lines = @out.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("set rs0, term 5, commit point 1704067790:1 (term 5)", lines[0].Trim());
        Assert.Contains(lines, l => l.Contains("h2:2") && l.Contains("1m 30s"));
    }

    private const string Syncing = """
        {
          ok: 1, set: 'rs0', myState: 5, term: NumberLong(2),
          members: [ { _id: 3, name: 'h4:4', health: 1, state: 5, stateStr: 'STARTUP2', self: true } ],
          initialSyncStatus: {
            failedInitialSyncAttempts: 1, maxFailedInitialSyncAttempts: 10, lastFailure: 'h2:2 did not answer within 2000 ms',
            attempt: 2, syncSourceHost: 'h1:1', phase: 'cloning',
            databases: { databasesCloned: 1, databasesToClone: 2 }, collections: { collectionsCloned: 2, collectionsToClone: 3 },
            documents: { documentsCopied: 12000, documentsToCopy: 20000 },
            approxTotalDataSize: 20971520, approxTotalBytesCopied: 10485760, fractionCloned: 0.5,
            documentsPerSecond: 6000.4, remainingInitialSyncEstimatedMillis: 2100
          }
        }
        """;

    [Fact]
    public void The_initial_sync_line_names_the_attempt_source_counts_rate_time_left_and_failures()
    {
        var line = InitialSyncView.Line(BsonDocument.Parse(Syncing)["initialSyncStatus"].AsBsonDocument);

        Assert.Equal("initial sync attempt 2 of 10 from h1:1, cloning: databases 1/2, collections 2/3, documents 12,000/20,000, "
            + "10.0 MB/20.0 MB, 6,000 docs/s, about 3 s left, 1 failed attempt(s), last: h2:2 did not answer within 2000 ms", line);
    }

    [Fact]
    public async Task A_syncing_members_status_shows_the_line_and_a_bar_below_the_table()
    {
        var rows = await Rows(Syncing);

        Assert.Contains(rows, r => r.StartsWith("initial sync attempt 2 of 10 from h1:1", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Trim().EndsWith("50%", StringComparison.Ordinal) && r.Contains('━'));
    }

    [Fact]
    public async Task Another_members_status_points_to_the_syncing_members_own()
    {
        var rows = await Rows(Status.Replace("{ _id: 2, name: 'h3:3', health: 0, state: 8 }", "{ _id: 2, name: 'h3:3', health: 1, state: 5, stateStr: 'STARTUP2' }"));

        Assert.Contains("h3:3 is in initial sync: 'rsctl h3:3 rs status' shows its progress", rows.Select(r => r.Trim()));
    }

    [Theory]
    [InlineData(0.0, 0, "0%")]
    [InlineData(0.25, 10, "25%")]
    [InlineData(1.5, 40, "100%")]
    public void The_bar_fills_its_share_of_forty_cells(double fraction, int filled, string percent)
    {
        var @out = new StringWriter();
        new CliOutput(@out, TextWriter.Null, width: 200).Console.Write(InitialSyncView.Bar(fraction));

        var bar = @out.ToString().Trim();
        Assert.Equal(40, bar.Count(c => c == '━'));
        Assert.EndsWith(percent, bar);
        Assert.Equal(filled, InitialSyncView.FilledCells(fraction));
    }
}
