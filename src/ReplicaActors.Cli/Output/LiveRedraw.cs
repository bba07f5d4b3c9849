using Spectre.Console;
using Spectre.Console.Rendering;

namespace ReplicaActors.Cli.Output;

/// <summary>A view redrawn in place every interval until Ctrl-C (<c>--watch</c>).</summary>
public static class LiveRedraw
{
    /// <param name="frame">One frame; it shows a failure in place of the view rather than throwing, so watching goes on.</param>
    public static async Task<int> RunAsync(IAnsiConsole console, Func<CancellationToken, Task<IRenderable>> frame, TimeSpan interval, CancellationToken cancellationToken)
    {
        try
        {
            await console.Live(new Text("")).StartAsync(async context =>
            {
                while (true)
                {
                    context.UpdateTarget(await frame(cancellationToken));
                    context.Refresh();
                    await Task.Delay(interval, cancellationToken);
                }
            });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C is how a watch ends.
        }
        return ExitCodes.Ok;
    }
}
