using MongoDB.Bson;
using ReplicaActors.Cli.Output;
using Spectre.Console;

namespace ReplicaActors.Tests.Cli;

public class MetricsViewTests
{
    private static MemberReading Member(string host, int state, int appliedSeconds, int oplogFirstSeconds, long inserts, long replInserts) => new(
        host,
        BsonDocument.Parse($$"""
            { host: '{{host}}', connections: { current: 4, available: 996, totalCreated: 9 },
              opcounters: { insert: NumberLong({{inserts}}), query: NumberLong(2), update: NumberLong(0), delete: NumberLong(0), getmore: NumberLong(1), command: NumberLong(30) },
              opcountersRepl: { insert: NumberLong({{replInserts}}), query: NumberLong(0), update: NumberLong(3), delete: NumberLong(0), getmore: NumberLong(0), command: NumberLong(1) },
              metrics: { repl: { apply: { ops: NumberLong({{replInserts + 4}}) } } } }
            """),
        BsonDocument.Parse($$"""
            { myState: {{state}},
              members: [ { name: '{{host}}', self: true, optime: { ts: Timestamp({{appliedSeconds}}, 1), t: NumberLong(1) } } ],
              oplog: { firstOpTime: { ts: Timestamp({{oplogFirstSeconds}}, 1), t: NumberLong(1) }, lastOpTime: { ts: Timestamp({{appliedSeconds}}, 1), t: NumberLong(1) } } }
            """));

    private static readonly MemberReading[] Set =
    [
        Member("h1:1", 1, 1000, 880, 50, 0),
        Member("h2:2", 2, 993, 880, 0, 47),
        new("h3:3", null, null, "no answer within 10 s: connection refused"),
    ];

    private static string[] Render(IReadOnlyList<MemberReading> members)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        console.Profile.Width = 200;
        console.Write(MetricsView.Frame(members));
        return writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string[] Cells(string[] rows, string member) =>
        rows.Select(r => r.Split('│', '|').Select(c => c.Trim()).Where(c => c.Length > 0).ToArray())
            .Single(cells => cells.FirstOrDefault() == member);

    [Fact]
    public void Each_member_shows_its_state_lag_behind_the_newest_oplog_window_connections_and_counters()
    {
        var rows = Render(Set);

        Assert.Equal(["h1:1", "PRIMARY", "0s", "2m 0s", "4", "50", "2", "0", "0", "1", "30", "0", "3", "0", "1"], Cells(rows, "h1:1"));
        Assert.Equal(["h2:2", "SECONDARY", "7s", "1m 53s", "4", "0", "2", "0", "0", "1", "30", "47", "3", "0", "1"], Cells(rows, "h2:2"));
        Assert.Equal(["h3:3", "unreachable"], Cells(rows, "h3:3"));
        Assert.Equal("h3:3: no answer within 10 s: connection refused", rows[^1].Trim());
    }

    [Fact]
    public void Json_has_the_same_numbers_with_metrics_repl()
    {
        var members = MetricsView.Json(Set)["members"].AsBsonArray.Select(m => m.AsBsonDocument).ToList();

        Assert.Equal(7, members[1]["lagSeconds"].ToInt64());
        Assert.Equal(113, members[1]["oplogWindowSeconds"].ToInt64());
        Assert.Equal(47, members[1]["opcountersRepl"]["insert"].ToInt64());
        Assert.Equal(51, members[1]["metricsRepl"]["apply"]["ops"].ToInt64());
        Assert.Equal("unreachable", members[2]["state"].AsString);
        Assert.False(members[2].Contains("lagSeconds"));
        Assert.StartsWith("no answer", members[2]["error"].AsString);
    }
}
