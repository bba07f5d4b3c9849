using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Cli.Arguments;

/// <summary>Reads a replica set config document from a JSON file.</summary>
public static class ConfigFile
{
    public static BsonDocument Read(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ReplicaException(ErrorCode.BadValue, $"cannot read config file '{path}': {e.Message}");
        }
        return JsonArgument.Document($"config file '{path}'", json);
    }
}
