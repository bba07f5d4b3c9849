using System.CommandLine;
using MongoDB.Bson;
using ReplicaActors.Client;

namespace ReplicaActors.Cli.Arguments;

/// <summary>
/// A group of options that passes through into the command document (write concern, read concern) or, for the
/// read preference, into how the client chooses the member.
/// </summary>
public interface ICommandOptions
{
    void AddTo(Command command);

    void Apply(ParseResult parseResult, BsonDocument command);

    ReadPreference? ReadPreferenceOf(ParseResult parseResult);
}
