using System.CommandLine;
using MongoDB.Bson;
using ReplicaActors.Cli.Output;
using ReplicaActors.Client;
using ReplicaActors.Protocol;

namespace ReplicaActors.Cli;

/// <summary>
/// The pipeline every command shares: read the line into a request (usage errors), send it to the first host
/// that answers, check the reply for errors, then print it as tables or JSON.
/// </summary>
public sealed class CommandRunner(GlobalOptions globals, Func<ICommandTransport> transportFactory, CliOutput output)
{
    public void Bind(Command command, CliCommand cli) =>
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, cli, cancellationToken));

    private async Task<int> RunAsync(ParseResult parseResult, CliCommand cli, CancellationToken cancellationToken)
    {
        ClientSettings settings;
        CommandRequest request;
        try
        {
            settings = globals.Settings(parseResult);
            request = cli.Build(parseResult);
        }
        catch (ReplicaException e)
        {
            output.Error.WriteLine($"rsctl: {e.Message}");
            return ExitCodes.Usage;
        }

        BsonDocument reply;
        try
        {
            await using var transport = transportFactory();
            reply = (await new HostSelector(transport, settings).SendAsync(request, cancellationToken)).Body;
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

        if (parseResult.GetValue(globals.Json)) output.Out.WriteLine(ExtendedJson.FormatIndented(cli.JsonOf(reply)));
        else cli.Render(request, reply, output);

        var failures = ReplyErrors.WriteFailures(reply);
        foreach (var failure in failures) output.Error.WriteLine(failure);
        return failures.Count == 0 ? ExitCodes.Ok : ExitCodes.CommandFailed;
    }
}
