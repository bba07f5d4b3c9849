using MongoDB.Bson;
using Spectre.Console;
using ReplicaActors.Storage;

namespace ReplicaActors.Cli.Output;

/// <summary>Documents as a table: one column per top-level field seen in any document, <c>_id</c> first, cells in relaxed Extended JSON.</summary>
public static class DocumentTable
{
    public static void Render(IReadOnlyList<BsonDocument> documents, IAnsiConsole console, string empty)
    {
        if (documents.Count == 0)
        {
            console.WriteLine(empty);
            return;
        }
        var columns = Columns(documents);
        var table = new Table();
        foreach (var column in columns) table.AddColumn(new TableColumn(new Text(column)));
        foreach (var document in documents)
            table.AddRow(columns.Select(c => new Text(document.TryGetValue(c, out var v) ? ExtendedJson.Format(v) : "")));
        console.Write(table);
    }

    public static IReadOnlyList<string> Columns(IEnumerable<BsonDocument> documents)
    {
        var names = documents.SelectMany(d => d.Names).Distinct().ToList();
        return names.Contains("_id") ? ["_id", .. names.Where(n => n != "_id")] : names;
    }
}
