using System.CommandLine;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;
using ReplicaActors.Protocol;

namespace ReplicaActors.Cli.Arguments;

/// <summary>Reads JSON (MongoDB shell syntax and Extended JSON) from the command line, naming the argument when it is malformed.</summary>
public static class JsonArgument
{
    public static Argument<string> Create(string name, string description) => new(name) { Description = description };

    public static Argument<string?> CreateOptional(string name, string description) =>
        new(name) { Description = description, Arity = ArgumentArity.ZeroOrOne };

    /// <summary>An optional JSON document argument, <c>{}</c> when left out.</summary>
    public static BsonDocument DocumentOrEmpty(string name, string? json) => json is null ? [] : Document(name, json);

    public static BsonDocument Document(string name, string json) =>
        Value(name, json) is BsonDocument document
            ? document
            : throw new ReplicaException(ErrorCode.BadValue, $"{name} must be a JSON document {{...}}");

    /// <summary>One document or an array of documents, as a list of documents.</summary>
    public static IReadOnlyList<BsonDocument> Documents(string name, string json)
    {
        var value = Value(name, json);
        if (value is BsonDocument single) return [single];
        if (value is not BsonArray array)
            throw new ReplicaException(ErrorCode.BadValue, $"{name} must be a JSON document or an array of documents");
        if (array.Count == 0)
            throw new ReplicaException(ErrorCode.BadValue, $"{name} is an empty array: there is nothing to insert");
        var notDocument = array.Select((v, i) => (v, i)).FirstOrDefault(e => !e.v.IsBsonDocument);
        if (notDocument.v is not null)
            throw new ReplicaException(ErrorCode.BadValue, $"{name} element {notDocument.i} is not a document: {notDocument.v}");
        return array.Select(v => v.AsBsonDocument).ToList();
    }

    /// <summary>
    /// Parses a JSON argument. <c>@FILE</c> reads it from a file and <c>-</c> from standard input,
    /// for documents too large for a command line (the OS caps an argument far below 16 MiB).
    /// </summary>
    public static BsonValue Value(string name, string json)
    {
        json = Source(name, json);
        try
        {
            using var reader = new JsonReader(json);
            var value = BsonValueSerializer.Instance.Deserialize(BsonDeserializationContext.CreateRoot(reader));
            if (!reader.IsAtEndOfFile())
                throw new FormatException("there are extra characters after the JSON value");
            return value;
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or BsonException)
        {
            throw new ReplicaException(ErrorCode.FailedToParse, $"{name} is not valid JSON: {e.Message}");
        }
    }

    private static string Source(string name, string argument)
    {
        if (argument == "-") return Console.In.ReadToEnd();
        if (!argument.StartsWith('@')) return argument;
        var path = argument[1..];
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new ReplicaException(ErrorCode.BadValue, $"{name}: cannot read {path}: {e.Message}");
        }
    }
}
