using Spectre.Console;

namespace ReplicaActors.Cli.Output;

/// <summary>
/// Where rsctl writes: raw writers for JSON (which must never be wrapped or styled) and Spectre consoles over the same writers for tables.
/// </summary>
public sealed class CliOutput
{
    public CliOutput(TextWriter @out, TextWriter error, int? width = null)
    {
        Out = @out;
        Error = error;
        Console = CreateConsole(@out, width);
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public IAnsiConsole Console { get; }

    private static IAnsiConsole CreateConsole(TextWriter writer, int? width)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        if (width is { } w) console.Profile.Width = w;
        return console;
    }
}
