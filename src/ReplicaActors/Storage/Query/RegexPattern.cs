using System.Text.RegularExpressions;
using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage.Query;

/// <summary>A query regex compiled once: matches strings and symbols, and equals a stored regex with the same pattern and options.</summary>
internal sealed class RegexPattern
{
    private readonly BsonRegularExpression source;
    private readonly Regex regex;

    private RegexPattern(BsonRegularExpression source, Regex regex)
    {
        this.source = source;
        this.regex = regex;
    }

    public static RegexPattern Compile(BsonRegularExpression value, string operatorName)
    {
        var options = RegexOptions.CultureInvariant;
        foreach (var flag in value.Options)
        {
            options |= flag switch
            {
                'i' => RegexOptions.IgnoreCase,
                'm' => RegexOptions.Multiline,
                's' => RegexOptions.Singleline,
                'x' => RegexOptions.IgnorePatternWhitespace,
                _ => throw new ReplicaException(ErrorCode.BadValue, $"{operatorName} has an invalid regex option '{flag}' (allowed: i, m, s, x)"),
            };
        }

        try
        {
            return new RegexPattern(value, new Regex(value.Pattern, options));
        }
        catch (ArgumentException e)
        {
            throw new ReplicaException(ErrorCode.BadValue, $"{operatorName} has an invalid regular expression /{value.Pattern}/: {e.Message}");
        }
    }

    public bool Matches(BsonValue? value) => value switch
    {
        BsonString s => regex.IsMatch(s.Value),
        BsonSymbol s => regex.IsMatch(s.Name),
        BsonRegularExpression r => r.Pattern == source.Pattern && r.Options == source.Options,
        _ => false,
    };
}
