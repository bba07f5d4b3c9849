using MongoDB.Bson;
using ReplicaActors.Config;
using ReplicaActors.Protocol;

namespace ReplicaActors.Consensus;

/// <summary>The <c>w</c> of a write concern: a number of data-bearing members, "majority", or a custom mode name.</summary>
public abstract record WriteConcernW
{
    private WriteConcernW() { }

    public sealed record Nodes(int Count) : WriteConcernW
    {
        public override BsonValue ToBson() => Count;
    }

    public sealed record Majority : WriteConcernW
    {
        public const string Name = "majority";

        public override BsonValue ToBson() => Name;
    }

    /// <summary>A mode from <c>settings.getLastErrorModes</c>.</summary>
    public sealed record Tagged(string Mode) : WriteConcernW
    {
        public override BsonValue ToBson() => Mode;
    }

    public abstract BsonValue ToBson();
}

/// <summary>
/// <c>{ w, j, wtimeout }</c>. A null <see cref="W"/> means "not given": the set's default applies.
/// <see cref="WTimeoutMillis"/> 0 waits for ever; on expiry the write stays done and the reply carries a writeConcernError.
/// </summary>
public sealed record WriteConcern(WriteConcernW? W, bool? J = null, long WTimeoutMillis = 0)
{
    public static readonly WriteConcern Unacknowledged = new(new WriteConcernW.Nodes(0));
    public static readonly WriteConcern Primary = new(new WriteConcernW.Nodes(1));
    public static readonly WriteConcern Majority = new(new WriteConcernW.Majority());

    private static readonly HashSet<string> Fields = ["w", "j", "wtimeout", "fsync", "provenance"];

    /// <summary>w: 0 without j: the client wants no answer.</summary>
    public bool IsAcknowledged => !(W is WriteConcernW.Nodes { Count: 0 } && J != true);

    public static WriteConcern FromBson(BsonDocument document)
    {
        var reader = new BsonFieldReader(document, "writeConcern");
        reader.RefuseUnknown(Fields, ErrorCode.FailedToParse);
        var j = ParseBool(reader, document, "j");
        // MongoDB treats fsync: true as j: true.
        if (ParseBool(reader, document, "fsync") == true) j = true;
        var wtimeout = reader.Long("wtimeout", 0);
        if (wtimeout < 0)
            throw new ReplicaException(ErrorCode.FailedToParse, $"writeConcern: wtimeout must be 0 or more milliseconds, got {wtimeout}");
        return new WriteConcern(ParseW(reader, document), j, wtimeout);
    }

    private static WriteConcernW? ParseW(BsonFieldReader reader, BsonDocument document)
    {
        if (!document.TryGetValue("w", out var w)) return null;
        if (w.IsString)
            return w.AsString switch
            {
                "" => throw new ReplicaException(ErrorCode.FailedToParse, "writeConcern: w must not be an empty string"),
                WriteConcernW.Majority.Name => new WriteConcernW.Majority(),
                var mode => new WriteConcernW.Tagged(mode),
            };
        if (!w.IsNumeric) throw new ReplicaException(ErrorCode.FailedToParse, $"writeConcern: w must be a number or a string, got {w.BsonType} {w}");
        var count = reader.ToLong("w", w);
        if (count is < 0 or > ConfigValidator.MaxMembers)
            throw new ReplicaException(ErrorCode.FailedToParse, $"writeConcern: w must be between 0 and {ConfigValidator.MaxMembers}, got {count}");
        return new WriteConcernW.Nodes((int)count);
    }

    private static bool? ParseBool(BsonFieldReader reader, BsonDocument document, string field)
    {
        if (!document.TryGetValue(field, out var value)) return null;
        if (value.IsBoolean) return value.AsBoolean;
        return value.IsNumeric ? value.ToDouble() != 0 : throw reader.Mismatch(field, "a boolean", value);
    }

    public BsonDocument ToBson()
    {
        var doc = new BsonDocument();
        if (W is not null) doc.Add("w", W.ToBson());
        if (J is { } j) doc.Add("j", j);
        doc.Add("wtimeout", WTimeoutMillis);
        return doc;
    }
}
