using System.CommandLine;
using System.CommandLine.Help;
using ReplicaActors.Cli.Output;
using ReplicaActors.Cli.Palettes;
using ReplicaActors.Client;

namespace ReplicaActors.Cli;

/// <summary>rsctl's command line: <c>rsctl HOST[,HOST...] PALETTE COMMAND [args] [--json]</c>.</summary>
public static class Rsctl
{
    public static RootCommand CreateRoot(Func<Akka.Configuration.Config?, ICommandTransport> transportFactory, CliOutput output)
    {
        var globals = new GlobalOptions();
        var runner = new CommandRunner(globals, transportFactory, output);
        var root = new RootCommand("rsctl: administer a ReplicaActors replica set");
        globals.AddTo(root);
        root.Add(RsPalette.Create(runner));
        root.Add(DbPalette.Create(runner));
        root.Add(MetricsCommand.Create(runner, globals));
        return root;
    }

    public static async Task<int> RunAsync(
        IReadOnlyList<string> args, Func<Akka.Configuration.Config?, ICommandTransport> transportFactory, CliOutput output, CancellationToken cancellationToken = default)
    {
        // '@FILE' means a JSON argument read from a file here, not a response file of more arguments.
        var parseResult = CreateRoot(transportFactory, output).Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        // Usage errors are reported here rather than by System.CommandLine so they get their own exit code and stay on stderr.
        if (parseResult.Errors.Count > 0 && parseResult.Action is not HelpAction)
        {
            foreach (var error in parseResult.Errors) output.Error.WriteLine($"rsctl: {error.Message}");
            output.Error.WriteLine("Run 'rsctl --help' for usage.");
            return ExitCodes.Usage;
        }
        return await parseResult.InvokeAsync(new InvocationConfiguration { Output = output.Out, Error = output.Error }, cancellationToken);
    }
}
