using ReplicaActors.Cli;
using ReplicaActors.Cli.Output;

namespace ReplicaActors.Tests.Cli;

/// <summary>One rsctl invocation against a fake transport, with everything it printed.</summary>
public sealed record RsctlRun(int ExitCode, string Out, string Error)
{
    public static async Task<RsctlRun> Of(FakeTransport transport, params string[] args)
    {
        var @out = new StringWriter();
        var error = new StringWriter();
        var exitCode = await Rsctl.RunAsync(args, _ => transport, new CliOutput(@out, error, width: 200));
        return new RsctlRun(exitCode, @out.ToString(), error.ToString());
    }
}
