using System.CommandLine;
using MongoDB.Bson;
using MongoDB.Driver;
using ReplicaActors.Cli.Arguments;
using ReplicaActors.Cli.Output;
using ReplicaActors.Protocol;
using Spectre.Console.Rendering;

namespace ReplicaActors.Cli.Palettes;

/// <summary>
/// <c>rsctl metrics</c>: every member's numbers side by side, read from each member's wire listener (the process's
/// <c>serverStatus</c>, with the client operations it served and its connections, is served there, not over the member
/// protocol), with its <c>replSetGetStatus</c> for its state, its last applied entry and its oplog window. The members
/// are those the set's status lists (with --direct, the first host alone); one that does not answer is shown as such.
/// </summary>
public static class MetricsCommand
{
    private sealed record MetricsRequest(TimeSpan? Interval, bool Json);

    public static Command Create(CommandRunner runner, GlobalOptions globals)
    {
        var watch = new WatchOptions();
        var command = new Command("metrics", "Show each member's state, lag, oplog window, connections and operation counters (client and replicated)");
        watch.AddTo(command);
        runner.BindStreaming(command, parseResult => new MetricsRequest(watch.Interval(parseResult), parseResult.GetValue(globals.Json)), RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(MetricsRequest request, ClientSettings settings, CliOutput output, CancellationToken cancellationToken)
    {
        var timeout = settings.Options.ServerSelectionTimeout;
        if (WireClients.ForHosts(settings, output) is not { } seeds) return ExitCodes.Usage;
        using var seed = new MongoClient(seeds);
        if (!request.Json && request.Interval is { } interval)
            return await LiveRedraw.RunAsync(output.Console, token => FrameAsync(seed, settings, token), interval, cancellationToken);
        try
        {
            var members = await ReadAsync(seed, settings, cancellationToken);
            if (request.Json) output.Out.WriteLine(ExtendedJson.FormatIndented(MetricsView.Json(members)));
            else output.Console.Write(MetricsView.Frame(members));
            return members.Any(m => m.Error is not null) ? ExitCodes.CommandFailed : ExitCodes.Ok;
        }
        catch (Exception e) when (WireClients.IsFailure(e))
        {
            return WireClients.Report(output, e, NoneAnswered(settings), "reading the set's status", timeout, settings.Login);
        }
    }

    private static async Task<IRenderable> FrameAsync(MongoClient seed, ClientSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            return MetricsView.Frame(await ReadAsync(seed, settings, cancellationToken));
        }
        catch (Exception e) when (WireClients.IsFailure(e))
        {
            return new Spectre.Console.Text(WireClients.Describe(e, NoneAnswered(settings), "reading the set's status", settings.Options.ServerSelectionTimeout, settings.Login));
        }
    }

    /// <summary>The set's members from any member's status, then each member's own numbers, read at once.</summary>
    private static async Task<IReadOnlyList<MemberReading>> ReadAsync(MongoClient seed, ClientSettings settings, CancellationToken cancellationToken)
    {
        var hosts = settings.Options.Direct
            ? [settings.Hosts[0]]
            : ReplyFields.Documents(await ReplStatusAsync(seed, cancellationToken), "members").Select(m => m.GetValue("name", "").ToString()!).ToList();
        return await Task.WhenAll(hosts.Select(host => ReadMemberAsync(host, settings, cancellationToken)));
    }

    private static async Task<MemberReading> ReadMemberAsync(string host, ClientSettings settings, CancellationToken cancellationToken)
    {
        var timeout = settings.Options.ServerSelectionTimeout;
        using var client = new MongoClient(WireClients.ForMember(settings, host));
        try
        {
            var serverStatus = await client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("serverStatus", 1), cancellationToken: cancellationToken);
            return new MemberReading(host, serverStatus, await ReplStatusAsync(client, cancellationToken));
        }
        catch (Exception e) when (WireClients.IsFailure(e))
        {
            return new MemberReading(host, null, null, WireClients.Describe(e, "no answer", "reading it", timeout, settings.Login));
        }
    }

    private static string NoneAnswered(ClientSettings settings) => $"no member of {string.Join(",", settings.Hosts)} answered";

    // Any member answers for the set: a set without a primary still has members to show.
    private static Task<BsonDocument> ReplStatusAsync(MongoClient client, CancellationToken cancellationToken) =>
        client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("replSetGetStatus", 1), ReadPreference.PrimaryPreferred, cancellationToken);
}
