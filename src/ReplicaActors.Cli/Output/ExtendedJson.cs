using MongoDB.Bson;
using MongoDB.Bson.IO;

namespace ReplicaActors.Cli.Output;

/// <summary>Relaxed Extended JSON, MongoDB's own human-readable form: plain numbers and dates, types kept where JSON has none.</summary>
public static class ExtendedJson
{
    private static readonly JsonWriterSettings Compact = new() { OutputMode = JsonOutputMode.RelaxedExtendedJson };
    private static readonly JsonWriterSettings Indented = new() { OutputMode = JsonOutputMode.RelaxedExtendedJson, Indent = true };

    public static string Format(BsonValue value) => value.ToJson(Compact);

    public static string FormatIndented(BsonValue value) => value.ToJson(Indented);
}
