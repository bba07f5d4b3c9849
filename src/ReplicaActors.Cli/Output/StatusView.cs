using System.Globalization;
using MongoDB.Bson;
using Spectre.Console;
using Spectre.Console.Rendering;
using ReplicaActors.Protocol;

namespace ReplicaActors.Cli.Output;

/// <summary>
/// replSetGetStatus as a summary line and one row per member. Every field may be missing (older or partial
/// servers): a missing field is an empty cell, never an error.
/// </summary>
public static class StatusView
{
    private static readonly string[] Columns =
        ["name", "state", "health", "uptime", "optime", "lag", "ping", "sync source", "last heartbeat", "config version", "self"];

    public static void Render(BsonDocument reply, IAnsiConsole console) => console.Write(Frame(reply));

    /// <summary>The summary line and the member table, as one renderable: what <c>rs status --watch</c> redraws.</summary>
    public static IRenderable Frame(BsonDocument reply)
    {
        var members = ReplyFields.Documents(reply, "members");
        var primaryOptime = members.Where(IsPrimary).Select(OptimeInstant).FirstOrDefault(s => s is not null);
        var now = reply.TryGetValue("date", out var date) && date.IsValidDateTime ? date.ToUniversalTime() : (DateTime?)null;

        var table = new Table();
        foreach (var column in Columns) table.AddColumn(column);
        foreach (var member in members)
        {
            table.AddRow(
                Text(member, "name"),
                new Text(State(member)),
                new Text(Health(member)),
                new Text(Number(member, "uptime") is { } uptime ? Duration(uptime) : ""),
                new Text(Optime(member)),
                new Text(Lag(member, primaryOptime)),
                new Text(Number(member, "pingMs") is { } ping ? $"{ping} ms" : ""),
                Text(member, "syncSourceHost"),
                new Text(Heartbeat(member, now)),
                Text(member, "configVersion"),
                new Text(member.TryGetValue("self", out var self) && self.ToBoolean() ? "yes" : ""));
        }
        var lines = new List<IRenderable> { new Text(Summary(reply)) };
        if (Oplog(reply) is { } oplog) lines.Add(new Text(oplog));
        lines.Add(table);
        // Why this member is not readable (RECOVERING, no sync source): the first thing an operator needs.
        foreach (var member in members.Where(m => m.GetValue("self", false).ToBoolean() && m.GetValue("infoMessage", "").ToString() != ""))
            lines.Add(new Text($"{ReplyFields.Plain(member.GetValue("name", ""))}: {ReplyFields.Plain(member["infoMessage"])}"));
        lines.AddRange(InitialSyncView.Sections(reply, members));
        return new Rows(lines);
    }

    /// <summary>The answering member's oplog against its cap, one line.</summary>
    private static string? Oplog(BsonDocument reply)
    {
        if (!reply.TryGetValue("oplog", out var value) || value is not BsonDocument oplog) return null;
        var line = $"oplog {Number(oplog, "sizeBytes")?.ToString(CultureInfo.InvariantCulture) ?? "?"} of {Number(oplog, "capBytes")?.ToString(CultureInfo.InvariantCulture) ?? "?"} bytes";
        if (oplog.TryGetValue("firstOpTime", out var first) && oplog.TryGetValue("lastOpTime", out var last))
        {
            if (OplogWindowSeconds(oplog) is { } window) line += $", window {Duration(window)}";
            line += $", entries {FormatOptime(first)} to {FormatOptime(last)}";
        }
        if (oplog.TryGetValue("truncatedThrough", out var truncated) && truncated is BsonDocument t && t.GetValue("t", -1).ToInt64() >= 0)
            line += $", truncated through {FormatOptime(truncated)}";
        return line;
    }

    /// <summary>The time between the oldest and the newest entry of a member's oplog (replSetGetStatus's <c>oplog</c>), in seconds.</summary>
    public static long? OplogWindowSeconds(BsonDocument oplog) =>
        oplog.TryGetValue("firstOpTime", out var first) && oplog.TryGetValue("lastOpTime", out var last)
        && Seconds(first) is { } from && Seconds(last) is { } to
            ? Math.Max(0, to - from)
            : null;

    internal static long? Seconds(BsonValue optime) =>
        optime is BsonDocument d && d.TryGetValue("ts", out var ts) && ts.IsBsonTimestamp && ts.AsBsonTimestamp.Timestamp > 0 ? ts.AsBsonTimestamp.Timestamp : null;

    private static string Summary(BsonDocument reply)
    {
        var parts = new List<string>();
        if (reply.TryGetValue("set", out var set)) parts.Add($"set {ReplyFields.Plain(set)}");
        if (reply.TryGetValue("term", out var term)) parts.Add($"term {ReplyFields.Plain(term)}");
        if (reply.TryGetValue("myState", out var myState)) parts.Add($"my state {StateName(myState)}");
        if (CommitPoint(reply) is { } commit) parts.Add($"commit point {commit}");
        return parts.Count == 0 ? "replica set status" : string.Join(", ", parts);
    }

    private static string? CommitPoint(BsonDocument reply)
    {
        var holder = reply.TryGetValue("optimes", out var optimes) && optimes.IsBsonDocument ? optimes.AsBsonDocument : reply;
        return holder.TryGetValue("lastCommittedOpTime", out var commit) ? FormatOptime(commit) : null;
    }

    private static bool IsPrimary(BsonDocument member) => State(member) == "PRIMARY";

    private static string State(BsonDocument member) =>
        member.TryGetValue("stateStr", out var name) ? ReplyFields.Plain(name)
        : member.TryGetValue("state", out var state) ? StateName(state)
        : "";

    /// <summary>MongoDB's member state numbers, for servers that send only the number.</summary>
    internal static string StateName(BsonValue state) => state.IsNumeric
        ? state.ToInt32() switch
        {
            0 => "STARTUP",
            1 => "PRIMARY",
            2 => "SECONDARY",
            3 => "RECOVERING",
            5 => "STARTUP2",
            6 => "UNKNOWN",
            7 => "ARBITER",
            8 => "DOWN",
            9 => "ROLLBACK",
            10 => "REMOVED",
            var other => other.ToString(CultureInfo.InvariantCulture),
        }
        : ReplyFields.Plain(state);

    private static string Health(BsonDocument member) =>
        Number(member, "health") switch
        {
            null => "",
            1 => "up",
            0 => "down",
            var other => other.Value.ToString(CultureInfo.InvariantCulture),
        };

    /// <summary>When the member's last applied write happened; an optime without its date as "seconds:increment (term t)".</summary>
    private static string Optime(BsonDocument member) =>
        member.TryGetValue("optimeDate", out var date) && date.IsValidDateTime ? Instant(date.ToUniversalTime())
        : member.TryGetValue("optime", out var optime) ? FormatOptime(optime)
        : "";

    /// <summary>An OpTime {ts, t} as "seconds:increment (term t)"; any other shape as JSON.</summary>
    private static string FormatOptime(BsonValue optime)
    {
        if (optime is BsonDocument { } d && d.TryGetValue("ts", out var ts) && ts.IsBsonTimestamp)
        {
            var term = d.TryGetValue("t", out var t) ? $" (term {ReplyFields.Plain(t)})" : "";
            return $"{ts.AsBsonTimestamp.Timestamp}:{ts.AsBsonTimestamp.Increment}{term}";
        }
        return ExtendedJson.Format(optime);
    }

    /// <summary>The optime's date; without one, the seconds of its timestamp, which are wall-clock seconds too.</summary>
    private static DateTime? OptimeInstant(BsonDocument member) =>
        member.TryGetValue("optimeDate", out var date) && date.IsValidDateTime ? date.ToUniversalTime()
        : member.TryGetValue("optime", out var optime) && optime is BsonDocument d && d.TryGetValue("ts", out var ts) && ts.IsBsonTimestamp
            ? DateTime.UnixEpoch.AddSeconds(ts.AsBsonTimestamp.Timestamp)
            : null;

    /// <summary>How far the member's last applied write is behind the primary's optimeDate, in seconds.</summary>
    private static string Lag(BsonDocument member, DateTime? primaryOptime)
    {
        if (IsPrimary(member) || primaryOptime is null || OptimeInstant(member) is not { } optime) return "";
        return Duration((long)Math.Max(0, (primaryOptime.Value - optime).TotalSeconds));
    }

    private static string Heartbeat(BsonDocument member, DateTime? now)
    {
        if (!member.TryGetValue("lastHeartbeat", out var heartbeat) || !heartbeat.IsValidDateTime) return "";
        var at = heartbeat.ToUniversalTime();
        return now is { } n
            ? $"{Duration((long)Math.Max(0, (n - at).TotalSeconds))} ago"
            : Instant(at);
    }

    private static string Instant(DateTime at) => at.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    internal static string Duration(long seconds)
    {
        var span = TimeSpan.FromSeconds(seconds);
        return span.TotalDays >= 1 ? $"{(int)span.TotalDays}d {span.Hours}h"
            : span.TotalHours >= 1 ? $"{span.Hours}h {span.Minutes}m"
            : span.TotalMinutes >= 1 ? $"{span.Minutes}m {span.Seconds}s"
            : $"{span.Seconds}s";
    }

    private static long? Number(BsonDocument member, string name) =>
        member.TryGetValue(name, out var value) && value.IsNumeric ? value.ToInt64() : null;

    private static Text Text(BsonDocument member, string name) =>
        new(member.TryGetValue(name, out var value) ? ReplyFields.Plain(value) : "");
}
