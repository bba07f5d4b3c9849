using Akka.Actor;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MongoDB.Bson;
using MongoDB.Driver;
using ReplicaActors.Client;
using ReplicaActors.Hosting;
using ReplicaActors.Protocol;
using ReplicaActors.Security;

namespace ReplicaActors.Tests.Hosting;

/// <summary>
/// A hosted member with TLS and logins on, everything from configuration: the registered .NET client reaches it over
/// mutual TLS with the member's certificate, and the registered IMongoClient over TLS as the configured user.
/// </summary>
public sealed class SecuredHostedMemberTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ra-hosting-secure-" + Guid.NewGuid().ToString("N"));
    private const string Password = "hosted-Secret-4u";

    public SecuredHostedMemberTests()
    {
        Directory.CreateDirectory(_folder);
        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-1);
        using var ca = SetCertificates.CreateAuthority("rs-hosted", notBefore, TimeSpan.FromDays(1));
        using var member = SetCertificates.Issue(ca, "m0", ["127.0.0.1", "localhost"], notBefore, TimeSpan.FromDays(1));
        File.WriteAllText(CaFile, SetCertificates.CertificatePem(ca));
        SetCertificates.WritePrivate(KeyFile, SetCertificates.CertificateAndKeyPem(member));
        SetCertificates.WritePrivate(PasswordFile, Password + "\n");
    }

    private string CaFile => Path.Combine(_folder, "ca.pem");
    private string KeyFile => Path.Combine(_folder, "m0.pem");
    private string PasswordFile => Path.Combine(_folder, "root-password");

    private Dictionary<string, string?> Settings() => new()
    {
        ["ReplicaSet:ReplSetName"] = "rs-hosted",
        ["ReplicaSet:Port"] = "0",
        ["ReplicaSet:DbPath"] = Path.Combine(_folder, "data"),
        ["ReplicaSet:Profile"] = "fast",
        ["ReplicaSet:Hocon"] = """
            akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
            akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
            replica-actors.storage.temporary = on
            """,
        ["ReplicaSet:TlsMode"] = "requireTLS",
        ["ReplicaSet:TlsCertificateKeyFile"] = KeyFile,
        ["ReplicaSet:TlsCAFile"] = CaFile,
        ["ReplicaSet:Auth"] = "true",
        ["ReplicaSet:Client:Username"] = "root",
        ["ReplicaSet:Client:PasswordFile"] = PasswordFile,
    };

    [Fact]
    public async Task The_registered_clients_reach_a_member_with_TLS_and_logins_from_configuration_alone()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(Settings());
        builder.Services.AddReplicaSetMember(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            // Remoting: the member accepts the registered client only because it shows a certificate the CA signed.
            var client = host.Services.GetRequiredService<IReplicaSetClient>();
            (await client.RunCommandAsync(new CommandRequest("admin", new BsonDocument("replSetInitiate", BsonNull.Value)))).EnsureOk();
            await client.WaitForTopologyAsync(t => t.Primary is not null);
            var me = host.Services.GetRequiredService<MemberEndpoint>().Host;
            var config = host.Services.GetRequiredService<ActorSystem>().Settings.Config;

            // The first user through the localhost exception, over TLS without a login.
            var anonymous = new MongoClient(ReplicaSetMemberServiceCollectionExtensions.MongoSettings(me, "rs-hosted", config, null));
            var unauthorized = await Assert.ThrowsAsync<MongoCommandException>(() =>
                anonymous.GetDatabase("app").GetCollection<BsonDocument>("items").InsertOneAsync(new BsonDocument("_id", 0)));
            Assert.Equal((int)ErrorCode.Unauthorized, unauthorized.Code);
            await anonymous.GetDatabase("admin").RunCommandAsync<BsonDocument>(
                new BsonDocument { { "createUser", "root" }, { "pwd", Password }, { "roles", new BsonArray { "root" } } });

            var mongo = host.Services.GetRequiredService<IMongoClient>();
            var items = mongo.GetDatabase("app").GetCollection<BsonDocument>("items");
            await items.InsertOneAsync(new BsonDocument("_id", 1));
            var status = await mongo.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("connectionStatus", 1));

            Assert.True(mongo.Settings.UseTls);
            Assert.Equal(BsonDocument.Parse("{ user: 'root', db: 'admin' }"), status["authInfo"]["authenticatedUsers"][0]);
            Assert.Equal(1, await items.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Theory]
    [InlineData("ReplicaSet:Client:Password", "x", null, "without ReplicaSet:Client:Username")]
    [InlineData("ReplicaSet:Client:Username", "root", null, "without ReplicaSet:Client:Password or ReplicaSet:Client:PasswordFile")]
    [InlineData("ReplicaSet:Client:Username", "root", "/nonexistent/ra-password", "ReplicaSet:Client:PasswordFile /nonexistent/ra-password cannot be read")]
    public void An_incomplete_login_is_refused_naming_the_keys(string key, string value, string? passwordFile, string problem)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [key] = value,
            ["ReplicaSet:Client:PasswordFile"] = passwordFile,
        }).Build();

        var e = Assert.Throws<InvalidOperationException>(() => ClientLogin.From(configuration));

        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void No_user_configured_means_no_login() => Assert.Null(ClientLogin.From(new ConfigurationBuilder().Build()));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
