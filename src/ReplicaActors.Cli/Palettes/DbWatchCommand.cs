using System.CommandLine;
using MongoDB.Bson;
using MongoDB.Driver;
using ReplicaActors.Cli.Arguments;
using ReplicaActors.Cli.Output;
using ReplicaActors.Protocol;

namespace ReplicaActors.Cli.Palettes;

/// <summary>
/// <c>rsctl db watch NS</c>: a change stream's events, printed live as one line of relaxed Extended JSON each, until
/// Ctrl-C. Change streams are served by the members' MongoDB wire listeners, not by the member protocol the other
/// commands send their requests over (the member actor has no <c>$changeStream</c>), and a member's host is its wire
/// address, so this command opens MongoDB.Driver's <c>Watch()</c> on the same hosts: the driver finds the primary
/// (with <c>--direct</c>, it stays on the first host, which may be a secondary) and resumes the stream by itself
/// when the member serving it fails, as it would for any application.
/// </summary>
public static class DbWatchCommand
{
    private static readonly string[] FullDocumentModes = ["default", "updateLookup", "whenAvailable", "required"];

    /// <summary>What to watch and from where, read from the line.</summary>
    private sealed record WatchRequest(string Db, string? Collection, ChangeStreamOptions Options)
    {
        public string Target => Collection is null ? $"database {Db}" : $"{Db}.{Collection}";
    }

    public static Command Create(CommandRunner runner)
    {
        var ns = new Argument<string>("NS") { Description = "database.collection, or a database to watch every collection in it" };
        var startAt = new Option<string?>("--startAtOperationTime")
        {
            Description = "Start with the changes at or after this cluster time: SECONDS[:INCREMENT], or an event's clusterTime as JSON ({\"$timestamp\": {\"t\": ..., \"i\": ...}})",
            HelpName = "TIME",
        };
        var resumeAfter = new Option<string?>("--resumeAfter")
        {
            Description = "Start after the event with this resume token: an event's _id as JSON ({\"_data\": \"...\"}), or the _data string alone",
            HelpName = "TOKEN",
        };
        var fullDocument = new Option<string>("--fullDocument")
        {
            Description = "Whether update events carry the whole document: default (no), updateLookup, whenAvailable or required",
            HelpName = "MODE",
            DefaultValueFactory = _ => "default",
        };
        fullDocument.AcceptOnlyFromAmong(FullDocumentModes);
        var command = new Command("watch", "Print changes live, one JSON line per event, until Ctrl-C") { ns, startAt, resumeAfter, fullDocument };
        runner.BindStreaming(command,
            parseResult => Parse(parseResult.GetRequiredValue(ns), parseResult.GetValue(startAt), parseResult.GetValue(resumeAfter), parseResult.GetRequiredValue(fullDocument)),
            WatchAsync);
        return command;
    }

    private static WatchRequest Parse(string ns, string? startAt, string? resumeAfter, string fullDocument)
    {
        string db;
        string? collection = null;
        if (ns.Contains('.')) (db, collection) = NamespaceArgument.Parse(ns);
        else db = NamespaceArgument.Database(ns);
        if (startAt is not null && resumeAfter is not null)
            throw new ReplicaException(ErrorCode.BadValue, "give --startAtOperationTime or --resumeAfter, not both");
        var options = new ChangeStreamOptions
        {
            FullDocument = fullDocument switch
            {
                "updateLookup" => ChangeStreamFullDocumentOption.UpdateLookup,
                "whenAvailable" => ChangeStreamFullDocumentOption.WhenAvailable,
                "required" => ChangeStreamFullDocumentOption.Required,
                _ => ChangeStreamFullDocumentOption.Default,
            },
            StartAtOperationTime = startAt is null ? null : Timestamp(startAt),
            ResumeAfter = resumeAfter is null ? null : Token(resumeAfter),
        };
        return new WatchRequest(db, collection, options);
    }

    private static BsonTimestamp Timestamp(string text)
    {
        if (text.TrimStart().StartsWith('{'))
        {
            return JsonValue("--startAtOperationTime", text) as BsonTimestamp
                   ?? throw new ReplicaException(ErrorCode.BadValue, $"--startAtOperationTime '{text}' is not a timestamp ({{\"$timestamp\": {{\"t\": SECONDS, \"i\": INCREMENT}}}})");
        }
        var parts = text.Split(':');
        var increment = 0u;
        if (parts.Length <= 2 && uint.TryParse(parts[0], out var seconds) && (parts.Length == 1 || uint.TryParse(parts[1], out increment)))
            return new BsonTimestamp((int)seconds, (int)increment);
        throw new ReplicaException(ErrorCode.BadValue, $"--startAtOperationTime '{text}' is not SECONDS[:INCREMENT] (whole numbers, e.g. 1767225600:1)");
    }

    private static BsonDocument Token(string text)
    {
        var notAToken = new ReplicaException(ErrorCode.BadValue, $"--resumeAfter '{text}' is not a resume token: an event's _id ({{\"_data\": \"...\"}}) or its _data hex string");
        if (text.TrimStart().StartsWith('{')) return JsonValue("--resumeAfter", text) as BsonDocument ?? throw notAToken;
        return text.Length > 0 && text.All(char.IsAsciiHexDigit) ? new BsonDocument("_data", text) : throw notAToken;
    }

    private static BsonValue JsonValue(string option, string text)
    {
        try
        {
            return BsonDocument.Parse($"{{ \"value\": {text} }}")["value"];
        }
        catch (Exception e) when (e is FormatException or BsonSerializationException or EndOfStreamException)
        {
            throw new ReplicaException(ErrorCode.FailedToParse, $"{option} '{text}' is not valid JSON: {e.Message}");
        }
    }

    private static async Task<int> WatchAsync(WatchRequest request, ClientSettings settings, CliOutput output, CancellationToken cancellationToken)
    {
        var timeout = settings.Options.ServerSelectionTimeout;
        if (WireClients.ForHosts(settings, output) is not { } clientSettings) return ExitCodes.Usage;
        using var client = new MongoClient(clientSettings);
        var database = client.GetDatabase(request.Db);
        try
        {
            using var stream = request.Collection is { } collection
                ? await database.GetCollection<BsonDocument>(collection).WatchAsync(request.Options, cancellationToken)
                : await database.WatchAsync(request.Options, cancellationToken);
            while (await stream.MoveNextAsync(cancellationToken))
            {
                foreach (var change in stream.Current) await output.Out.WriteLineAsync(ExtendedJson.Format(change.BackingDocument));
                await output.Out.FlushAsync(cancellationToken);
            }
            output.Error.WriteLine($"rsctl: the change stream on {request.Target} was invalidated (dropped or renamed); watching ended");
            return ExitCodes.Ok;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C is how a watch ends.
            return ExitCodes.Ok;
        }
        catch (Exception e) when (WireClients.IsFailure(e))
        {
            return WireClients.Report(output, e, $"no member of {string.Join(",", settings.Hosts)} could serve a change stream", $"watching {request.Target}", timeout, settings.Login);
        }
    }
}
