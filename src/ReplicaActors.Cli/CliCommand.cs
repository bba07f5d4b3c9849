using System.CommandLine;
using MongoDB.Bson;
using ReplicaActors.Cli.Output;
using ReplicaActors.Client;
using ReplicaActors.Protocol;
using Spectre.Console.Rendering;

namespace ReplicaActors.Cli;

/// <summary>
/// What one rsctl command does around the shared send-and-check pipeline:
/// turn the parsed command line into a command document, show the reply to a person, and pick what <c>--json</c> prints.
/// </summary>
public sealed record CliCommand(
    Func<ParseResult, CommandRequest> Build,
    Action<CommandRequest, BsonDocument, CliOutput> Render,
    Func<BsonDocument, BsonValue> JsonOf)
{
    public CliCommand(Func<ParseResult, CommandRequest> build, Action<CommandRequest, BsonDocument, CliOutput> render)
        : this(build, render, WithoutOk)
    {
    }

    /// <summary>The read preference given on the line (reads only); null means primary.</summary>
    public Func<ParseResult, ReadPreference?> ReadPreferenceOf { get; init; } = _ => null;

    /// <summary>
    /// Set for commands that edit what the set holds: the request <see cref="Build"/> makes only reads it, and this
    /// turns that reply into the command actually sent (rs add reads the config, then sends the edited one).
    /// </summary>
    public Func<ParseResult, BsonDocument, CommandRequest>? Then { get; init; }

    /// <summary>Set for commands that can redraw their reply live until Ctrl-C.</summary>
    public LiveView? Live { get; init; }

    /// <summary>The reply as <c>--json</c> prints it by default: everything but the <c>ok</c> flag.</summary>
    public static BsonValue WithoutOk(BsonDocument reply)
    {
        var copy = new BsonDocument(reply);
        copy.Remove("ok");
        return copy;
    }
}

/// <summary>How often to redraw (null: the line did not ask to watch) and what one frame shows.</summary>
public sealed record LiveView(Func<ParseResult, TimeSpan?> Interval, Func<BsonDocument, IRenderable> Frame);
