using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage.Query;

/// <summary>Reads an operator-style update document into operations, refusing bad operators, paths and arguments.</summary>
internal static class UpdateParser
{
    private static readonly HashSet<string> PushModifiers = ["$each", "$position", "$slice", "$sort"];

    public static IReadOnlyList<UpdateOperation> Parse(BsonDocument update, ArrayFilters filters)
    {
        var operations = new List<UpdateOperation>();
        foreach (var group in update)
        {
            if (group.Value is not BsonDocument fields)
            {
                throw new ReplicaException(ErrorCode.FailedToParse,
                    group.Name.StartsWith('$')
                        ? $"{group.Name} needs a document of fields, not a {group.Value.BsonType}"
                        : $"update mixes operators and plain fields: '{group.Name}' is not an operator");
            }

            foreach (var field in fields)
            {
                if (group.Name == "$rename" && PositionalPath.IsPositional(field.Name))
                {
                    throw new ReplicaException(ErrorCode.BadValue, $"The source field for $rename may not be dynamic: {field.Name}");
                }

                PositionalPath.Validate(group.Name, field.Name, filters);
                operations.Add(Parse(group.Name, field.Name, field.Value));
            }
        }

        var paths = operations.SelectMany(o => o.Paths).ToList();
        if (PathOverlap.FindFirst(paths) is var (first, second))
        {
            throw new ReplicaException(ErrorCode.ConflictingUpdateOperators, $"updating the path '{second}' would create a conflict at '{first}'");
        }

        return operations;
    }

    private static UpdateOperation Parse(string op, string path, BsonValue argument) => op switch
    {
        "$set" or "$setOnInsert" => new SetOperation(path, Storable(op, path, argument), op == "$setOnInsert"),
        "$unset" => new UnsetOperation(path),
        "$inc" or "$mul" => new ArithmeticOperation(op, path, Number(op, path, argument)),
        "$min" or "$max" => new MinMaxOperation(op, path, Storable(op, path, argument)),
        "$currentDate" => new CurrentDateOperation(path, IsTimestampRequest(path, argument)),
        "$push" => Push(path, argument),
        "$addToSet" => new AddToSetOperation(path, EachOf(op, path, argument)),
        "$pull" => new PullOperation(op, path, PullCondition(argument)),
        "$pullAll" => new PullOperation(op, path, PullAllCondition(path, argument)),
        "$pop" => new PopOperation(path, PopsFirst(argument)),
        "$rename" => Rename(path, argument),
        _ when op.StartsWith('$') => throw new ReplicaException(ErrorCode.FailedToParse, $"unknown update operator: {op}"),
        _ => throw new ReplicaException(ErrorCode.FailedToParse, $"update mixes operators and plain fields: '{op}' is not an operator"),
    };

    private static BsonValue Storable(string op, string path, BsonValue value)
    {
        try
        {
            DocumentRules.ValidateNames(value, path);
        }
        catch (ReplicaException e)
        {
            throw new ReplicaException(e.Code, $"{op}: {e.Message}");
        }

        return value;
    }

    private static BsonValue Number(string op, string path, BsonValue argument) => argument.IsNumeric
        ? argument
        : throw new ReplicaException(ErrorCode.TypeMismatch, $"{op} needs a numeric argument for '{path}', not {argument}");

    private static bool IsTimestampRequest(string path, BsonValue argument) => argument switch
    {
        BsonBoolean => false,
        BsonDocument { ElementCount: 1 } d when d.GetValue("$type", null) is BsonString { Value: "date" or "timestamp" } type => type.Value == "timestamp",
        _ => throw new ReplicaException(ErrorCode.BadValue, $"$currentDate for '{path}' needs true or {{$type: \"date\" | \"timestamp\"}}, not {argument}"),
    };

    /// <summary>A plain value is one item; a document led by <c>$each</c> carries the items (and, for <c>$push</c>, its modifiers).</summary>
    private static IReadOnlyList<BsonValue> EachOf(string op, string path, BsonValue argument)
    {
        if (argument is not BsonDocument spec || !spec.Contains("$each"))
        {
            return [Storable(op, path, argument)];
        }

        var allowed = op == "$push" ? PushModifiers : ["$each"];
        if (spec.Names.FirstOrDefault(n => !allowed.Contains(n)) is { } unknown)
        {
            throw new ReplicaException(ErrorCode.BadValue, $"{op} for '{path}' has an unknown modifier {unknown}");
        }

        return spec["$each"] is BsonArray each
            ? each.Select(v => Storable(op, path, v)).ToList()
            : throw new ReplicaException(ErrorCode.BadValue, $"{op} $each for '{path}' needs an array, not {spec["$each"]}");
    }

    private static PushOperation Push(string path, BsonValue argument)
    {
        var spec = argument as BsonDocument is { } d && d.Contains("$each") ? d : [];
        return new PushOperation(
            path,
            EachOf("$push", path, argument),
            WholeNumber(spec, "$position", path),
            WholeNumber(spec, "$slice", path),
            spec.GetValue("$sort", null) is { } sort ? PushSort(path, sort) : null);
    }

    private static int? WholeNumber(BsonDocument spec, string modifier, string path) => spec.GetValue(modifier, null) switch
    {
        null => null,
        { IsNumeric: true } n when BsonNumbers.ToDouble(n) is var d && d == Math.Floor(d) && Math.Abs(d) <= int.MaxValue => (int)d,
        var other => throw new ReplicaException(ErrorCode.BadValue, $"$push {modifier} for '{path}' needs a whole number, not {other}"),
    };

    /// <summary><c>$sort: 1 | -1</c> orders elements by BSON order; a document sorts document elements by those fields.</summary>
    private static IComparer<BsonValue> PushSort(string path, BsonValue sort)
    {
        if (sort is BsonDocument { ElementCount: > 0 } fields)
        {
            var spec = SortSpec.Compile(fields);
            return Comparer<BsonValue>.Create((a, b) => spec.Compare(a as BsonDocument ?? [], b as BsonDocument ?? []));
        }

        return sort.IsNumeric && BsonNumbers.ToDouble(sort) is var direction && direction is 1 or -1
            ? Comparer<BsonValue>.Create((a, b) => (int)direction * BsonOrder.Compare(a, b))
            : throw new ReplicaException(ErrorCode.BadValue, $"$push $sort for '{path}' needs 1, -1 or a sort document, not {sort}");
    }

    private static Func<BsonValue, bool> PullCondition(BsonValue argument) => argument switch
    {
        BsonDocument spec => FilterCompiler.ElementCondition(spec),
        BsonRegularExpression regex => RegexPattern.Compile(regex, "$pull").Matches,
        _ => e => BsonOrder.Equal(e, argument),
    };

    /// <summary><c>$pullAll</c> removes the elements equal to any of the listed values.</summary>
    private static Func<BsonValue, bool> PullAllCondition(string path, BsonValue argument) => argument is BsonArray values
        ? e => values.Any(v => BsonOrder.Equal(e, v))
        : throw new ReplicaException(ErrorCode.BadValue, $"$pullAll for '{path}' needs an array argument, not a {argument.BsonType}");

    /// <summary><c>$pop: -1</c> removes the first element, <c>1</c> the last; nothing else is accepted.</summary>
    private static bool PopsFirst(BsonValue argument) => argument.IsNumeric && BsonNumbers.ToDouble(argument) is var d && d is 1 or -1
        ? d < 0
        : throw new ReplicaException(ErrorCode.FailedToParse, $"$pop expects 1 or -1, found: {argument}");

    private static RenameOperation Rename(string path, BsonValue argument)
    {
        if (argument is not BsonString { Value: var to })
        {
            throw new ReplicaException(ErrorCode.BadValue, $"$rename target for '{path}' must be a string, not {argument}");
        }

        if (PositionalPath.IsPositional(to))
        {
            throw new ReplicaException(ErrorCode.BadValue, $"The destination field for $rename may not be dynamic: {to}");
        }

        PositionalPath.Validate("$rename", to, ArrayFilters.None);
        return new RenameOperation(path, to);
    }
}
