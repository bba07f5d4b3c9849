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

    /// <summary>A hosted member, started and initiated: the set of one it makes has elected it by the time this returns.</summary>
    private static async Task<IHost> StartInitiatedAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddReplicaSetMember(InMemoryMember());
        var host = builder.Build();
        await host.StartAsync();
        try
        {
            var client = host.Services.GetRequiredService<IReplicaSetClient>();
            (await client.RunCommandAsync(new CommandRequest("admin", new BsonDocument("replSetInitiate", BsonNull.Value)))).EnsureOk();
            await client.WaitForTopologyAsync(t => t.Primary is not null);
            return host;
        }
        catch
        {
            await host.StopAsync();
            host.Dispose();
            throw;
        }
    }

    [Fact]
    public async Task A_hosted_member_initiates_and_becomes_primary()
    {
        using var host = await StartInitiatedAsync();
        try
        {
            var topology = await host.Services.GetRequiredService<IReplicaSetClient>().WaitForTopologyAsync(t => t.Primary is not null);

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
    public async Task An_embedding_app_watches_its_own_changes_through_the_registered_client()
    {
        using var host = await StartInitiatedAsync();
        try
        {
            var orders = host.Services.GetRequiredService<IMongoClient>().GetDatabase("app").GetCollection<BsonDocument>("orders");
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

            using var changes = await orders.WatchAsync(cancellationToken: timeout.Token);
            await orders.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "status", "new" } });
            await orders.UpdateOneAsync(new BsonDocument("_id", 1), new BsonDocument("$set", new BsonDocument("status", "paid")));
            var seen = new List<ChangeStreamDocument<BsonDocument>>();
            while (seen.Count < 2 && await changes.MoveNextAsync(timeout.Token)) seen.AddRange(changes.Current);

            Assert.Equal([ChangeStreamOperationType.Insert, ChangeStreamOperationType.Update], seen.Select(c => c.OperationType));
            Assert.All(seen, c => Assert.Equal(new BsonDocument("_id", 1), c.DocumentKey));
            Assert.Equal(new BsonDocument("status", "paid"), seen[1].UpdateDescription.UpdatedFields);
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
