using System.CommandLine;
using MongoDB.Bson;

namespace ReplicaActors.Cli.Arguments;

/// <summary>--read-concern and --read-preference, passed through as <c>readConcern</c> and <c>$readPreference</c>.</summary>
public sealed class ReadOptions : ICommandOptions
{
    private readonly Option<string?> _readConcern = new("--read-concern")
    {
        Description = "Read concern level",
    };

    private readonly Option<string?> _readPreference = new("--read-preference")
    {
        Description = "Read preference mode",
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
        if (parseResult.GetValue(_readPreference) is { } mode) command["$readPreference"] = new BsonDocument("mode", mode);
    }
}
