using System.CommandLine;
using MongoDB.Bson;

namespace ReplicaActors.Cli.Arguments;

/// <summary>A group of options that passes through into the command document (write concern, read concern, read preference).</summary>
public interface ICommandOptions
{
    void AddTo(Command command);

    void Apply(ParseResult parseResult, BsonDocument command);
}
