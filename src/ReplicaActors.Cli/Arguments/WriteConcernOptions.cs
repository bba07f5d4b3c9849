using System.CommandLine;
using MongoDB.Bson;
using ReplicaActors.Client;

namespace ReplicaActors.Cli.Arguments;

/// <summary>--w, --wtimeout and --j, passed through as the command's <c>writeConcern</c> document.</summary>
public sealed class WriteConcernOptions : ICommandOptions
{
    private readonly Option<string?> _w = new("--w")
    {
        Description = "Write concern: a number of members, \"majority\", or a tag set name",
        HelpName = "W",
    };

    private readonly Option<int?> _wtimeout = new("--wtimeout")
    {
        Description = "Milliseconds to wait for the write concern before reporting an error",
        HelpName = "MS",
    };

    private readonly Option<bool> _j = new("--j")
    {
        Description = "Wait for the write to be journaled",
    };

    public void AddTo(Command command)
    {
        command.Add(_w);
        command.Add(_wtimeout);
        command.Add(_j);
    }

    public void Apply(ParseResult parseResult, BsonDocument command)
    {
        var writeConcern = new BsonDocument();
        if (parseResult.GetValue(_w) is { } w) writeConcern["w"] = int.TryParse(w, out var members) ? members : w;
        if (parseResult.GetValue(_wtimeout) is { } wtimeout) writeConcern["wtimeout"] = wtimeout;
        if (parseResult.GetValue(_j)) writeConcern["j"] = true;
        if (writeConcern.ElementCount > 0) command["writeConcern"] = writeConcern;
    }

    public ReadPreference? ReadPreferenceOf(ParseResult parseResult) => null;
}
