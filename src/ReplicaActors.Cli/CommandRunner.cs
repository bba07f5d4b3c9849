using System.CommandLine;
using MongoDB.Bson;
using ReplicaActors.Cli.Output;
using ReplicaActors.Client;
using ReplicaActors.Protocol;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ReplicaActors.Cli;

/// <summary>
/// The pipeline every command shares: read the line into a request (usage errors), send it through a replica set
/// client seeded with the host list, check the reply for errors, then print it as tables or JSON (or redraw it live).
/// </summary>
public sealed class CommandRunner(GlobalOptions globals, Func<Akka.Configuration.Config?, ICommandTransport> transportFactory, CliOutput output)
{
    public void Bind(Command command, CliCommand cli) =>
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, cli, cancellationToken));

    private async Task<int> RunAsync(ParseResult parseResult, CliCommand cli, CancellationToken cancellationToken)
    {
        ClientSettings settings;
        CommandRequest request;
        ReadPreference? readPreference;
        try
        {
            settings = globals.Settings(parseResult);
            request = cli.Build(parseResult);
            readPreference = cli.ReadPreferenceOf(parseResult);
        }
        catch (ReplicaException e)
        {
            output.Error.WriteLine($"rsctl: {e.Message}");
            return ExitCodes.Usage;
        }

        var json = parseResult.GetValue(globals.Json);
        BsonDocument reply;
        try
        {
            await using var transport = transportFactory(settings.Transport);
            await using var client = new ReplicaSetClient(settings.Hosts, transport, settings.Options);
            if (!json && cli.Live is { } live && live.Interval(parseResult) is { } interval)
                return await LiveRedraw.RunAsync(output.Console, token => FrameAsync(client, request, readPreference, live, token), interval, cancellationToken);
            reply = (await client.RunCommandAsync(request, readPreference, cancellationToken)).Body;
            if (cli.Then is { } then && ReplyErrors.CommandError(reply) is null)
            {
                request = then(parseResult, reply);
                reply = (await client.RunCommandAsync(request, readPreference, cancellationToken)).Body;
            }
        }
        catch (ReplicaException e)
        {
            output.Error.WriteLine(ReplyErrors.Describe(e));
            return ExitCodes.CommandFailed;
        }

        if (ReplyErrors.CommandError(reply) is { } error)
        {
            output.Error.WriteLine(error);
            return ExitCodes.CommandFailed;
        }

        if (json) output.Out.WriteLine(ExtendedJson.FormatIndented(cli.JsonOf(reply)));
        else cli.Render(request, reply, output);

        var failures = ReplyErrors.WriteFailures(reply);
        foreach (var failure in failures) output.Error.WriteLine(failure);
        return failures.Count == 0 ? ExitCodes.Ok : ExitCodes.CommandFailed;
    }

    /// <summary>
    /// Binds a command that does not send one request and print one reply (db watch streams over the wire protocol):
    /// the host list and options are read as for every command and <paramref name="parse"/> reads the rest, a mistake
    /// in either exiting as a usage error before anything is sent; then <paramref name="run"/> does the work.
    /// </summary>
    public void BindStreaming<T>(Command command, Func<ParseResult, T> parse, Func<T, ClientSettings, CliOutput, CancellationToken, Task<int>> run) =>
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            ClientSettings settings;
            T request;
            try
            {
                settings = globals.Settings(parseResult, remoting: false);
                request = parse(parseResult);
            }
            catch (ReplicaException e)
            {
                output.Error.WriteLine($"rsctl: {e.Message}");
                return ExitCodes.Usage;
            }
            return await run(request, settings, output, cancellationToken);
        });

    /// <summary>One frame of a live view: the reply, or its error in place of it.</summary>
    private static async Task<IRenderable> FrameAsync(
        IReplicaSetClient client, CommandRequest request, ReadPreference? readPreference, LiveView live, CancellationToken cancellationToken)
    {
        try
        {
            var reply = (await client.RunCommandAsync(request, readPreference, cancellationToken)).Body;
            return ReplyErrors.CommandError(reply) is { } error ? new Text(error) : live.Frame(reply);
        }
        catch (ReplicaException e)
        {
            return new Text(ReplyErrors.Describe(e));
        }
    }
}
