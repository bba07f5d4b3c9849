using System.CommandLine;
using MongoDB.Bson;
using ReplicaActors.Cli.Arguments;
using ReplicaActors.Protocol;
using Spectre.Console;

namespace ReplicaActors.Cli.Palettes;

/// <summary><c>rs reconfig</c>, <c>rs add</c> and <c>rs remove</c>: every config change goes to the primary as <c>replSetReconfig</c>.</summary>
public static class RsReconfigCommands
{
    private const string Admin = "admin";

    private static readonly CommandRequest GetConfig = new(Admin, new BsonDocument(CommandCatalog.ReplSetGetConfig, 1));

    public static Command Reconfig(CommandRunner runner)
    {
        var file = new Argument<string>("config.json") { Description = "The new replica set config as a JSON file" };
        var force = new Option<bool>("--force") { Description = "Install the config even without a primary or a majority (may lose writes)" };
        var command = new Command("reconfig", "Replace the replica set config") { file, force };
        runner.Bind(command, new CliCommand(
            parseResult => ReconfigRequest(ConfigFile.Read(parseResult.GetValue(file)!), parseResult.GetValue(force)),
            (_, _, output) => output.Console.WriteLine("new config installed")));
        return command;
    }

    public static Command Add(CommandRunner runner)
    {
        var host = new Argument<string>("HOST") { Description = "The new member's host:port" };
        var priority = new Option<double?>("--priority") { Description = "Election priority (0 never stands)", HelpName = "P" };
        var votes = new Option<int?>("--votes") { Description = "1 votes, 0 does not", HelpName = "0|1" };
        var hidden = new Option<bool>("--hidden") { Description = "Invisible to clients (needs --priority 0)" };
        var delay = new Option<int?>("--delay") { Description = "Apply the oplog this many seconds late (needs --priority 0)", HelpName = "SECS" };
        var arbiter = new Option<bool>("--arbiter") { Description = "Votes but holds no data" };
        var tags = new Option<string?>("--tags") { Description = "Member tags as a JSON document of strings", HelpName = "JSON" };
        var command = new Command("add", "Add a member to the replica set") { host, priority, votes, hidden, delay, arbiter, tags };

        BsonDocument Member(ParseResult parseResult)
        {
            var member = new BsonDocument("host", ConfigEdits.Host(parseResult.GetValue(host)!));
            if (parseResult.GetValue(arbiter)) member["arbiterOnly"] = true;
            if (parseResult.GetValue(priority) is { } p) member["priority"] = p;
            if (parseResult.GetValue(votes) is { } v) member["votes"] = v;
            if (parseResult.GetValue(hidden)) member["hidden"] = true;
            if (parseResult.GetValue(delay) is { } d) member["secondaryDelaySecs"] = d;
            if (parseResult.GetValue(tags) is { } json) member["tags"] = Tags(json);
            return member;
        }

        runner.Bind(command, new CliCommand(
            parseResult =>
            {
                // The line is checked before anything is sent: a bad host or tag document is a usage error.
                Member(parseResult);
                return GetConfig;
            },
            (_, _, output) => output.Console.WriteLine("member added"))
        {
            Then = (parseResult, reply) => ReconfigRequest(ConfigEdits.AddMember(ConfigEdits.ConfigOf(reply), Member(parseResult)), force: false),
        });
        return command;
    }

    public static Command Remove(CommandRunner runner)
    {
        var host = new Argument<string>("HOST") { Description = "The host:port of the member to remove" };
        var command = new Command("remove", "Remove a member from the replica set") { host };
        runner.Bind(command, new CliCommand(
            parseResult =>
            {
                ConfigEdits.Host(parseResult.GetValue(host)!);
                return GetConfig;
            },
            (_, _, output) => output.Console.WriteLine("member removed"))
        {
            Then = (parseResult, reply) =>
                ReconfigRequest(ConfigEdits.RemoveMember(ConfigEdits.ConfigOf(reply), ConfigEdits.Host(parseResult.GetValue(host)!)), force: false),
        });
        return command;
    }

    private static CommandRequest ReconfigRequest(BsonDocument config, bool force) =>
        new(Admin, new BsonDocument { { CommandCatalog.ReplSetReconfig, config }, { "force", force } });

    private static BsonDocument Tags(string json)
    {
        var tags = JsonArgument.Document("--tags", json);
        var notString = tags.FirstOrDefault(t => !t.Value.IsString);
        if (notString.Name is not null)
            throw new ReplicaException(ErrorCode.BadValue, $"--tags: the value of tag '{notString.Name}' must be a string, got {notString.Value}");
        return tags;
    }
}
