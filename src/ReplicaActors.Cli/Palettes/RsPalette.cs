using System.CommandLine;
using MongoDB.Bson;
using ReplicaActors.Cli.Arguments;
using ReplicaActors.Cli.Output;
using ReplicaActors.Protocol;
using Spectre.Console;

namespace ReplicaActors.Cli.Palettes;

/// <summary>The <c>rs</c> palette: replica set commands, all sent to the admin database.</summary>
public static class RsPalette
{
    private const string Admin = "admin";

    public static Command Create(CommandRunner runner) => new("rs", "Replica set: roles, members, configuration")
    {
        Hello(runner),
        Status(runner),
        Initiate(runner),
        Conf(runner),
        RsReconfigCommands.Reconfig(runner),
        RsReconfigCommands.Add(runner),
        RsReconfigCommands.Remove(runner),
        StepDown(runner),
        Freeze(runner),
        SyncFrom(runner),
        StepUp(runner),
        Resync(runner),
    };

    private static Command Hello(CommandRunner runner) =>
        Simple(runner, "hello", "Show the member's role and the set's topology as it sees it", CommandCatalog.Hello,
            (_, reply, output) => KeyValueTable.Render(reply, output.Console));

    private static Command Status(CommandRunner runner)
    {
        var watch = new WatchOptions();
        var command = new Command("status", "Show every member's state, optime, lag and heartbeat, and the oplog's size and window");
        watch.AddTo(command);
        runner.Bind(command, new CliCommand(
            _ => new CommandRequest(Admin, new BsonDocument(CommandCatalog.ReplSetGetStatus, 1)),
            (_, reply, output) => StatusView.Render(reply, output.Console))
        {
            Live = new LiveView(watch.Interval, StatusView.Frame),
        });
        return command;
    }

    private static Command StepDown(CommandRunner runner)
    {
        var seconds = new Argument<int>("SECS")
        {
            Description = "Seconds the primary may not be elected again (default 60)",
            Arity = ArgumentArity.ZeroOrOne,
            DefaultValueFactory = _ => 60,
        };
        var catchUp = new Option<int>("--catchup")
        {
            Description = "Seconds to wait for a secondary to catch up before stepping down",
            HelpName = "SECS",
            DefaultValueFactory = _ => 10,
        };
        var force = new Option<bool>("--force") { Description = "Step down even if no secondary has caught up" };
        var command = new Command("stepdown", "Make the primary step down so that another member can be elected") { seconds, catchUp, force };
        runner.Bind(command, new CliCommand(
            parseResult => new CommandRequest(Admin, new BsonDocument
            {
                { CommandCatalog.ReplSetStepDown, parseResult.GetValue(seconds) },
                { "secondaryCatchUpPeriodSecs", parseResult.GetValue(catchUp) },
                { "force", parseResult.GetValue(force) },
            }),
            (request, _, output) => output.Console.WriteLine(
                $"primary stepped down; not electable for {request.Command[CommandCatalog.ReplSetStepDown]} s")));
        return command;
    }

    private static Command Freeze(CommandRunner runner)
    {
        var seconds = new Argument<int>("SECS") { Description = "Seconds the member may not stand for election (0 unfreezes)" };
        var command = new Command("freeze", "Keep the first host from standing for election for a while") { seconds };
        runner.Bind(command, new CliCommand(
            parseResult => new CommandRequest(Admin, new BsonDocument(CommandCatalog.ReplSetFreeze, parseResult.GetValue(seconds))),
            (request, _, output) => output.Console.WriteLine(request.Command[CommandCatalog.ReplSetFreeze].AsInt32 == 0
                ? "member unfrozen"
                : $"member frozen for {request.Command[CommandCatalog.ReplSetFreeze]} s")));
        return command;
    }

    private static Command SyncFrom(CommandRunner runner)
    {
        var source = new Argument<string>("SOURCE") { Description = "host:port of the member to sync from" };
        var command = new Command("syncfrom", "Make the first host sync from SOURCE (for its next choice of sync source)") { source };
        runner.Bind(command, new CliCommand(
            parseResult => new CommandRequest(Admin, new BsonDocument(CommandCatalog.ReplSetSyncFrom, parseResult.GetValue(source))),
            (request, reply, output) => output.Console.WriteLine(
                $"syncing from {reply.GetValue("syncFromRequested", request.Command[CommandCatalog.ReplSetSyncFrom])}{(reply.GetValue("prevSyncTarget", "").AsString is { Length: > 0 } previous ? $" (was {previous})" : "")}")));
        return command;
    }

    private static Command StepUp(CommandRunner runner) =>
        Simple(runner, "stepup", "Ask the first host to stand for election now", CommandCatalog.ReplSetStepUp,
            (_, _, output) => output.Console.WriteLine("election started"));

    private static Command Resync(CommandRunner runner) =>
        Simple(runner, "resync", "Discard the first host's data and run a fresh initial sync (a SECONDARY or RECOVERING member; a PRIMARY refuses)", CommandCatalog.Resync,
            (_, reply, output) => output.Console.WriteLine(reply.GetValue("info", "resync started").AsString));

    private static Command Initiate(CommandRunner runner)
    {
        var file = new Argument<string?>("config.json")
        {
            Description = "Replica set config as a JSON file; without it the member initiates a set of itself",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("initiate", "Initiate the replica set") { file };
        runner.Bind(command, new CliCommand(
            parseResult => new CommandRequest(Admin, new BsonDocument(
                CommandCatalog.ReplSetInitiate,
                parseResult.GetValue(file) is { } path ? ConfigFile.Read(path) : BsonNull.Value)),
            (_, _, output) => output.Console.WriteLine("replica set initiated")));
        return command;
    }

    private static Command Conf(CommandRunner runner) =>
        Simple(runner, "conf", "Show the replica set config", CommandCatalog.ReplSetGetConfig,
            (_, reply, output) => output.Out.WriteLine(ExtendedJson.FormatIndented(
                reply.TryGetValue("config", out var config) ? config : CliCommand.WithoutOk(reply))));

    /// <summary>A command without arguments: <c>{ commandName: 1 }</c> on admin.</summary>
    private static Command Simple(
        CommandRunner runner, string name, string description, string commandName, Action<CommandRequest, BsonDocument, CliOutput> render)
    {
        var command = new Command(name, description);
        runner.Bind(command, new CliCommand(_ => new CommandRequest(Admin, new BsonDocument(commandName, 1)), render));
        return command;
    }
}
