using System.CommandLine;

namespace ReplicaActors.Cli.Palettes;

/// <summary>The <c>db</c> palette: documents, indexes, databases and collections.</summary>
public static class DbPalette
{
    public static Command Create(CommandRunner runner)
    {
        var palette = new Command("db", "Data: documents, indexes, databases and collections");
        foreach (var command in DbCrudCommands.Create(runner).Concat(DbIndexCommands.Create(runner)).Concat(DbCatalogCommands.Create(runner)))
            palette.Add(command);
        palette.Add(DbWatchCommand.Create(runner));
        return palette;
    }
}
