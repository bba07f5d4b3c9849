using System.CommandLine;

namespace ReplicaActors.Cli.Arguments;

/// <summary>--watch and --interval: redraw a view every interval until Ctrl-C.</summary>
public sealed class WatchOptions
{
    private readonly Option<bool> _watch = new("--watch") { Description = "Redraw the table until Ctrl-C" };

    private readonly Option<int> _interval = new("--interval")
    {
        Description = "Seconds between redraws with --watch",
        HelpName = "SECS",
        DefaultValueFactory = _ => 2,
    };

    public WatchOptions()
    {
        _interval.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() <= 0) result.AddError("--interval must be a positive number of seconds");
        });
    }

    public void AddTo(Command command)
    {
        command.Add(_watch);
        command.Add(_interval);
    }

    /// <summary>The time between redraws, or null when the line did not ask to watch.</summary>
    public TimeSpan? Interval(ParseResult parseResult) =>
        parseResult.GetValue(_watch) ? TimeSpan.FromSeconds(parseResult.GetValue(_interval)) : null;
}
