using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage.Query;

/// <summary>What an update operation may depend on besides the document: the caller's now, and whether this is an upsert's insert.</summary>
internal readonly record struct UpdateContext(DateTime Now, bool IsInsert);

/// <summary>One operator applied to one path of a working copy of the document.</summary>
internal abstract record UpdateOperation(string Operator, string Path)
{
    /// <summary>Every path the operation touches, for conflict detection.</summary>
    public virtual IEnumerable<string> Paths => [Path];

    public abstract void Apply(BsonDocument target, UpdateContext context);

    protected ReplicaException Mismatch(BsonValue current, string expected) =>
        new(ErrorCode.TypeMismatch, $"{Operator} needs {expected} at '{Path}', which holds a {current.BsonType}");
}

internal sealed record SetOperation(string Path, BsonValue Value, bool OnInsertOnly) : UpdateOperation(OnInsertOnly ? "$setOnInsert" : "$set", Path)
{
    public override void Apply(BsonDocument target, UpdateContext context)
    {
        if (!OnInsertOnly || context.IsInsert)
        {
            DocumentWriter.Write(target, Path, Value.DeepClone());
        }
    }
}

internal sealed record UnsetOperation(string Path) : UpdateOperation("$unset", Path)
{
    public override void Apply(BsonDocument target, UpdateContext context) => DocumentWriter.Remove(target, Path);
}

/// <summary><c>$inc</c> and <c>$mul</c>: a missing field starts from the amount (for <c>$inc</c>) or zero (for <c>$mul</c>).</summary>
internal sealed record ArithmeticOperation(string Operator, string Path, BsonValue Amount) : UpdateOperation(Operator, Path)
{
    public override void Apply(BsonDocument target, UpdateContext context)
    {
        var isInc = Operator == "$inc";
        var result = DocumentWriter.Read(target, Path) switch
        {
            null => isInc ? Amount : BsonNumbers.ZeroLike(Amount),
            { IsNumeric: true } current => (isInc ? BsonNumbers.Add(current, Amount) : BsonNumbers.Multiply(current, Amount))
                ?? throw new ReplicaException(ErrorCode.BadValue, $"{Operator} by {Amount} overflows the value at '{Path}'"),
            var current => throw Mismatch(current, "a number"),
        };
        DocumentWriter.Write(target, Path, result);
    }
}

/// <summary><c>$min</c> and <c>$max</c>: replace when the new value is lower (higher) in BSON order, across types.</summary>
internal sealed record MinMaxOperation(string Operator, string Path, BsonValue Value) : UpdateOperation(Operator, Path)
{
    public override void Apply(BsonDocument target, UpdateContext context)
    {
        var current = DocumentWriter.Read(target, Path);
        var order = BsonOrder.Compare(Value, current);
        if (current is null || (Operator == "$min" ? order < 0 : order > 0))
        {
            DocumentWriter.Write(target, Path, Value.DeepClone());
        }
    }
}

internal sealed record CurrentDateOperation(string Path, bool AsTimestamp) : UpdateOperation("$currentDate", Path)
{
    public override void Apply(BsonDocument target, UpdateContext context)
    {
        // An unspecified kind is taken as UTC: the caller's clock is the only source of now.
        var utc = context.Now.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(context.Now, DateTimeKind.Utc) : context.Now.ToUniversalTime();
        BsonValue value = AsTimestamp
            ? new BsonTimestamp((int)new DateTimeOffset(utc).ToUnixTimeSeconds(), 1)
            : new BsonDateTime(utc);
        DocumentWriter.Write(target, Path, value);
    }
}

/// <summary><c>$push</c>: insert at a position (end by default), then sort, then keep a slice, in that order as MongoDB does.</summary>
internal sealed record PushOperation(string Path, IReadOnlyList<BsonValue> Each, int? Position, int? Slice, IComparer<BsonValue>? Sort)
    : UpdateOperation("$push", Path)
{
    public override void Apply(BsonDocument target, UpdateContext context)
    {
        var items = ExistingArray(target).ToList();
        var at = Position switch
        {
            null => items.Count,
            < 0 => Math.Max(0, items.Count + Position.Value),
            _ => Math.Min(items.Count, Position.Value),
        };
        items.InsertRange(at, Each.Select(v => v.DeepClone()));
        if (Sort is not null)
        {
            items = items.OrderBy(v => v, Sort).ToList();
        }

        if (Slice is { } slice)
        {
            items = slice >= 0 ? items.Take(slice).ToList() : items.TakeLast(-slice).ToList();
        }

        DocumentWriter.Write(target, Path, new BsonArray(items));
    }

    private BsonArray ExistingArray(BsonDocument target) => DocumentWriter.Read(target, Path) switch
    {
        null => [],
        BsonArray array => array,
        var current => throw Mismatch(current, "an array"),
    };
}

internal sealed record AddToSetOperation(string Path, IReadOnlyList<BsonValue> Each) : UpdateOperation("$addToSet", Path)
{
    public override void Apply(BsonDocument target, UpdateContext context)
    {
        var array = DocumentWriter.Read(target, Path) switch
        {
            null => [],
            BsonArray existing => existing,
            var current => throw Mismatch(current, "an array"),
        };
        foreach (var value in Each.Where(v => !array.Contains(v, BsonOrder.Instance)))
        {
            array.Add(value.DeepClone());
        }

        DocumentWriter.Write(target, Path, array);
    }
}

/// <summary><c>$pull</c> and <c>$pullAll</c>: remove every element the condition accepts; a missing field is left missing.</summary>
internal sealed record PullOperation(string Operator, string Path, Func<BsonValue, bool> Removes) : UpdateOperation(Operator, Path)
{
    public override void Apply(BsonDocument target, UpdateContext context)
    {
        switch (DocumentWriter.Read(target, Path))
        {
            case null:
                return;
            case BsonArray array:
                DocumentWriter.Write(target, Path, new BsonArray(array.Where(e => !Removes(e))));
                return;
            case var current:
                throw Mismatch(current, "an array");
        }
    }
}

/// <summary><c>$pop</c>: removes the first or the last element; a missing field or an empty array is left as it is.</summary>
internal sealed record PopOperation(string Path, bool First) : UpdateOperation("$pop", Path)
{
    public override void Apply(BsonDocument target, UpdateContext context)
    {
        switch (DocumentWriter.Read(target, Path))
        {
            case null or BsonArray { Count: 0 }:
                return;
            case BsonArray array:
                DocumentWriter.Write(target, Path, new BsonArray(First ? array.Skip(1) : array.Take(array.Count - 1)));
                return;
            case var current:
                throw Mismatch(current, "an array");
        }
    }
}

internal sealed record RenameOperation(string Path, string To) : UpdateOperation("$rename", Path)
{
    public override IEnumerable<string> Paths => [Path, To];

    public override void Apply(BsonDocument target, UpdateContext context)
    {
        if (DocumentWriter.PassesThroughArray(target, Path) || DocumentWriter.PassesThroughArray(target, To))
        {
            throw new ReplicaException(ErrorCode.BadValue, $"$rename from '{Path}' to '{To}' may not pass through an array");
        }

        if (DocumentWriter.Read(target, Path) is { } value)
        {
            DocumentWriter.Remove(target, Path);
            DocumentWriter.Write(target, To, value);
        }
    }
}
