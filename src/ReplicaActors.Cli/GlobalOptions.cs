using System.CommandLine;
using ReplicaActors.Client;
using ReplicaActors.Protocol;

namespace ReplicaActors.Cli;

/// <summary>The host list and the options every command accepts, wherever they appear on the line.</summary>
public sealed class GlobalOptions
{
    public Argument<string> Hosts { get; } = new("HOST[,HOST...]")
    {
        Description = "Seed members of the replica set, as host:port, separated by commas; the others are discovered from them",
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print the reply as relaxed Extended JSON instead of tables",
        Recursive = true,
    };

    public Option<bool> Direct { get; } = new("--direct")
    {
        Description = "Talk only to the first host, whatever its role: no discovery, reads allowed on a secondary",
        Recursive = true,
    };

    public Option<int> Timeout { get; } = new("--timeout")
    {
        Description = "Seconds to wait for a suitable member (a primary for writes) and for each reply",
        HelpName = "SECS",
        DefaultValueFactory = _ => 10,
        Recursive = true,
    };

    public GlobalOptions()
    {
        Timeout.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() <= 0) result.AddError("--timeout must be a positive number of seconds");
        });
    }

    public void AddTo(RootCommand root)
    {
        root.Add(Hosts);
        root.Add(Json);
        root.Add(Direct);
        root.Add(Timeout);
    }

    public ClientSettings Settings(ParseResult parseResult)
    {
        var hosts = parseResult.GetRequiredValue(Hosts).Split(',', StringSplitOptions.TrimEntries);
        if (hosts.Any(h => h.Length == 0))
            throw new ReplicaException(ErrorCode.BadValue, $"host list '{parseResult.GetValue(Hosts)}' has an empty entry");
        var timeout = TimeSpan.FromSeconds(parseResult.GetValue(Timeout));
        // A person at a prompt waits --timeout at most, for a primary as for a reply.
        var options = ReplicaSetClientOptions.FromConfig(ReferenceConfig.Value) with
        {
            Direct = parseResult.GetValue(Direct),
            CommandTimeout = timeout,
            ServerSelectionTimeout = timeout,
        };
        return new ClientSettings(hosts, options);
    }
}
