using System.Text.RegularExpressions;

namespace ReplicaActors.Tests.Architecture;

/// <summary>
/// The rooms of src/ReplicaActors and the arrows between them (ARCHITECTURE.md): each folder may use only the folders
/// listed for it, and the table has no cycle, so a rule can be read and tested without the layers above it.
/// </summary>
public sealed partial class FolderLayeringTests
{
    private static readonly Dictionary<string, string[]> MayUse = new()
    {
        ["Protocol"] = [],
        ["Config"] = ["Protocol"],
        ["Consensus"] = ["Protocol", "Config"],
        ["Oplog"] = ["Protocol", "Config"],
        ["Security"] = ["Protocol", "Config"],
        ["Storage"] = ["Protocol", "Oplog"],
        ["Replication"] = ["Protocol", "Config", "Consensus", "Oplog", "Storage"],
        ["Member"] = ["Protocol", "Config", "Consensus", "Oplog", "Storage", "Replication"],
        ["Serialization"] = ["Protocol", "Config", "Oplog", "Member"],
        ["Wire"] = ["Protocol", "Config", "Security"],
        ["Client"] = ["Protocol", "Config", "Security"],
        ["Server"] = ["Protocol", "Config", "Consensus", "Oplog", "Security", "Storage", "Replication", "Member", "Serialization", "Wire"],
    };

    [GeneratedRegex(@"\bReplicaActors\.(\w+)")]
    private static partial Regex Reference();

    [Fact]
    public void Every_folder_uses_only_the_folders_below_it()
    {
        var source = Path.Combine(RepositoryRoot(), "src", "ReplicaActors");
        var folders = Directory.GetDirectories(source).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).ToList();
        Assert.Equal(MayUse.Keys.Order(), folders.Order());

        var violations = new List<string>();
        foreach (var folder in folders)
        foreach (var file in Directory.EnumerateFiles(Path.Combine(source, folder!), "*.cs", SearchOption.AllDirectories))
        foreach (Match m in Reference().Matches(File.ReadAllText(file)))
        {
            var used = m.Groups[1].Value;
            if (used != folder && MayUse.ContainsKey(used) && !MayUse[folder!].Contains(used))
                violations.Add($"{Path.GetRelativePath(source, file)} uses {used}");
        }
        Assert.Empty(violations.Distinct());
    }

    [Fact]
    public void The_table_has_no_cycle()
    {
        var visiting = new HashSet<string>();
        var done = new HashSet<string>();
        void Visit(string folder, string path)
        {
            Assert.True(visiting.Add(folder), $"cycle: {path}");
            foreach (var used in MayUse[folder].Where(u => !done.Contains(u))) Visit(used, $"{path} -> {used}");
            visiting.Remove(folder);
            done.Add(folder);
        }
        foreach (var folder in MayUse.Keys.Where(f => !done.Contains(f))) Visit(folder, folder);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ReplicaActors.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no ReplicaActors.sln above {AppContext.BaseDirectory}");
    }
}
