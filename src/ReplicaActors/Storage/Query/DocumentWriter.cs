using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Storage.Query;

/// <summary>
/// Reads and writes one dotted path inside a document being updated: numeric parts index arrays (writing
/// past the end pads with nulls, as MongoDB does), missing documents along the way are created when asked.
/// </summary>
internal static class DocumentWriter
{
    /// <summary>MongoDB's limit on nulls added by writing past an array's end, so a stray index cannot exhaust memory.</summary>
    private const int MaxPadding = 1_500_000;

    public static BsonValue? Read(BsonDocument document, string path) =>
        Locate(document, path, create: false) is var (container, name) ? ReadChild(container, name) : null;

    public static void Write(BsonDocument document, string path, BsonValue value)
    {
        var (container, name) = Locate(document, path, create: true)!.Value;
        WriteChild(container, name, value, path);
    }

    /// <summary>Removes the field; an array element is set to null instead, so later indexes keep their meaning.</summary>
    public static void Remove(BsonDocument document, string path)
    {
        switch (Locate(document, path, create: false))
        {
            case (BsonDocument d, var name):
                d.Remove(name);
                break;
            case (BsonArray a, var name) when FieldPath.TryIndex(name, out var i) && i < a.Count:
                a[i] = BsonNull.Value;
                break;
        }
    }

    /// <summary>Whether a part of the path before its last one is an array (where $rename may not reach).</summary>
    public static bool PassesThroughArray(BsonDocument document, string path)
    {
        BsonValue current = document;
        foreach (var part in FieldPath.Split(path)[..^1])
        {
            if (current is BsonArray)
            {
                return true;
            }

            if (ReadChild(current, part) is not { } next)
            {
                return false;
            }

            current = next;
        }

        return current is BsonArray;
    }

    /// <summary>The container that holds the path's last part, and that part; null when a part is missing and not created.</summary>
    private static (BsonValue Container, string Name)? Locate(BsonDocument document, string path, bool create)
    {
        var parts = FieldPath.Split(path);
        BsonValue current = document;
        foreach (var part in parts[..^1])
        {
            switch (ReadChild(current, part))
            {
                case BsonValue next when next is BsonDocument or BsonArray:
                    current = next;
                    break;
                case null when create:
                    var created = new BsonDocument();
                    WriteChild(current, part, created, path);
                    current = created;
                    break;
                case { } scalar when create:
                    throw new ReplicaException(ErrorCode.TypeMismatch,
                        $"cannot create field '{path}': '{part}' holds a {scalar.BsonType}, not a document");
                default:
                    return null;
            }
        }

        return (current, parts[^1]);
    }

    private static BsonValue? ReadChild(BsonValue container, string name) => container switch
    {
        BsonDocument d => d.TryGetValue(name, out var v) ? v : null,
        BsonArray a when FieldPath.TryIndex(name, out var i) && i < a.Count => a[i],
        _ => null,
    };

    private static void WriteChild(BsonValue container, string name, BsonValue value, string path)
    {
        if (container is BsonDocument document)
        {
            document.Set(name, value);
            return;
        }

        var array = (BsonArray)container;
        if (!FieldPath.TryIndex(name, out var index))
        {
            throw new ReplicaException(ErrorCode.TypeMismatch, $"cannot create field '{name}' of '{path}' in an array");
        }

        if (index - array.Count > MaxPadding)
        {
            throw new ReplicaException(ErrorCode.BadValue, $"'{path}' would pad an array with more than {MaxPadding} nulls");
        }

        while (array.Count <= index)
        {
            array.Add(BsonNull.Value);
        }

        array[index] = value;
    }
}
