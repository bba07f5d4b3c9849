namespace ReplicaActors.Protocol;

public enum CommandKind
{
    /// <summary>Changes data: primary only, tagged with a writeId so that a retry never applies it twice.</summary>
    Write,

    /// <summary>Reads data: any member the read preference allows.</summary>
    Read,

    /// <summary>About one member or the set as one member sees it: sent to the first seed that answers.</summary>
    Admin,

    /// <summary>Primary only and never retried: retrying a stepdown or reconfig could act on the next primary.</summary>
    PrimaryOnly,
}

/// <summary>
/// The one list of the commands a member serves, by name, and what kind each is. The member dispatches on these
/// names, the client routes by their kind, and the command line sends them, so a name cannot drift between them.
/// </summary>
public static class CommandCatalog
{
    public const string Insert = "insert";
    public const string Update = "update";
    public const string Delete = "delete";
    public const string Create = "create";
    public const string Drop = "drop";
    public const string DropDatabase = "dropDatabase";
    public const string CreateIndexes = "createIndexes";
    public const string DropIndexes = "dropIndexes";
    public const string FindAndModify = "findAndModify";

    /// <summary>The all-lowercase spelling mongod also accepts (older shells send it).</summary>
    public const string FindAndModifyLowercase = "findandmodify";

    public const string Find = "find";
    public const string Count = "count";
    public const string ListIndexes = "listIndexes";
    public const string ListCollections = "listCollections";
    public const string ListDatabases = "listDatabases";

    public const string Hello = "hello";
    public const string IsMaster = "isMaster";

    /// <summary>The legacy spelling old drivers send in their first handshake.</summary>
    public const string IsMasterLowercase = "ismaster";

    public const string Ping = "ping";
    public const string ServerStatus = "serverStatus";
    public const string ReplSetGetStatus = "replSetGetStatus";
    public const string ReplSetGetConfig = "replSetGetConfig";
    public const string ReplSetInitiate = "replSetInitiate";
    public const string ReplSetFreeze = "replSetFreeze";
    public const string ReplSetStepUp = "replSetStepUp";
    public const string ReplSetSyncFrom = "replSetSyncFrom";
    public const string Resync = "resync";

    public const string ReplSetReconfig = "replSetReconfig";
    public const string ReplSetStepDown = "replSetStepDown";

    private static readonly Dictionary<string, CommandKind> Kinds = new()
    {
        [Insert] = CommandKind.Write,
        [Update] = CommandKind.Write,
        [Delete] = CommandKind.Write,
        [Create] = CommandKind.Write,
        [Drop] = CommandKind.Write,
        [DropDatabase] = CommandKind.Write,
        [CreateIndexes] = CommandKind.Write,
        [DropIndexes] = CommandKind.Write,
        [FindAndModify] = CommandKind.Write,
        [FindAndModifyLowercase] = CommandKind.Write,
        [Find] = CommandKind.Read,
        [Count] = CommandKind.Read,
        [ListIndexes] = CommandKind.Read,
        [ListCollections] = CommandKind.Read,
        [ListDatabases] = CommandKind.Read,
        [Hello] = CommandKind.Admin,
        [IsMaster] = CommandKind.Admin,
        [IsMasterLowercase] = CommandKind.Admin,
        [Ping] = CommandKind.Admin,
        [ServerStatus] = CommandKind.Admin,
        [ReplSetGetStatus] = CommandKind.Admin,
        [ReplSetGetConfig] = CommandKind.Admin,
        [ReplSetInitiate] = CommandKind.Admin,
        [ReplSetFreeze] = CommandKind.Admin,
        [ReplSetStepUp] = CommandKind.Admin,
        [ReplSetSyncFrom] = CommandKind.Admin,
        [Resync] = CommandKind.Admin,
        [ReplSetReconfig] = CommandKind.PrimaryOnly,
        [ReplSetStepDown] = CommandKind.PrimaryOnly,
    };

    /// <summary>Every command a member serves.</summary>
    public static IReadOnlyCollection<string> Names => Kinds.Keys;

    /// <summary>Unknown commands count as primary-only and are not retried: the safe guess for a command that may write.</summary>
    public static CommandKind KindOf(string commandName) => Kinds.GetValueOrDefault(commandName, CommandKind.PrimaryOnly);

    public static bool IsWrite(string commandName) => Kinds.GetValueOrDefault(commandName, CommandKind.PrimaryOnly) == CommandKind.Write;

    public static bool IsRead(string commandName) => Kinds.GetValueOrDefault(commandName, CommandKind.PrimaryOnly) == CommandKind.Read;
}
