using MongoDB.Bson;
using Spectre.Console;

namespace ReplicaActors.Cli.Output;

/// <summary>The outcome of a write: one summary line, then a table of write errors if any document was refused.</summary>
public static class WriteResultView
{
    public static void Render(string summary, BsonDocument reply, IAnsiConsole console)
    {
        console.WriteLine(summary);
        var errors = ReplyErrors.WriteErrors(reply);
        if (errors.Count == 0) return;
        var table = new Table().AddColumn("index").AddColumn("code").AddColumn("error");
        foreach (var error in errors)
            table.AddRow(new Text(Field(error, "index")), new Text(Field(error, "code")), new Text(Field(error, "errmsg")));
        console.Write(table);
    }

    private static string Field(BsonDocument document, string name) =>
        document.TryGetValue(name, out var value) ? ReplyFields.Plain(value) : "";
}
