using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Security;

/// <summary>A built-in role granted on a database, as <c>{role, db}</c> in a user's <c>roles</c>.</summary>
public sealed record RoleGrant(string Role, string Db)
{
    public BsonDocument ToBson() => new() { { "role", Role }, { "db", Db } };

    /// <summary>
    /// A user's roles as createUser and updateUser take them: a name (a role on <paramref name="userDb"/>) or
    /// <c>{role, db}</c>, each a built-in role; the cluster-wide and any-database ones exist only on admin, as in MongoDB.
    /// </summary>
    /// <exception cref="ReplicaException">A role is not a built-in one on that database (RoleNotFound, as mongod).</exception>
    /// <exception cref="ArgumentException">An entry is neither a name nor <c>{role, db}</c>.</exception>
    public static IReadOnlyList<RoleGrant> Parse(BsonValue roles, string userDb)
    {
        if (roles is not BsonArray array) throw new ArgumentException("'roles' must be an array of role names or {role, db} documents");
        var grants = new List<RoleGrant>();
        foreach (var entry in array)
        {
            var grant = entry switch
            {
                BsonString name => new RoleGrant(name.Value, userDb),
                BsonDocument { ElementCount: 2 } d when d.GetValue("role", BsonNull.Value).IsString && d.GetValue("db", BsonNull.Value).IsString
                    => new RoleGrant(d["role"].AsString, d["db"].AsString),
                _ => throw new ArgumentException($"a role must be a name or {{role: <name>, db: <database>}}, not {entry}"),
            };
            if (!Admission.BuiltInRoles.Contains(grant.Role) || Admission.AdminOnlyRoles.Contains(grant.Role) && grant.Db != "admin")
                throw new ReplicaException(ErrorCode.RoleNotFound, $"Could not find role: {grant.Role}@{grant.Db} (the built-in roles are {string.Join(", ", Admission.BuiltInRoles)}; "
                                                               + $"{string.Join(", ", Admission.AdminOnlyRoles)} exist on admin only)");
            if (!grants.Contains(grant)) grants.Add(grant);
        }
        return grants;
    }
}

/// <summary>
/// Whether a command may run, from its name, database and collection and the roles of the connection's user:
/// the one place client authorization is decided, with no IO (the wire layer asks it before every command).
/// </summary>
public static class Admission
{
    /// <summary>The collection on admin that holds the users, as in mongod (<see cref="Namespace.Users"/>).</summary>
    public static readonly string UsersCollection = Namespace.Users.Collection;

    public static readonly IReadOnlyList<string> BuiltInRoles =
        ["read", "readWrite", "dbAdmin", "userAdmin", "clusterMonitor", "clusterAdmin", "readAnyDatabase", "readWriteAnyDatabase",
         "dbAdminAnyDatabase", "userAdminAnyDatabase", "root"];

    public static readonly IReadOnlyList<string> AdminOnlyRoles =
        ["clusterMonitor", "clusterAdmin", "readAnyDatabase", "readWriteAnyDatabase", "dbAdminAnyDatabase", "userAdminAnyDatabase", "root"];

    /// <summary>
    /// What a client may run before it authenticates: the handshake, authentication itself, and the probes mongod
    /// also answers without a user (its <c>requiresAuth()</c> is false for ping, buildInfo, connectionStatus, logout).
    /// </summary>
    private static readonly HashSet<string> Open =
        ["hello", "isMaster", "ismaster", "saslStart", "saslContinue", "authenticate", "logout", "ping", "buildInfo", "buildinfo", "connectionStatus"];

    /// <summary>Any authenticated user: its own sessions, and questions about the connection.</summary>
    private static readonly HashSet<string> AnyUser = ["endSessions", "refreshSessions", "killSessions", "whatsmyuri", "atlasVersion", "listDatabases"];

    private static readonly HashSet<string> Reads =
        ["find", "count", "distinct", "aggregate", "getMore", "killCursors", "listIndexes", "listCollections", "dbStats", "collStats"];

    private static readonly HashSet<string> Writes =
        ["insert", "update", "delete", "findAndModify", "findandmodify", "create", "drop", "createIndexes", "dropIndexes"];

    private static readonly HashSet<string> ClusterMonitor =
        ["replSetGetStatus", "replSetGetConfig", "serverStatus", "getParameter", "getLog", "hostInfo", "getCmdLineOpts", "getFreeMonitoringStatus"];

    private static readonly HashSet<string> ClusterAdmin =
        ["replSetInitiate", "replSetReconfig", "replSetStepDown", "replSetFreeze", "replSetStepUp", "replSetSyncFrom", "resync", "killAllSessions"];

    private static readonly HashSet<string> UserAdmin = ["createUser", "updateUser", "dropUser", "usersInfo", "grantRolesToUser", "revokeRolesFromUser"];

    /// <summary>Null if the command may run, else the refusal (Unauthorized, naming the command).</summary>
    /// <param name="roles">The authenticated user's roles; null when the connection has not authenticated.</param>
    /// <param name="localhostException">
    /// The connection comes from loopback and no user exists: it may create the first user on admin, and nothing else.
    /// </param>
    public static ReplicaException? Refusal(string command, string db, string? collection, IReadOnlyList<RoleGrant>? roles, bool localhostException = false)
    {
        if (Open.Contains(command)) return null;
        if (roles is null)
            return command == "createUser" && db == "admin" && localhostException
                ? null
                : new ReplicaException(ErrorCode.Unauthorized, $"command {command} requires authentication");
        return Allows(command, db, collection, roles) ? null : new ReplicaException(ErrorCode.Unauthorized, $"not authorized on {db} to execute command {command}");
    }

    /// <summary>
    /// Null if a user holding <paramref name="granter"/> may give or take away <paramref name="grants"/> (createUser,
    /// updateUser, grantRolesToUser, revokeRolesFromUser), else the refusal: a role on a database needs user
    /// administration there, as mongod's grantRole and revokeRole actions do.
    /// </summary>
    public static ReplicaException? GrantRefusal(IReadOnlyList<RoleGrant> granter, IEnumerable<RoleGrant> grants)
    {
        var refused = grants.FirstOrDefault(grant => !granter.Contains(new RoleGrant("root", "admin")) && !granter.Contains(new RoleGrant("userAdminAnyDatabase", "admin"))
                                                     && !granter.Contains(new RoleGrant("userAdmin", grant.Db)));
        return refused is null ? null : new ReplicaException(ErrorCode.Unauthorized, $"not authorized to grant or revoke role {refused.Role}@{refused.Db}: it needs userAdmin on {refused.Db}");
    }

    private static bool Allows(string command, string db, string? collection, IReadOnlyList<RoleGrant> roles)
    {
        bool Has(string role, string onDb) => roles.Contains(new RoleGrant(role, onDb));
        bool Cluster(params string[] names) => names.Any(name => Has(name, "admin"));
        if (Has("root", "admin")) return true;
        // The users themselves: reading or changing their collection directly is user administration.
        if (db == "admin" && collection == UsersCollection && (Reads.Contains(command) || Writes.Contains(command)))
            return Has("userAdmin", "admin") || Cluster("userAdminAnyDatabase");
        if (AnyUser.Contains(command)) return true;
        // aggregate: 1 on admin is a change stream of the whole set (allChangesForCluster): reading every database.
        if (command == "aggregate" && db == "admin" && collection is null) return Cluster("readAnyDatabase", "readWriteAnyDatabase");
        if (Reads.Contains(command)) return Has("read", db) || Has("readWrite", db) || Cluster("readAnyDatabase", "readWriteAnyDatabase");
        if (Writes.Contains(command)) return Has("readWrite", db) || Cluster("readWriteAnyDatabase");
        if (command == "dropDatabase") return Has("dbAdmin", db) || Cluster("dbAdminAnyDatabase");
        if (ClusterMonitor.Contains(command)) return Cluster("clusterMonitor", "clusterAdmin");
        if (ClusterAdmin.Contains(command)) return Cluster("clusterAdmin");
        if (UserAdmin.Contains(command)) return Has("userAdmin", db) || Cluster("userAdminAnyDatabase");
        // A command not listed is root's alone: the safe guess for one that may do anything.
        return false;
    }
}
