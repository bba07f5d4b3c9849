using System.Globalization;
using MongoDB.Bson;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ReplicaActors.Cli.Output;

/// <summary>
/// A syncing member's <c>initialSyncStatus</c> as one line (attempt, source, phase, counts, rate, time left) and
/// a bar of the bytes cloned; a member another member sees in STARTUP2 gets a pointer to its own status.
/// </summary>
public static class InitialSyncView
{
    private const int BarWidth = 40;

    /// <summary>What the status frame shows below the member table about initial sync; empty when no member syncs.</summary>
    public static IReadOnlyList<IRenderable> Sections(BsonDocument reply, IReadOnlyList<BsonDocument> members)
    {
        if (reply.TryGetValue("initialSyncStatus", out var value) && value is BsonDocument sync)
        {
            var sections = new List<IRenderable> { new Text(Line(sync)) };
            if (sync.GetValue("phase", "").AsString == "cloning" && sync.TryGetValue("fractionCloned", out var fraction) && fraction.IsNumeric)
                sections.Add(Bar(fraction.ToDouble()));
            return sections;
        }
        return members
            .Where(m => m.GetValue("stateStr", "").AsString == "STARTUP2" && !m.GetValue("self", false).ToBoolean())
            .Select(m => (IRenderable)new Text($"{ReplyFields.Plain(m.GetValue("name", ""))} is in initial sync: 'rsctl {ReplyFields.Plain(m.GetValue("name", ""))} rs status' shows its progress"))
            .ToList();
    }

    /// <summary>"initial sync attempt 1 of 10 from h:1, cloning: databases 1/2, collections 2/3, documents 1,200/5,000, 1.2 MB/4.8 MB, 3,000 docs/s, about 4 s left".</summary>
    public static string Line(BsonDocument sync)
    {
        var head = sync.TryGetValue("attempt", out var attempt)
            ? $"initial sync attempt {Plain(attempt)} of {Plain(sync.GetValue("maxFailedInitialSyncAttempts", ""))} from {Plain(sync.GetValue("syncSourceHost", ""))}"
            : "initial sync";
        var parts = new List<string>();
        if (Sub(sync, "databases") is { } dbs) parts.Add($"databases {Count(dbs, "databasesCloned")}/{Count(dbs, "databasesToClone")}");
        if (Sub(sync, "collections") is { } colls) parts.Add($"collections {Count(colls, "collectionsCloned")}/{Count(colls, "collectionsToClone")}");
        if (Sub(sync, "documents") is { } docs) parts.Add($"documents {Count(docs, "documentsCopied")}/{Count(docs, "documentsToCopy")}");
        if (Number(sync, "approxTotalBytesCopied") is { } copied)
            parts.Add($"{Bytes(copied)}/{Bytes(Number(sync, "approxTotalDataSize") ?? 0)}");
        if (Number(sync, "documentsPerSecond") is { } rate) parts.Add($"{rate.ToString("N0", CultureInfo.InvariantCulture)} docs/s");
        if (Number(sync, "remainingInitialSyncEstimatedMillis") is { } left) parts.Add($"about {Math.Ceiling(left / 1000):0} s left");
        if (sync.TryGetValue("failedInitialSyncAttempts", out var failed) && failed.IsNumeric && failed.ToInt32() > 0)
            parts.Add($"{failed.ToInt32()} failed attempt(s), last: {Plain(sync.GetValue("lastFailure", ""))}");
        var phase = Plain(sync.GetValue("phase", ""));
        return parts.Count == 0 ? $"{head}: {phase}" : $"{head}, {phase}: {string.Join(", ", parts)}";
    }

    /// <summary>A bar of the share cloned: filled cells, then empty ones, then the percentage.</summary>
    public static IRenderable Bar(double fraction)
    {
        var filled = FilledCells(fraction);
        return new Markup($"[green]{new string('━', filled)}[/][grey]{new string('━', BarWidth - filled)}[/] {Math.Clamp(fraction, 0, 1) * 100:0}%");
    }

    public static int FilledCells(double fraction) => (int)Math.Round(Math.Clamp(fraction, 0, 1) * BarWidth);

    private static BsonDocument? Sub(BsonDocument sync, string name) =>
        sync.TryGetValue(name, out var value) && value is BsonDocument doc ? doc : null;

    private static string Count(BsonDocument doc, string name) =>
        doc.TryGetValue(name, out var value) && value.IsNumeric ? value.ToInt64().ToString("N0", CultureInfo.InvariantCulture) : "?";

    private static double? Number(BsonDocument doc, string name) =>
        doc.TryGetValue(name, out var value) && value.IsNumeric ? value.ToDouble() : null;

    private static string Bytes(double bytes) =>
        bytes >= 1 << 30 ? $"{bytes / (1 << 30):0.0} GB"
        : bytes >= 1 << 20 ? $"{bytes / (1 << 20):0.0} MB"
        : bytes >= 1 << 10 ? $"{bytes / (1 << 10):0.0} KB"
        : $"{bytes:0} B";

    private static string Plain(BsonValue value) => ReplyFields.Plain(value);
}
