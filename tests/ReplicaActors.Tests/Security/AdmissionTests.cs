using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Security;
using ReplicaActors.Wire;

namespace ReplicaActors.Tests.Security;

/// <summary>Who may run what with authorization on: the table of built-in roles, database by database.</summary>
public sealed class AdmissionTests
{
    private static IReadOnlyList<RoleGrant> Roles(params string[] grants) =>
        grants.Select(g => g.Split('@')).Select(p => new RoleGrant(p[0], p[1])).ToList();

    private static bool Allowed(string command, string db, string? collection, IReadOnlyList<RoleGrant>? roles, bool localhostException = false) =>
        Admission.Refusal(command, db, collection, roles, localhostException) is null;

    [Theory]
    [InlineData("hello")]
    [InlineData("isMaster")]
    [InlineData("ismaster")]
    [InlineData("saslStart")]
    [InlineData("saslContinue")]
    [InlineData("logout")]
    [InlineData("ping")]
    [InlineData("buildInfo")]
    [InlineData("connectionStatus")]
    public void The_handshake_authentication_and_probes_need_no_user(string command) => Assert.True(Allowed(command, "admin", null, null));

    [Theory]
    [InlineData("find", "test")]
    [InlineData("insert", "test")]
    [InlineData("listDatabases", "admin")]
    [InlineData("replSetGetStatus", "admin")]
    [InlineData("createUser", "admin")]
    [InlineData("endSessions", "admin")]
    [InlineData("somethingNew", "test")]
    public void Anything_else_unauthenticated_is_Unauthorized_naming_the_command(string command, string db)
    {
        var refusal = Admission.Refusal(command, db, "c", null);

        Assert.Equal((ErrorCode.Unauthorized, $"command {command} requires authentication"), (refusal?.Code, refusal?.Message));
    }

    [Fact]
    public void The_localhost_exception_lets_createUser_on_admin_through_and_nothing_else()
    {
        Assert.True(Allowed("createUser", "admin", null, null, localhostException: true));
        Assert.False(Allowed("createUser", "test", null, null, localhostException: true));
        Assert.False(Allowed("find", "admin", Admission.UsersCollection, null, localhostException: true));
        Assert.False(Allowed("insert", "admin", Admission.UsersCollection, null, localhostException: true));
        Assert.False(Allowed("createUser", "admin", null, null, localhostException: false));
    }

    [Theory]
    [InlineData("read@test", "find", "test", true)]
    [InlineData("read@test", "aggregate", "test", true)]
    [InlineData("read@test", "getMore", "test", true)]
    [InlineData("read@test", "listCollections", "test", true)]
    [InlineData("read@test", "find", "other", false)]
    [InlineData("read@test", "insert", "test", false)]
    [InlineData("read@test", "findAndModify", "test", false)]
    [InlineData("read@test", "drop", "test", false)]
    [InlineData("readWrite@test", "insert", "test", true)]
    [InlineData("readWrite@test", "update", "test", true)]
    [InlineData("readWrite@test", "delete", "test", true)]
    [InlineData("readWrite@test", "createIndexes", "test", true)]
    [InlineData("readWrite@test", "find", "test", true)]
    [InlineData("readWrite@test", "insert", "other", false)]
    [InlineData("readWrite@test", "dropDatabase", "test", false)]
    [InlineData("dbAdmin@test", "dropDatabase", "test", true)]
    [InlineData("readAnyDatabase@admin", "find", "any", true)]
    [InlineData("readAnyDatabase@admin", "insert", "any", false)]
    [InlineData("readWriteAnyDatabase@admin", "insert", "any", true)]
    [InlineData("readWrite@admin", "insert", "other", false)]
    [InlineData("clusterMonitor@admin", "replSetGetStatus", "admin", true)]
    [InlineData("clusterMonitor@admin", "serverStatus", "admin", true)]
    [InlineData("clusterMonitor@admin", "replSetGetConfig", "admin", true)]
    [InlineData("clusterMonitor@admin", "replSetReconfig", "admin", false)]
    [InlineData("clusterMonitor@admin", "replSetStepDown", "admin", false)]
    [InlineData("clusterMonitor@admin", "find", "test", false)]
    [InlineData("clusterAdmin@admin", "replSetReconfig", "admin", true)]
    [InlineData("clusterAdmin@admin", "replSetStepDown", "admin", true)]
    [InlineData("clusterAdmin@admin", "replSetGetStatus", "admin", true)]
    [InlineData("clusterAdmin@admin", "insert", "test", false)]
    [InlineData("clusterAdmin@admin", "createUser", "admin", false)]
    [InlineData("userAdmin@test", "createUser", "test", true)]
    [InlineData("userAdmin@test", "usersInfo", "test", true)]
    [InlineData("userAdmin@test", "createUser", "admin", false)]
    [InlineData("userAdmin@test", "find", "test", false)]
    [InlineData("userAdminAnyDatabase@admin", "dropUser", "any", true)]
    [InlineData("userAdminAnyDatabase@admin", "updateUser", "admin", true)]
    [InlineData("userAdmin@test", "grantRolesToUser", "test", true)]
    [InlineData("userAdmin@test", "revokeRolesFromUser", "admin", false)]
    [InlineData("clusterAdmin@admin", "grantRolesToUser", "admin", false)]
    [InlineData("root@admin", "replSetReconfig", "admin", true)]
    [InlineData("root@admin", "insert", "any", true)]
    [InlineData("root@admin", "somethingNew", "any", true)]
    [InlineData("readWriteAnyDatabase@admin", "somethingNew", "any", false)]
    [InlineData("read@test", "endSessions", "admin", true)]
    public void Each_role_allows_its_commands_on_its_database_only(string role, string command, string db, bool allowed) =>
        Assert.Equal(allowed, Allowed(command, db, "c", Roles(role)));

    [Fact]
    public void A_change_stream_of_the_whole_set_needs_reading_every_database()
    {
        Assert.False(Allowed("aggregate", "admin", null, Roles("read@admin")));
        Assert.False(Allowed("aggregate", "admin", null, Roles("readWrite@admin")));
        Assert.True(Allowed("aggregate", "admin", null, Roles("readAnyDatabase@admin")));
        Assert.True(Allowed("aggregate", "test", null, Roles("read@test")));
    }

    [Fact]
    public void A_refusal_of_a_user_names_the_command_and_the_database()
    {
        var refusal = Admission.Refusal("insert", "test", "c", Roles("read@test"));

        Assert.Equal((ErrorCode.Unauthorized, "not authorized on test to execute command insert"), (refusal?.Code, refusal?.Message));
    }

    [Fact]
    public void The_users_collection_is_for_user_administrators_only()
    {
        Assert.False(Allowed("find", "admin", Admission.UsersCollection, Roles("readAnyDatabase@admin")));
        Assert.False(Allowed("insert", "admin", Admission.UsersCollection, Roles("readWriteAnyDatabase@admin")));
        Assert.False(Allowed("find", "admin", Admission.UsersCollection, Roles("read@admin")));
        Assert.True(Allowed("find", "admin", Admission.UsersCollection, Roles("userAdminAnyDatabase@admin")));
        Assert.True(Allowed("update", "admin", Admission.UsersCollection, Roles("root@admin")));
    }

    [Fact]
    public void Granting_a_role_needs_user_administration_on_its_database()
    {
        Assert.Null(Admission.GrantRefusal(Roles("userAdmin@test"), Roles("readWrite@test")));
        Assert.Null(Admission.GrantRefusal(Roles("userAdminAnyDatabase@admin"), Roles("root@admin")));
        var refusal = Admission.GrantRefusal(Roles("userAdmin@test"), Roles("readWrite@test", "root@admin"));
        Assert.Equal(ErrorCode.Unauthorized, refusal?.Code);
        Assert.Contains("root@admin", refusal?.Message);
    }

    [Fact]
    public void Roles_are_names_on_the_users_database_or_role_and_db_documents()
    {
        var roles = RoleGrant.Parse(BsonDocument.Parse("{ r: ['readWrite', { role: 'read', db: 'other' }, 'readWrite'] }")["r"], "test");

        Assert.Equal(Roles("readWrite@test", "read@other"), roles);
    }

    [Theory]
    [InlineData("['owner']", "Could not find role: owner@test")]
    [InlineData("['root']", "Could not find role: root@test")]
    [InlineData("[{ role: 'clusterAdmin', db: 'test' }]", "Could not find role: clusterAdmin@test")]
    public void Unknown_roles_and_admin_roles_elsewhere_are_RoleNotFound(string roles, string message)
    {
        var refusal = Assert.Throws<ReplicaException>(() => RoleGrant.Parse(BsonDocument.Parse($"{{ r: {roles} }}")["r"], "test"));

        Assert.Equal(ErrorCode.RoleNotFound, refusal.Code);
        Assert.StartsWith(message, refusal.Message);
    }

    [Theory]
    [InlineData("{ r: 'read' }")]
    [InlineData("{ r: [1] }")]
    [InlineData("{ r: [{ role: 'read' }] }")]
    public void Roles_that_are_neither_names_nor_documents_are_refused(string document) =>
        Assert.Throws<ArgumentException>(() => RoleGrant.Parse(BsonDocument.Parse(document)["r"], "test"));
}

public class UsersNamespaceTests
{
    [Fact]
    public void The_users_collection_on_admin_is_the_one_system_collection_a_write_may_name()
    {
        Namespace.Parse("admin.system.users");
        Assert.Equal(ErrorCode.InvalidNamespace, Assert.Throws<ReplicaException>(() => Namespace.Parse("shop.system.users")).Code);
        Assert.Equal(ErrorCode.InvalidNamespace, Assert.Throws<ReplicaException>(() => Namespace.Parse("admin.system.roles")).Code);
        Assert.Equal("system.users", Admission.UsersCollection);
    }

    [Fact]
    public void No_change_stream_shows_the_users()
    {
        var onUsers = BsonDocument.Parse("{ aggregate: 'system.users', pipeline: [{ $changeStream: {} }] }");
        Assert.Equal(ErrorCode.InvalidNamespace, Assert.Throws<ReplicaException>(() => ChangeStreamSpec.Parse("admin", onUsers)).Code);
        var wholeSet = ChangeStreamSpec.Parse("admin", BsonDocument.Parse("{ aggregate: 1, pipeline: [{ $changeStream: { allChangesForCluster: true } }] }"));
        Assert.False(wholeSet.Scope.Watches("admin", "system.users"));
    }
}
