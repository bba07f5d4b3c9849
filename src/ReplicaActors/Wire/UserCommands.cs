using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Security;

namespace ReplicaActors.Wire;

/// <summary>
/// createUser, updateUser, dropUser, usersInfo, grantRolesToUser and revokeRolesFromUser on the users of the database they run on, stored as mongod stores
/// them (<see cref="UserStore"/>). A password is turned into its SCRAM-SHA-256 credential at once and never kept,
/// logged or echoed; usersInfo shows credentials only with showCredentials, and then only the SCRAM fields.
/// </summary>
public sealed class UserCommands(UserStore users, AuthSettings settings)
{
    /// <summary>mongod's default for user management: the change is majority-committed before the reply.</summary>
    private static readonly BsonDocument MajorityWriteConcern = new("w", "majority");

    public static bool Serves(string name) => name is "createUser" or "updateUser" or "dropUser" or "usersInfo" or "grantRolesToUser" or "revokeRolesFromUser";

    /// <param name="session">Who asks: with authorization on, the roles it may grant are checked against its own.</param>
    public Task<BsonDocument> RunAsync(WireRequest request, ClientSession session, CancellationToken cancellationToken) => request.Name switch
    {
        "createUser" => CreateAsync(request, session, cancellationToken),
        "updateUser" => UpdateAsync(request, session, cancellationToken),
        "dropUser" => DropAsync(request, cancellationToken),
        "grantRolesToUser" => ChangeRolesAsync(request, session, grant: true, cancellationToken),
        "revokeRolesFromUser" => ChangeRolesAsync(request, session, grant: false, cancellationToken),
        _ => InfoAsync(request, cancellationToken),
    };

    private async Task<BsonDocument> CreateAsync(WireRequest request, ClientSession session, CancellationToken cancellationToken)
    {
        var (db, command) = (request.Db, request.Command);
        var user = UserName(command);
        if (command.Contains("digestPassword") && command["digestPassword"].ToBoolean())
            throw new ReplicaException(ErrorCode.BadValue, "createUser: SCRAM-SHA-256 needs the password undigested (digestPassword: false)");
        CheckMechanisms(command);
        if (!command.TryGetValue("pwd", out var pwd) || !pwd.IsString)
            throw new ReplicaException(ErrorCode.BadValue, "createUser needs 'pwd', the password as a string (users without a password, such as x509 ones, are not supported)");
        if (!command.TryGetValue("roles", out var rolesValue)) throw new ReplicaException(ErrorCode.BadValue, "createUser needs 'roles', an array (it may be empty)");
        var roles = Roles(rolesValue, db, session);
        var document = new BsonDocument
        {
            { "_id", UserStore.Id(db, user) },
            { "user", user },
            { "db", db },
            { "credentials", new BsonDocument(ScramCredential.Mechanism, Credential(pwd.AsString).ToBson()) },
            { "roles", new BsonArray(roles.Select(r => r.ToBson())) },
        };
        try
        {
            await users.WriteAsync(new BsonDocument { { "insert", UserStore.Collection }, { "documents", new BsonArray { document } } }, WriteConcern(command), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (ReplicaException e) when (e.Code == ErrorCode.DuplicateKey)
        {
            throw new ReplicaException(ErrorCode.Location51003, $"User \"{user}@{db}\" already exists");
        }
        return CommandReply.Success(new BsonDocument()).Body;
    }

    private async Task<BsonDocument> UpdateAsync(WireRequest request, ClientSession session, CancellationToken cancellationToken)
    {
        var (db, command) = (request.Db, request.Command);
        var user = UserName(command);
        CheckMechanisms(command);
        var set = new BsonDocument();
        if (command.TryGetValue("pwd", out var pwd))
        {
            if (!pwd.IsString) throw new ReplicaException(ErrorCode.BadValue, "updateUser: 'pwd' must be a string");
            set["credentials"] = new BsonDocument(ScramCredential.Mechanism, Credential(pwd.AsString).ToBson());
        }
        if (command.TryGetValue("roles", out var rolesValue)) set["roles"] = new BsonArray(Roles(rolesValue, db, session).Select(r => r.ToBson()));
        if (set.ElementCount == 0) throw new ReplicaException(ErrorCode.BadValue, "updateUser: give 'pwd', 'roles' or both: there is nothing to update");
        return await ChangeUserAsync(db, user, new BsonDocument("$set", set), command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Adds roles the user lacks, or removes those it has, in one update of its document ($addToSet, $pull), so two
    /// changes at once both take effect; a role it already has (or lacks) is no error, as in mongod.
    /// </summary>
    private Task<BsonDocument> ChangeRolesAsync(WireRequest request, ClientSession session, bool grant, CancellationToken cancellationToken)
    {
        var (db, command) = (request.Db, request.Command);
        var user = UserName(command);
        if (!command.TryGetValue("roles", out var rolesValue) || rolesValue is not BsonArray { Count: > 0 })
            throw new ReplicaException(ErrorCode.BadValue, $"{request.Name} needs 'roles', a non-empty array of the roles to {(grant ? "grant" : "revoke")}");
        var roles = new BsonArray(Roles(rolesValue, db, session).Select(r => r.ToBson()));
        var change = grant
            ? new BsonDocument("$addToSet", new BsonDocument("roles", new BsonDocument("$each", roles)))
            : new BsonDocument("$pull", new BsonDocument("roles", new BsonDocument("$in", roles)));
        return ChangeUserAsync(db, user, change, command, cancellationToken);
    }

    /// <summary>Applies <paramref name="change"/> (update operators) to the user's document; a user that does not exist is UserNotFound.</summary>
    private async Task<BsonDocument> ChangeUserAsync(string db, string user, BsonDocument change, BsonDocument command, CancellationToken cancellationToken)
    {
        var update = new BsonDocument { { "q", new BsonDocument("_id", UserStore.Id(db, user)) }, { "u", change } };
        var matched = await users.WriteAsync(new BsonDocument { { "update", UserStore.Collection }, { "updates", new BsonArray { update } } }, WriteConcern(command), cancellationToken)
            .ConfigureAwait(false);
        return matched == 0 ? throw NotFound(user, db) : CommandReply.Success(new BsonDocument()).Body;
    }

    private async Task<BsonDocument> DropAsync(WireRequest request, CancellationToken cancellationToken)
    {
        var user = UserName(request.Command);
        var delete = new BsonDocument { { "q", new BsonDocument("_id", UserStore.Id(request.Db, user)) }, { "limit", 1 } };
        var deleted = await users.WriteAsync(new BsonDocument { { "delete", UserStore.Collection }, { "deletes", new BsonArray { delete } } }, WriteConcern(request.Command), cancellationToken)
            .ConfigureAwait(false);
        return deleted == 0 ? throw NotFound(user, request.Db) : CommandReply.Success(new BsonDocument()).Body;
    }

    private async Task<BsonDocument> InfoAsync(WireRequest request, CancellationToken cancellationToken)
    {
        var (db, command) = (request.Db, request.Command);
        var showCredentials = command.GetValue("showCredentials", false).ToBoolean();
        var found = await users.FindAsync(InfoFilter(db, command[0]), 0, cancellationToken).ConfigureAwait(false);
        var shown = new BsonArray();
        foreach (var document in found)
        {
            var user = UserStore.Parse(document);
            var info = new BsonDocument
            {
                { "_id", document["_id"] },
                { "user", user.User },
                { "db", user.Db },
                { "roles", new BsonArray(user.Roles.Select(r => r.ToBson())) },
                { "mechanisms", new BsonArray(user.Credential is null ? [] : new[] { ScramCredential.Mechanism }) },
            };
            if (showCredentials && user.Credential is { } credential)
                info["credentials"] = new BsonDocument(ScramCredential.Mechanism, credential.ToBson());
            shown.Add(info);
        }
        return CommandReply.Success(new BsonDocument("users", shown)).Body;
    }

    /// <summary>
    /// usersInfo's forms: 1 (every user of the database), a name, <c>{user, db}</c>, an array of those, and
    /// <c>{forAllDBs: true}</c> on admin. Only users of the database it runs on are shown, as user administration is granted per database.
    /// </summary>
    private static BsonDocument InfoFilter(string db, BsonValue which)
    {
        if (which is BsonDocument { ElementCount: 1 } all && all.Contains("forAllDBs"))
            return db == "admin" && all["forAllDBs"].ToBoolean()
                ? new BsonDocument()
                : throw new ReplicaException(ErrorCode.BadValue, "usersInfo: {forAllDBs: true} runs on admin only");
        if (which.IsNumeric) return which.ToInt32() == 1 ? new BsonDocument("db", db) : throw new ReplicaException(ErrorCode.BadValue, "usersInfo: a number must be 1 (all users of the database)");
        var names = which is BsonArray array ? array.ToList() : [which];
        var ids = new BsonArray();
        foreach (var name in names)
        {
            var (user, userDb) = name switch
            {
                BsonString s => (s.Value, db),
                BsonDocument d when d.GetValue("user", BsonNull.Value).IsString && d.GetValue("db", BsonNull.Value).IsString => (d["user"].AsString, d["db"].AsString),
                _ => throw new ReplicaException(ErrorCode.BadValue, $"usersInfo takes 1, a user name, {{user, db}}, an array of those or {{forAllDBs: true}}, not {name}"),
            };
            if (userDb != db)
                throw new ReplicaException(ErrorCode.BadValue, $"usersInfo on '{db}' shows the users of '{db}' only; run it on '{userDb}' for {user}@{userDb}");
            ids.Add(UserStore.Id(userDb, user));
        }
        return new BsonDocument("_id", new BsonDocument("$in", ids));
    }

    private static string UserName(BsonDocument command) =>
        command[0] is BsonString { Value.Length: > 0 } name
            ? name.Value
            : throw new ReplicaException(ErrorCode.BadValue, $"'{command.GetElement(0).Name}' needs the user name as a non-empty string");

    private static void CheckMechanisms(BsonDocument command)
    {
        if (command.TryGetValue("mechanisms", out var mechanisms)
            && (mechanisms is not BsonArray list || list.Any(m => m != ScramCredential.Mechanism)))
            throw new ReplicaException(ErrorCode.BadValue, $"'mechanisms' may only be [\"{ScramCredential.Mechanism}\"]: SCRAM-SHA-1 is not supported");
    }

    private ScramCredential Credential(string password)
    {
        try
        {
            return ScramCredential.Create(password, settings.IterationCount);
        }
        catch (ArgumentException e)
        {
            // The message names the position and kind of character, never the password.
            throw new ReplicaException(ErrorCode.BadValue, $"the password is refused: {e.Message}");
        }
    }

    private IReadOnlyList<RoleGrant> Roles(BsonValue value, string db, ClientSession session)
    {
        IReadOnlyList<RoleGrant> roles;
        try
        {
            roles = RoleGrant.Parse(value, db);
        }
        catch (ArgumentException e)
        {
            throw new ReplicaException(ErrorCode.BadValue, e.Message);
        }
        if (settings.Enabled && session.User is { } granter && Admission.GrantRefusal(granter.Roles, roles) is { } refusal) throw refusal;
        return roles;
    }

    private static BsonValue WriteConcern(BsonDocument command) => command.GetValue("writeConcern", MajorityWriteConcern);

    private static ReplicaException NotFound(string user, string db) => new(ErrorCode.UserNotFound, $"User '{user}@{db}' not found");
}
