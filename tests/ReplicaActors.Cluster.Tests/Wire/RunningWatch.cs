using System.Threading.Channels;
using MongoDB.Bson;
using ReplicaActors.Cli;
using ReplicaActors.Cli.Output;

namespace ReplicaActors.Cluster.Tests.Wire;

/// <summary>One <c>rsctl db watch</c> (or any rsctl command line) running in the test, with the lines it printed as they come and a Ctrl-C of its own.</summary>
internal sealed class RunningWatch : IAsyncDisposable
{
    private static readonly TimeSpan LineTimeout = TimeSpan.FromSeconds(30);
    private readonly LineWriter _out = new();
    private readonly StringWriter _error = new();
    private readonly CancellationTokenSource _ctrlC = new();
    private readonly Task<int> _run;

    public RunningWatch(string[] args) =>
        _run = Rsctl.RunAsync(args, _ => throw new InvalidOperationException("db watch does not use the member protocol"), new CliOutput(_out, _error, 200), _ctrlC.Token);

    /// <summary>The next <paramref name="count"/> events it prints, each one line of JSON.</summary>
    public async Task<List<BsonDocument>> LinesAsync(int count)
    {
        using var timeout = new CancellationTokenSource(LineTimeout);
        var events = new List<BsonDocument>();
        try
        {
            while (events.Count < count) events.Add(BsonDocument.Parse(await _out.Lines.ReadAsync(timeout.Token)));
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"printed {events.Count} of {count} lines within {LineTimeout}; stderr: {_error}");
        }
        return events;
    }

    /// <summary>Ctrl-C, then how it ended.</summary>
    public async Task<(int ExitCode, string Error)> StopAsync()
    {
        await _ctrlC.CancelAsync();
        return await ExitAsync();
    }

    public async Task<(int ExitCode, string Error)> ExitAsync() => (await _run.WaitAsync(LineTimeout), _error.ToString().Trim());

    public async ValueTask DisposeAsync()
    {
        await _ctrlC.CancelAsync();
        await _run.WaitAsync(LineTimeout);
        _ctrlC.Dispose();
    }
}

/// <summary>A writer that hands each line to the test as it is written.</summary>
internal sealed class LineWriter : StringWriter
{
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

    public ChannelReader<string> Lines => _lines.Reader;

    public override void WriteLine(string? value) => _lines.Writer.TryWrite(value ?? "");

    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }
}
