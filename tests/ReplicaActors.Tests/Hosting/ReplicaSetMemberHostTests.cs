using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using MongoDB.Bson;
using MongoDB.Driver;
using ReplicaActors.Client;
using ReplicaActors.Hosting;
using ReplicaActors.Protocol;

namespace ReplicaActors.Tests.Hosting;

public class ReplicaSetMemberHostTests
{
    private static ReplicaSetMemberOptions InMemoryMember() => new()
    {
        ReplSetName = "rs-hosted",
        Port = 0,
        DbPath = Path.Combine(Path.GetTempPath(), "ra-hosting-" + Guid.NewGuid().ToString("N")),
        Profile = "fast",
        Hocon = """
            akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
            akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
            replica-actors.storage.temporary = on
            """,
    };

    [Fact]
    public async Task A_hosted_member_initiates_and_becomes_primary()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddReplicaSetMember(InMemoryMember());
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var client = host.Services.GetRequiredService<IReplicaSetClient>();

            (await client.RunCommandAsync(new CommandRequest("admin", new BsonDocument("replSetInitiate", BsonNull.Value)))).EnsureOk();
            var topology = await client.WaitForTopologyAsync(t => t.Primary is not null);

            var me = host.Services.GetRequiredService<MemberEndpoint>().Host;
            Assert.Equal(me, topology.Primary!.Host);
            var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
            Assert.Equal(HealthStatus.Healthy, health.Entries[ReplicaSetMemberHealthCheck.Name].Status);
            // The registered MongoDB.Driver client reaches the same member over the wire protocol.
            var items = host.Services.GetRequiredService<IMongoClient>().GetDatabase("app").GetCollection<BsonDocument>("items");
            await items.InsertOneAsync(new BsonDocument("_id", 1));
            Assert.Equal(1, await items.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Refuses_an_actor_system_not_named_replicaactors()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAkka("shop", (akka, _) => akka.WithReplicaSetMember(InMemoryMember()));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("'replicaactors'", error.Message);
        Assert.Contains("'shop'", error.Message);
    }

    [Fact]
    public async Task Refuses_an_address_other_than_loopback_without_authentication()
    {
        var builder = Host.CreateApplicationBuilder();
        var options = InMemoryMember();
        options.BindIp = "10.1.2.3";
        builder.Services.AddReplicaSetMember(options);
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("refusing to bind 10.1.2.3", error.ToString());
    }
}
