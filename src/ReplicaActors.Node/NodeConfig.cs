using ReplicaActors.Server;
using Akka.Configuration;

namespace ReplicaActors.Node;

/// <summary>Turns the member's flags, profile and HOCON files into one override config (flags win over files).</summary>
public static class NodeConfig
{
    public static Akka.Configuration.Config Build(string? replSet, int? port, string? dbpath, string? bindIp, bool bindOutgoing, int? metricsPort, SecurityFlags security, IEnumerable<FileInfo> files, string? profile)
    {
        var flags = new List<string>();
        if (replSet is { } r) flags.Add($"replica-actors.member.replSet = {ReplicaActorsConfig.Quote(r)}");
        if (port is { } p) flags.Add($"replica-actors.member.port = {p}");
        if (dbpath is { } d) flags.Add($"replica-actors.member.dbpath = {ReplicaActorsConfig.Quote(d)}");
        if (bindIp is { } b) flags.Add($"replica-actors.member.bind-ip = {ReplicaActorsConfig.Quote(b)}");
        if (bindOutgoing) flags.Add("replica-actors.remoting.bind-outgoing = on");
        if (metricsPort is { } mp) flags.Add($"replica-actors.metrics.port = {mp}");
        flags.AddRange(security.Hocon());
        flags.Add("akka.loggers = [\"ReplicaActors.Node.JsonStdoutLogger, ReplicaActors.Node\"]");

        var config = ConfigurationFactory.ParseString(string.Join("\n", flags));
        foreach (var file in files.Reverse())
            config = config.WithFallback(Load(file));
        if (profile is not null)
            config = config.WithFallback(Load(ProfileFile(profile)));
        return config;
    }

    /// <summary>Profiles ship beside the executable in hocon/, named PROFILE.conf.</summary>
    public static FileInfo ProfileFile(string profile)
    {
        var file = new FileInfo(Path.Combine(AppContext.BaseDirectory, "hocon", profile + ".conf"));
        if (!file.Exists)
        {
            var known = Directory.Exists(Path.Combine(AppContext.BaseDirectory, "hocon"))
                ? string.Join(", ", Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "hocon"), "*.conf").Select(Path.GetFileNameWithoutExtension))
                : "none";
            throw new ConfigurationException($"unknown profile '{profile}' (known: {known})");
        }
        return file;
    }

    private static Akka.Configuration.Config Load(FileInfo file)
    {
        if (!file.Exists) throw new ConfigurationException($"config file {file.FullName} does not exist");
        try
        {
            return ConfigurationFactory.ParseString(File.ReadAllText(file.FullName));
        }
        catch (Exception e) when (e is not ConfigurationException)
        {
            throw new ConfigurationException($"config file {file.FullName} is not valid HOCON: {e.Message}");
        }
    }
}
