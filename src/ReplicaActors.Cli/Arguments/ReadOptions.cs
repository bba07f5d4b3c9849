using System.CommandLine;
using MongoDB.Bson;
using ReplicaActors.Client;

namespace ReplicaActors.Cli.Arguments;

/// <summary>
/// --read-concern, passed through as the command's <c>readConcern</c>, and --read-preference, which the client uses
/// to choose the member (and which reaches a secondary as <c>$readPreference</c>).
/// </summary>
public sealed class ReadOptions : ICommandOptions
{
    private readonly Option<string?> _readConcern = new("--read-concern")
    {
        Description = "Read concern level",
    };

    private readonly Option<string?> _readPreference = new("--read-preference")
    {
        Description = "Read preference mode: which members may answer (default primary)",
    };

    public ReadOptions()
    {
        _readConcern.AcceptOnlyFromAmong("local", "available", "majority", "linearizable", "snapshot");
        _readPreference.AcceptOnlyFromAmong("primary", "primaryPreferred", "secondary", "secondaryPreferred", "nearest");
    }

    public void AddTo(Command command)
    {
        command.Add(_readConcern);
        command.Add(_readPreference);
    }

    public void Apply(ParseResult parseResult, BsonDocument command)
    {
        if (parseResult.GetValue(_readConcern) is { } level) command["readConcern"] = new BsonDocument("level", level);
    }

    public ReadPreference? ReadPreferenceOf(ParseResult parseResult) =>
        parseResult.GetValue(_readPreference) is { } mode ? new ReadPreference(ReadPreference.ParseMode(mode)) : null;
}
