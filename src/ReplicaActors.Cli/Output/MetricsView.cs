using System.Globalization;
using MongoDB.Bson;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ReplicaActors.Cli.Output;

/// <summary>
/// What one member answered for <c>rsctl metrics</c>: its <c>serverStatus</c> and its <c>replSetGetStatus</c>, or why it
/// could not be read.
/// </summary>
public sealed record MemberReading(string Host, BsonDocument? ServerStatus, BsonDocument? ReplStatus, string? Error = null);

/// <summary>
/// <c>rsctl metrics</c>: one row per member with its state, its lag behind the newest member (as the meter's
/// <c>replicaactors.replication.lag</c> measures it), its oplog window, its open connections, the client operations it
/// served (<c>opcounters</c>) and the entries it applied as a secondary (<c>opcountersRepl</c>). Missing fields are empty cells.
/// </summary>
public static class MetricsView
{
    private static readonly string[] Counters = ["insert", "query", "update", "delete", "getmore", "command"];
    private static readonly string[] ReplCounters = ["insert", "update", "delete", "command"];

    public static IRenderable Frame(IReadOnlyList<MemberReading> members)
    {
        var newest = Newest(members);
        var table = new Table();
        foreach (var column in new[] { "member", "state", "lag", "oplog window", "connections" }
                     .Concat(Counters).Concat(ReplCounters.Select(c => $"repl {c}")))
            table.AddColumn(column);
        var errors = new List<IRenderable>();
        foreach (var member in members)
        {
            var cells = new List<string> { member.Host, State(member), Lag(member, newest) is { } lag ? StatusView.Duration(lag) : "" };
            cells.Add(OplogWindow(member) is { } window ? StatusView.Duration(window) : "");
            cells.Add(Number(member.ServerStatus, "connections", "current"));
            cells.AddRange(Counters.Select(c => Number(member.ServerStatus, "opcounters", c)));
            cells.AddRange(ReplCounters.Select(c => Number(member.ServerStatus, "opcountersRepl", c)));
            table.AddRow(cells.Select(c => new Text(c)));
            if (member.Error is { } error) errors.Add(new Text($"{member.Host}: {error}"));
        }
        return new Rows([table, .. errors]);
    }

    /// <summary>The same numbers as <c>--json</c> prints them, with each member's <c>metrics.repl</c> too.</summary>
    public static BsonDocument Json(IReadOnlyList<MemberReading> members)
    {
        var newest = Newest(members);
        return new BsonDocument("members", new BsonArray(members.Select(member =>
        {
            var document = new BsonDocument { { "host", member.Host }, { "state", State(member) } };
            if (Lag(member, newest) is { } lag) document.Add("lagSeconds", lag);
            if (OplogWindow(member) is { } window) document.Add("oplogWindowSeconds", window);
            foreach (var section in new[] { "connections", "opcounters", "opcountersRepl" })
                if (member.ServerStatus?.GetValue(section, BsonNull.Value) is BsonDocument value) document.Add(section, value);
            if (member.ServerStatus?.GetValue("metrics", BsonNull.Value) is BsonDocument metrics && metrics.GetValue("repl", BsonNull.Value) is BsonDocument repl)
                document.Add("metricsRepl", repl);
            if (member.Error is { } error) document.Add("error", error);
            return document;
        })));
    }

    private static string State(MemberReading member) =>
        member.ReplStatus?.GetValue("myState", BsonNull.Value) is { IsNumeric: true } state ? StatusView.StateName(state)
        : member.Error is not null ? "unreachable"
        : "";

    /// <summary>The seconds of the member's last applied entry, as it reports itself.</summary>
    private static long? Applied(MemberReading member) =>
        member.ReplStatus is { } status
        && ReplyFields.Documents(status, "members").FirstOrDefault(m => m.GetValue("self", false).ToBoolean()) is { } self
        && self.TryGetValue("optime", out var optime)
            ? StatusView.Seconds(optime)
            : null;

    private static long? Newest(IReadOnlyList<MemberReading> members) => members.Select(Applied).Max();

    private static long? Lag(MemberReading member, long? newest) =>
        Applied(member) is { } applied && newest is { } n ? Math.Max(0, n - applied) : null;

    private static long? OplogWindow(MemberReading member) =>
        member.ReplStatus?.GetValue("oplog", BsonNull.Value) is BsonDocument oplog ? StatusView.OplogWindowSeconds(oplog) : null;

    private static string Number(BsonDocument? status, string section, string name) =>
        status?.GetValue(section, BsonNull.Value) is BsonDocument values && values.TryGetValue(name, out var value) && value.IsNumeric
            ? value.ToInt64().ToString(CultureInfo.InvariantCulture)
            : "";
}
