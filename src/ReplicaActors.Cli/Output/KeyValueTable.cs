using MongoDB.Bson;
using Spectre.Console;

namespace ReplicaActors.Cli.Output;

/// <summary>A reply's fields as a two-column table, values in relaxed Extended JSON; the <c>ok</c> flag is left out.</summary>
public static class KeyValueTable
{
    public static void Render(BsonDocument reply, IAnsiConsole console)
    {
        var table = new Table().AddColumn("field").AddColumn("value");
        foreach (var element in reply.Where(e => e.Name != "ok"))
            table.AddRow(new Text(element.Name), new Text(ExtendedJson.Format(element.Value)));
        console.Write(table);
    }
}
