using System.Net;
using System.Net.Sockets;
using System.Text;
using MongoDB.Bson;
using MongoDB.Driver;
using ReplicaActors.Security;
using ReplicaActors.TestKit;
using ReplicaActors.Wire;

namespace ReplicaActors.Cluster.Tests.Wire;

/// <summary>A set started with client authorization on, reached through MongoDB.Driver.</summary>
public abstract class AuthSet : SharedReplicaSet
{
    protected const string Auth = "replica-actors.security.authorization = enabled";

    /// <summary>The driver's default selection timeout is 30 s; a refusal must not take that long to show.</summary>
    private const string Quick = "serverSelectionTimeoutMS=10000";

    /// <summary>An unmodified MongoDB.Driver client for the set, with no credentials.</summary>
    public MongoClient Anonymous() => new($"{ReplicaSet.ConnectionString}&{Quick}");

    /// <summary>A client logging in as <paramref name="user"/> (a user on admin), with the driver's default mechanism negotiation.</summary>
    public MongoClient As(string user, string password, string options = "") =>
        new($"mongodb://{user}:{password}@{string.Join(",", ReplicaSet.Members.Select(m => m.Host))}/?replicaSet={ReplicaSet.Options.SetName}&authSource=admin&{Quick}{options}");
}

/// <summary>Three members with authorization on; the first user, root, is made through the localhost exception.</summary>
public sealed class AuthThreeMemberSet : AuthSet
{
    public const string RootPassword = "root-pass";
    private readonly Lazy<Task<MongoClient>> _root;

    public AuthThreeMemberSet() => _root = new Lazy<Task<MongoClient>>(async () =>
    {
        await Anonymous().GetDatabase("admin").RunCommandAsync<BsonDocument>(BsonDocument.Parse($"{{ createUser: 'root', pwd: '{RootPassword}', roles: ['root'] }}"));
        return As("root", RootPassword);
    });

    protected override ReplicaSetFixtureOptions Options => new() { Members = 3, Journal = FixtureJournal.InMemory, ExtraHocon = Auth };

    /// <summary>A root client; users it creates are written to every member before the reply (w: 3), so any member authenticates them.</summary>
    public Task<MongoClient> RootAsync() => _root.Value;

    public async Task CreateUserAsync(string user, string password, string roles)
    {
        var root = await RootAsync();
        await root.GetDatabase("admin").RunCommandAsync<BsonDocument>(BsonDocument.Parse(
            $"{{ createUser: '{user}', pwd: '{password}', roles: {roles}, writeConcern: {{ w: 3 }} }}"));
    }
}

/// <summary>MongoDB.Driver 3.14.0, unmodified, against a 3-member set with client authorization on.</summary>
public sealed class DriverAuthSpec(AuthThreeMemberSet set) : IClassFixture<AuthThreeMemberSet>
{
    [Fact]
    public async Task A_user_with_readWrite_logs_in_with_SCRAM_SHA_256_and_writes_and_reads()
    {
        await set.CreateUserAsync("writer", "w-pass", "[{ role: 'readWrite', db: 'authdata' }]");
        // The default negotiation (saslSupportedMechs, speculative authentication in hello) and the explicit mechanism.
        foreach (var options in new[] { "", "&authMechanism=SCRAM-SHA-256" })
        {
            var items = set.As("writer", "w-pass", options).GetDatabase("authdata").GetCollection<BsonDocument>("items").WithWriteConcern(WriteConcern.WMajority);
            await items.InsertOneAsync(new BsonDocument("by", options));

            Assert.Equal(1, await items.CountDocumentsAsync(new BsonDocument("by", options)));
        }
        var status = await set.As("writer", "w-pass").GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("connectionStatus", 1));
        Assert.Equal(BsonDocument.Parse("{ authenticatedUsers: [{ user: 'writer', db: 'admin' }], authenticatedUserRoles: [{ role: 'readWrite', db: 'authdata' }] }"),
            status["authInfo"]);
    }

    [Fact]
    public async Task Bad_replayed_and_out_of_order_SASL_steps_are_refused_on_a_connection_that_keeps_answering_and_never_authenticates()
    {
        await set.CreateUserAsync("fuzzed", "f-pass", "[{ role: 'read', db: 'authdata' }]");
        var primary = await set.ReplicaSet.WaitForPrimaryAsync();
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, primary.Port);
        await using var stream = new NetworkStream(socket);
        var requestId = 0;
        async Task<BsonDocument> Run(BsonDocument command)
        {
            await stream.WriteAsync(OpMsg.EncodeRequest(++requestId, OpMsgFlags.None, command));
            return (await WireFrames.ReadMessageAsync(stream)).Message.Body;
        }
        BsonDocument Start(byte[] payload) => new() { { "saslStart", 1 }, { "mechanism", "SCRAM-SHA-256" }, { "payload", payload }, { "options", new BsonDocument("skipEmptyExchange", true) }, { "$db", "admin" } };
        BsonDocument Continue(byte[] payload) => new() { { "saslContinue", 1 }, { "conversationId", 1 }, { "payload", payload }, { "$db", "admin" } };
        var codes = new List<int>();

        codes.Add((await Run(Continue(Encoding.UTF8.GetBytes("c=biws,r=x,p=AAAA"))))["code"].ToInt32());
        var random = new Random(5802);
        var clientFirst = Encoding.UTF8.GetBytes("n,,n=fuzzed,r=fixed-client-nonce");
        for (var i = 0; i < 200; i++)
        {
            var garbage = new byte[random.Next(64)];
            random.NextBytes(garbage);
            var truncated = clientFirst[..random.Next(clientFirst.Length)];
            foreach (var bad in new[] { garbage, truncated })
            {
                var started = await Run(Start(bad));
                if (started["ok"].ToDouble() == 0) codes.Add(started["code"].ToInt32());
                codes.Add((await Run(Continue(garbage)))["code"].ToInt32());
            }
        }
        // The server-first message's "r=<client nonce><server nonce>", and a final message with it and a made-up proof.
        static string Nonce(BsonDocument started) => Encoding.UTF8.GetString(started["payload"].AsByteArray).Split(',')[0];
        static byte[] Forged(string nonce) => Encoding.UTF8.GetBytes($"c=biws,{nonce},p={Convert.ToBase64String(new byte[32])}");
        // A replayed nonce: the first conversation's, sent into a second one that has a fresh server half.
        var first = Nonce(await Run(Start(clientFirst)));
        var second = Nonce(await Run(Start(clientFirst)));
        var replayed = await Run(Continue(Forged(first)));
        var forged = await Run(Continue(Forged(Nonce(await Run(Start(clientFirst))))));
        var find = await Run(BsonDocument.Parse("{ find: 'items', $db: 'authdata' }"));

        Assert.NotEqual(first, second);
        Assert.Equal((18, 18), (replayed["code"].ToInt32(), forged["code"].ToInt32()));
        Assert.Contains("nonce", replayed["errmsg"].AsString);
        Assert.Equal("Authentication failed.", forged["errmsg"].AsString);
        Assert.All(codes, code => Assert.Contains(code, new[] { 17, 18 }));
        Assert.Equal(13, find["code"].ToInt32());
    }

    [Fact]
    public async Task A_wrong_password_is_AuthenticationFailed()
    {
        await set.CreateUserAsync("someone", "right-pass", "[{ role: 'read', db: 'authdata' }]");

        var e = await Assert.ThrowsAnyAsync<MongoException>(() =>
            set.As("someone", "wrong-pass").GetDatabase("authdata").GetCollection<BsonDocument>("items").Find(FilterDefinition<BsonDocument>.Empty).ToListAsync());

        var refusal = CommandError(e);
        Assert.Equal((18, "Authentication failed."), (refusal.Code, refusal.ErrorMessage));
    }

    [Fact]
    public async Task Without_credentials_a_find_is_Unauthorized_naming_find()
    {
        await set.RootAsync();

        var e = await Assert.ThrowsAsync<MongoCommandException>(() =>
            set.Anonymous().GetDatabase("authdata").GetCollection<BsonDocument>("items").Find(FilterDefinition<BsonDocument>.Empty).ToListAsync());

        Assert.Equal((13, "command find requires authentication"), (e.Code, e.ErrorMessage));
    }

    [Fact]
    public async Task A_read_only_user_reads_but_its_insert_is_Unauthorized_and_writes_nothing()
    {
        await set.CreateUserAsync("reader", "r-pass", "[{ role: 'read', db: 'authdata' }]");
        var reader = set.As("reader", "r-pass").GetDatabase("authdata").GetCollection<BsonDocument>("readonly");

        Assert.Empty(await reader.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync());
        var e = await Assert.ThrowsAsync<MongoCommandException>(() => reader.InsertOneAsync(new BsonDocument("x", 1)));

        Assert.Equal((13, "not authorized on authdata to execute command insert"), (e.Code, e.ErrorMessage));
        var root = await set.RootAsync();
        Assert.Equal(0, await root.GetDatabase("authdata").GetCollection<BsonDocument>("readonly").CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty));
    }

    [Fact]
    public async Task A_clusterMonitor_user_reads_the_status_but_cannot_step_the_primary_down()
    {
        await set.CreateUserAsync("monitor", "m-pass", "['clusterMonitor']");
        var admin = set.As("monitor", "m-pass").GetDatabase("admin");

        var status = await admin.RunCommandAsync<BsonDocument>(new BsonDocument("replSetGetStatus", 1));
        var e = await Assert.ThrowsAsync<MongoCommandException>(() => admin.RunCommandAsync<BsonDocument>(new BsonDocument("replSetStepDown", 60)));

        Assert.Equal("rs0", status["set"].AsString);
        Assert.Equal(13, e.Code);
    }

    [Fact]
    public async Task Users_are_replicated_data_every_member_authenticates()
    {
        await set.CreateUserAsync("everywhere", "e-pass", "[{ role: 'read', db: 'authdata' }]");

        foreach (var member in set.ReplicaSet.Members)
        {
            var direct = new MongoClient($"mongodb://everywhere:e-pass@{member.Host}/?directConnection=true&authSource=admin&readPreference=secondaryPreferred");
            var connection = await direct.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1));
            Assert.Equal(0, await direct.GetDatabase("authdata").GetCollection<BsonDocument>("nothing").CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty));
            Assert.Equal(1.0, connection["ok"].ToDouble());
        }
    }

    [Fact]
    public async Task Stored_users_hold_SCRAM_keys_never_the_password_and_usersInfo_shows_them_only_when_asked()
    {
        await set.CreateUserAsync("shown", "very-secret-pass", "[{ role: 'read', db: 'authdata' }]");
        var admin = (await set.RootAsync()).GetDatabase("admin");

        var stored = await admin.GetCollection<BsonDocument>(Admission.UsersCollection).Find(new BsonDocument("_id", "admin.shown")).SingleAsync();
        var plain = await admin.RunCommandAsync<BsonDocument>(BsonDocument.Parse("{ usersInfo: 'shown' }"));
        var withCredentials = await admin.RunCommandAsync<BsonDocument>(BsonDocument.Parse("{ usersInfo: { user: 'shown', db: 'admin' }, showCredentials: true }"));

        Assert.DoesNotContain("very-secret-pass", stored.ToString());
        Assert.Equal(["_id", "user", "db", "credentials", "roles"], stored.Names);
        Assert.Equal(["iterationCount", "salt", "storedKey", "serverKey"], stored["credentials"]["SCRAM-SHA-256"].AsBsonDocument.Names);
        Assert.Equal(15000, stored["credentials"]["SCRAM-SHA-256"]["iterationCount"].ToInt32());
        var info = plain["users"].AsBsonArray.Single().AsBsonDocument;
        Assert.False(info.Contains("credentials"));
        Assert.Equal(BsonArray.Create(new[] { "SCRAM-SHA-256" }), info["mechanisms"]);
        Assert.Equal(stored["credentials"], withCredentials["users"][0]["credentials"]);
    }

    [Fact]
    public async Task Users_are_managed_with_mongods_commands_and_refusals()
    {
        var admin = (await set.RootAsync()).GetDatabase("admin");
        Task<BsonDocument> Run(string command) => admin.RunCommandAsync<BsonDocument>(BsonDocument.Parse(command));
        async Task<(int, string)> Refused(string command)
        {
            var e = await Assert.ThrowsAsync<MongoCommandException>(() => Run(command));
            return (e.Code, e.ErrorMessage);
        }
        // A new appName makes a new client pool: the driver shares pools between clients of equal settings, and a
        // connection keeps the login it has.
        async Task<int> LoginError(string password, string appName) => CommandError(await Assert.ThrowsAnyAsync<MongoException>(() =>
            set.As("managed", password, $"&appName={appName}").GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("connectionStatus", 1)))).Code;

        await Run("{ createUser: 'managed', pwd: 'old-pass', roles: [], writeConcern: { w: 3 } }");
        var refusals = new[]
        {
            await Refused("{ createUser: 'managed', pwd: 'x-pass', roles: [] }"),
            await Refused("{ createUser: 'other', pwd: 'x-pass', roles: ['owner'] }"),
            await Refused("{ createUser: 'other', pwd: 'x-pass', roles: [], mechanisms: ['SCRAM-SHA-1'] }"),
            await Refused("{ createUser: 'other', pwd: 'caf\u00e9', roles: [] }"),
            await Refused("{ createUser: 'other', roles: [] }"),
            await Refused("{ updateUser: 'managed' }"),
        };
        await Run("{ updateUser: 'managed', pwd: 'new-pass', roles: [{ role: 'read', db: 'authdata' }], writeConcern: { w: 3 } }");
        var oldPassword = await LoginError("old-pass", "after-update");
        var status = await set.As("managed", "new-pass").GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("connectionStatus", 1));
        await Run("{ dropUser: 'managed', writeConcern: { w: 3 } }");
        var droppedAgain = await Refused("{ dropUser: 'managed' }");
        var dropped = await LoginError("new-pass", "after-drop");

        Assert.Equal([51003, 31, 2, 2, 2, 2], refusals.Select(r => r.Item1));
        Assert.Equal("User \"managed@admin\" already exists", refusals[0].Item2);
        Assert.StartsWith("Could not find role: owner@admin", refusals[1].Item2);
        Assert.Contains("SCRAM-SHA-1 is not supported", refusals[2].Item2);
        Assert.Contains("non-ASCII character (U+00E9)", refusals[3].Item2);
        Assert.Contains("'pwd'", refusals[4].Item2);
        Assert.Contains("nothing to update", refusals[5].Item2);
        Assert.Equal(BsonDocument.Parse("{ role: 'read', db: 'authdata' }"), status["authInfo"]["authenticatedUserRoles"][0]);
        Assert.Equal((18, 18), (oldPassword, dropped));
        Assert.Equal((11, "User 'managed@admin' not found"), droppedAgain);
        Assert.Empty((await Run("{ usersInfo: ['managed', 'other'] }"))["users"].AsBsonArray);
    }

    [Fact]
    public async Task Roles_are_granted_and_revoked_and_a_new_login_carries_them()
    {
        var admin = (await set.RootAsync()).GetDatabase("admin");
        Task<BsonDocument> Run(string command) => admin.RunCommandAsync<BsonDocument>(BsonDocument.Parse(command));
        async Task<int> Refused(string command) => (await Assert.ThrowsAsync<MongoCommandException>(() => Run(command))).Code;
        // A new appName per login: a connection keeps the roles it logged in with.
        async Task<int?> InsertError(string appName)
        {
            var items = set.As("granted", "g-pass", $"&appName={appName}").GetDatabase("grants").GetCollection<BsonDocument>("items");
            try
            {
                await items.WithWriteConcern(WriteConcern.WMajority).InsertOneAsync(new BsonDocument("by", appName));
                return null;
            }
            catch (MongoCommandException e)
            {
                return e.Code;
            }
        }
        async Task<BsonValue> Roles() => (await Run("{ usersInfo: 'granted' }"))["users"][0]["roles"];

        await set.CreateUserAsync("granted", "g-pass", "[{ role: 'read', db: 'grants' }]");
        var before = await InsertError("before-grant");
        await Run("{ grantRolesToUser: 'granted', roles: [{ role: 'readWrite', db: 'grants' }], writeConcern: { w: 3 } }");
        await Run("{ grantRolesToUser: 'granted', roles: [{ role: 'readWrite', db: 'grants' }, 'clusterMonitor'], writeConcern: { w: 3 } }");
        var granted = await Roles();
        var afterGrant = await InsertError("after-grant");
        await Run("{ revokeRolesFromUser: 'granted', roles: [{ role: 'readWrite', db: 'grants' }, 'clusterMonitor', 'userAdmin'], writeConcern: { w: 3 } }");
        var revoked = await Roles();
        var afterRevoke = await InsertError("after-revoke");
        var refusals = new[]
        {
            await Refused("{ grantRolesToUser: 'nobody', roles: ['read'] }"),
            await Refused("{ grantRolesToUser: 'granted', roles: [] }"),
            await Refused("{ revokeRolesFromUser: 'granted', roles: ['owner'] }"),
        };

        Assert.Equal((13, (int?)null, 13), (before, afterGrant, afterRevoke));
        Assert.Equal(BsonArray.Create(new[]
        {
            BsonDocument.Parse("{ role: 'read', db: 'grants' }"), BsonDocument.Parse("{ role: 'readWrite', db: 'grants' }"),
            BsonDocument.Parse("{ role: 'clusterMonitor', db: 'admin' }"),
        }), granted);
        Assert.Equal(new BsonArray { BsonDocument.Parse("{ role: 'read', db: 'grants' }") }, revoked);
        Assert.Equal([11, 2, 31], refusals);
    }

    [Fact]
    public async Task Rsctl_db_watch_logs_in_with_username_and_password_and_without_a_user_is_Unauthorized()
    {
        var db = (await set.RootAsync()).GetDatabase("watched_auth");
        var hosts = string.Join(",", set.ReplicaSet.Members.Select(m => m.Host));
        var before = (await db.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1)))["operationTime"].AsBsonTimestamp;
        string[] Watch(params string[] login) => [hosts, "db", "watch", "watched_auth.items", "--timeout", "10", .. login];
        await using var root = new RunningWatch(Watch("--username", "root", "--password", AuthThreeMemberSet.RootPassword,
            "--startAtOperationTime", $"{before.Timestamp}:{before.Increment}"));
        await using var anonymous = new RunningWatch(Watch());
        await using var wrongPassword = new RunningWatch(Watch("--username", "root", "--password", "not-it"));

        await db.GetCollection<BsonDocument>("items").WithWriteConcern(WriteConcern.WMajority).InsertOneAsync(new BsonDocument("_id", 1));

        Assert.Equal(1, (await root.LinesAsync(1))[0]["documentKey"]["_id"].ToInt32());
        var (anonymousExit, anonymousError) = await anonymous.ExitAsync();
        Assert.Equal(Cli.ExitCodes.CommandFailed, anonymousExit);
        Assert.StartsWith("Error 13 (Unauthorized)", anonymousError);
        var (wrongExit, wrongError) = await wrongPassword.ExitAsync();
        Assert.Equal(Cli.ExitCodes.CommandFailed, wrongExit);
        Assert.Equal("rsctl: logging in as root@admin failed: Error 18 (AuthenticationFailed): Authentication failed.", wrongError);
    }

    private static MongoCommandException CommandError(Exception e) =>
        e as MongoCommandException ?? (e.InnerException is { } inner ? CommandError(inner) : throw new Xunit.Sdk.XunitException($"no command error in {e}"));
}

/// <summary>One member with authorization on and no user yet.</summary>
public sealed class AuthNoUserSet : AuthSet
{
    protected override ReplicaSetFixtureOptions Options => new() { Members = 1, Journal = FixtureJournal.InMemory, ExtraHocon = Auth };
}

/// <summary>The localhost exception: while no user exists, a loopback client may create the first one, and nothing else.</summary>
public sealed class LocalhostExceptionSpec(AuthNoUserSet set) : IClassFixture<AuthNoUserSet>
{
    [Fact]
    public async Task A_loopback_client_creates_the_first_user_and_then_the_exception_is_closed()
    {
        var anonymous = set.Anonymous().GetDatabase("admin");

        var beforeFind = await Assert.ThrowsAsync<MongoCommandException>(() => anonymous.GetCollection<BsonDocument>(Admission.UsersCollection).Find(FilterDefinition<BsonDocument>.Empty).ToListAsync());
        var elsewhere = await Assert.ThrowsAsync<MongoCommandException>(() =>
            set.Anonymous().GetDatabase("test").RunCommandAsync<BsonDocument>(BsonDocument.Parse("{ createUser: 'x', pwd: 'x-pass', roles: [] }")));
        await anonymous.RunCommandAsync<BsonDocument>(BsonDocument.Parse("{ createUser: 'admin', pwd: 'first-pass', roles: ['root'] }"));
        var second = await Assert.ThrowsAsync<MongoCommandException>(() =>
            anonymous.RunCommandAsync<BsonDocument>(BsonDocument.Parse("{ createUser: 'sneaky', pwd: 'sneaky-pass', roles: ['root'] }")));

        Assert.Equal((13, 13, 13), (beforeFind.Code, elsewhere.Code, second.Code));
        Assert.Equal("command createUser requires authentication", second.ErrorMessage);
        var users = await set.As("admin", "first-pass").GetDatabase("admin").RunCommandAsync<BsonDocument>(BsonDocument.Parse("{ usersInfo: 1 }"));
        Assert.Equal(["admin"], users["users"].AsBsonArray.Select(u => u["user"].AsString));
    }
}
