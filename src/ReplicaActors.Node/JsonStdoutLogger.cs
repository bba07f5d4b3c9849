using System.Text.Json;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using ReplicaActors.Protocol;

namespace ReplicaActors.Node;

/// <summary>Akka logger writing one JSON object per line to stdout, so logs can be read by machines as well as people.</summary>
public sealed class JsonStdoutLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private static readonly object ConsoleLock = new();

    public JsonStdoutLogger()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(Write);
    }

    private static void Write(LogEvent e)
    {
        var line = new Dictionary<string, object?>
        {
            ["t"] = e.Timestamp.ToUniversalTime().ToString("O"),
            ["level"] = e.LogLevel().ToString().Replace("Level", "").ToLowerInvariant(),
            ["src"] = e.LogSource,
            ["msg"] = e.Message?.ToString(),
        };
        if (e.Cause is { } cause) line["error"] = cause.ToString();
        var json = JsonSerializer.Serialize(line);
        lock (ConsoleLock) Console.Out.WriteLine(json);
    }
}
