using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage.Query;

/// <summary>
/// Turns a filter document into conditions, refusing anything malformed here so a bad filter fails
/// before it meets a single document.
/// </summary>
internal static class FilterCompiler
{
    private static readonly HashSet<string> Logical = ["$and", "$or", "$nor"];

    private static readonly IValueCondition Exists = new AnyValue(v => v is not null, ExpandLeafArrays: false);

    public static IDocumentCondition Compile(BsonDocument filter) =>
        new AndCondition(filter.Elements.Select(CompileElement).ToList());

    /// <summary>An operator document such as <c>{$gt: 1}</c>, as opposed to an embedded document to compare with.</summary>
    public static bool IsOperatorDocument(BsonValue value) =>
        value is BsonDocument { ElementCount: > 0 } d && d.GetElement(0).Name.StartsWith('$');

    private static IDocumentCondition CompileElement(BsonElement element)
    {
        if (!element.Name.StartsWith('$'))
        {
            FieldPath.Split(element.Name);
            return new PathCondition(element.Name, CompileValue(element.Value));
        }

        var parts = LogicalParts(element);
        return element.Name switch
        {
            "$and" => new AndCondition(parts),
            "$or" => new OrCondition(parts),
            _ => new NorCondition(parts),
        };
    }

    private static List<IDocumentCondition> LogicalParts(BsonElement element)
    {
        if (!Logical.Contains(element.Name))
        {
            throw new ReplicaException(ErrorCode.BadValue, $"unknown top level operator: {element.Name}");
        }

        if (element.Value is not BsonArray { Count: > 0 } array || array.Any(v => v is not BsonDocument))
        {
            throw new ReplicaException(ErrorCode.BadValue, $"{element.Name} argument must be a non-empty array of documents");
        }

        return array.Select(v => Compile(v.AsBsonDocument)).ToList();
    }

    private static IValueCondition CompileValue(BsonValue value) => value switch
    {
        _ when IsOperatorDocument(value) => CompileOperators(value.AsBsonDocument),
        BsonRegularExpression regex => Regex(RegexPattern.Compile(regex, "regex")),
        _ => Equality(value),
    };

    /// <summary>Each operator of the document is a condition of its own on the same path; all must hold.</summary>
    public static IValueCondition CompileOperators(BsonDocument operators)
    {
        var parts = new List<IValueCondition>();
        if (operators.Contains("$regex") || operators.Contains("$options"))
        {
            parts.Add(Regex(RegexFrom(operators)));
        }

        foreach (var element in operators.Elements.Where(e => e.Name is not ("$regex" or "$options")))
        {
            parts.Add(CompileOperator(element.Name, element.Value));
        }

        return parts.Count == 1 ? parts[0] : new AllValues(parts);
    }

    private static IValueCondition CompileOperator(string name, BsonValue argument) => name switch
    {
        "$eq" => Equality(argument),
        "$ne" => new NotValue(Equality(argument)),
        "$gt" => Comparison(argument, c => c > 0),
        "$gte" => Comparison(argument, c => c >= 0),
        "$lt" => Comparison(argument, c => c < 0),
        "$lte" => Comparison(argument, c => c <= 0),
        "$in" => In(name, argument),
        "$nin" => new NotValue(In(name, argument)),
        "$exists" => IsTruthy(argument) ? Exists : new NotValue(Exists),
        "$not" => new NotValue(Not(argument)),
        "$size" => Size(argument),
        "$elemMatch" => ElemMatch(argument),
        "$all" => All(argument),
        "$type" => TypeOf(BsonTypeAliases.Resolve(argument)),
        _ => throw new ReplicaException(ErrorCode.BadValue, $"unknown operator: {name}"),
    };

    private static IValueCondition Equality(BsonValue operand) => new AnyValue(v => BsonOrder.Equal(v, operand), ExpandLeafArrays: true);

    private static IValueCondition Regex(RegexPattern pattern) => new AnyValue(pattern.Matches, ExpandLeafArrays: true);

    /// <summary>Comparisons stay within the operand's type (numbers with numbers); MinKey and MaxKey reach across all types.</summary>
    private static IValueCondition Comparison(BsonValue operand, Func<int, bool> accepts)
    {
        var crossesTypes = operand is BsonMinKey or BsonMaxKey;
        return new AnyValue(
            v => (crossesTypes || BsonOrder.TypeRank(v) == BsonOrder.TypeRank(operand))
                && !OnlyOneIsNaN(v, operand)
                && accepts(BsonOrder.Compare(v, operand)),
            ExpandLeafArrays: true);
    }

    private static bool OnlyOneIsNaN(BsonValue? value, BsonValue operand) =>
        value is not null && value.IsNumeric && operand.IsNumeric && BsonNumbers.IsNaN(value) != BsonNumbers.IsNaN(operand);

    private static IValueCondition In(string name, BsonValue argument)
    {
        if (argument is not BsonArray array)
        {
            throw new ReplicaException(ErrorCode.BadValue, $"{name} needs an array");
        }

        var tests = array.Select(v => v switch
        {
            BsonRegularExpression regex => RegexPattern.Compile(regex, name).Matches,
            _ when IsOperatorDocument(v) => throw new ReplicaException(ErrorCode.BadValue, $"cannot nest $ under {name}"),
            _ => (Func<BsonValue?, bool>)(x => BsonOrder.Equal(x, v)),
        }).ToList();
        return new AnyValue(v => tests.Any(t => t(v)), ExpandLeafArrays: true);
    }

    private static IValueCondition Not(BsonValue argument) => argument switch
    {
        BsonRegularExpression regex => Regex(RegexPattern.Compile(regex, "$not")),
        _ when IsOperatorDocument(argument) => CompileOperators(argument.AsBsonDocument),
        _ => throw new ReplicaException(ErrorCode.BadValue, "$not needs a regex or a non-empty document of operators"),
    };

    private static IValueCondition Size(BsonValue argument)
    {
        if (!argument.IsNumeric || BsonNumbers.ToDouble(argument) is var n && (n < 0 || n != Math.Floor(n) || n > int.MaxValue))
        {
            throw new ReplicaException(ErrorCode.BadValue, $"$size needs a non-negative whole number, not {argument}");
        }

        var size = (int)n;
        return new AnyValue(v => v is BsonArray a && a.Count == size, ExpandLeafArrays: false);
    }

    private static IValueCondition ElemMatch(BsonValue argument)
    {
        if (argument is not BsonDocument spec)
        {
            throw new ReplicaException(ErrorCode.BadValue, "$elemMatch needs a document");
        }

        return new ElemMatchValue(ElementCondition(spec));
    }

    /// <summary>
    /// What <c>$elemMatch</c> and <c>$pull</c> ask of one array element: with operators first (<c>{$gt: 1}</c>)
    /// the element is tested as a value; otherwise it must be a document matching the spec as a filter.
    /// </summary>
    public static Func<BsonValue, bool> ElementCondition(BsonDocument spec)
    {
        if (IsOperatorDocument(spec) && !Logical.Contains(spec.GetElement(0).Name))
        {
            var condition = CompileOperators(spec);
            return e => condition.Matches(PathValues.Single(e), null);
        }

        var filter = Compile(spec);
        return e => e is BsonDocument d && filter.Matches(d, null);
    }

    private static IValueCondition All(BsonValue argument)
    {
        if (argument is not BsonArray array)
        {
            throw new ReplicaException(ErrorCode.BadValue, "$all needs an array");
        }

        if (array.Count == 0)
        {
            return new AnyValue(_ => false, ExpandLeafArrays: false);
        }

        return new AllValues(array.Select(v => v switch
        {
            BsonDocument { ElementCount: 1 } d when d.GetElement(0).Name == "$elemMatch" => ElemMatch(d[0]),
            _ when IsOperatorDocument(v) => throw new ReplicaException(ErrorCode.BadValue, "$all accepts values and {$elemMatch: ...} only"),
            _ => CompileValue(v),
        }).ToList());
    }

    private static IValueCondition TypeOf(IReadOnlySet<BsonType> types) =>
        new AnyValue(v => v is not null && types.Contains(v.BsonType), ExpandLeafArrays: true);

    private static RegexPattern RegexFrom(BsonDocument operators)
    {
        var options = operators.GetValue("$options", null);
        if (options is not (null or BsonString))
        {
            throw new ReplicaException(ErrorCode.BadValue, "$options needs a string");
        }

        var regex = operators.GetValue("$regex", null) switch
        {
            BsonString pattern => new BsonRegularExpression(pattern.Value, options?.AsString ?? ""),
            BsonRegularExpression literal when options is null => literal,
            BsonRegularExpression literal when literal.Options.Length == 0 => new BsonRegularExpression(literal.Pattern, options!.AsString),
            BsonRegularExpression => throw new ReplicaException(ErrorCode.BadValue, "$regex options are set both in the regex and in $options"),
            null => throw new ReplicaException(ErrorCode.BadValue, "$options needs a $regex"),
            _ => throw new ReplicaException(ErrorCode.BadValue, "$regex needs a string or a regular expression"),
        };
        return RegexPattern.Compile(regex, "$regex");
    }

    /// <summary>MongoDB's truthiness for operator flags: false, zero, null and undefined are false.</summary>
    private static bool IsTruthy(BsonValue value) => value switch
    {
        BsonBoolean b => b.Value,
        _ when value.IsNumeric => BsonNumbers.ToDouble(value) != 0,
        BsonNull or BsonUndefined => false,
        _ => true,
    };
}
