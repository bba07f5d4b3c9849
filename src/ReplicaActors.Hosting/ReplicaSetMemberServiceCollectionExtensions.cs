using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Driver;
using ReplicaActors.Client;
using ReplicaActors.Protocol;

namespace ReplicaActors.Hosting;

public static class ReplicaSetMemberServiceCollectionExtensions
{
    /// <summary>Adds a member configured from the <c>ReplicaSet</c> section of <paramref name="configuration"/>.</summary>
    public static IServiceCollection AddReplicaSetMember(this IServiceCollection services, IConfiguration configuration) =>
        services.AddReplicaSetMember(ReplicaSetMemberOptions.FromConfiguration(configuration));

    public static IServiceCollection AddReplicaSetMember(this IServiceCollection services, Action<ReplicaSetMemberOptions> configure)
    {
        var options = new ReplicaSetMemberOptions();
        configure(options);
        return services.AddReplicaSetMember(options);
    }

    /// <summary>
    /// Adds the member's ActorSystem (<c>AddAkka</c> + <see cref="ReplicaSetMemberHostingExtensions.WithReplicaSetMember"/>),
    /// an <see cref="IReplicaSetClient"/> and a MongoDB.Driver <see cref="IMongoClient"/>, both seeded with the member's
    /// own host (they discover the rest of the set), and the <c>replica-set-member</c> health check. The member's metrics
    /// are on the meter <see cref="ReplicaActorsMeter.Name"/>: the app's OpenTelemetry setup exports them with
    /// <c>AddMeter(ReplicaActorsMeter.Name)</c>.
    /// </summary>
    public static IServiceCollection AddReplicaSetMember(this IServiceCollection services, ReplicaSetMemberOptions options)
    {
        services.AddAkka(MemberAddressing.SystemName, (builder, _) => builder.WithReplicaSetMember(options));
        services.AddSingleton(sp => MemberEndpoint.Of(sp.GetRequiredService<ActorSystem>()));
        services.AddSingleton<ICommandTransport>(_ => new AkkaCommandTransport(options.BindIp));
        services.AddSingleton<IReplicaSetClient>(sp => new ReplicaSetClient(
            [sp.GetRequiredService<MemberEndpoint>().Host],
            sp.GetRequiredService<ICommandTransport>(),
            ReplicaSetClientOptions.FromConfig(sp.GetRequiredService<ActorSystem>().Settings.Config)));
        services.AddSingleton<IMongoClient>(sp =>
            new MongoClient($"mongodb://{sp.GetRequiredService<MemberEndpoint>().Host}/?replicaSet={Uri.EscapeDataString(options.ReplSetName)}"));
        services.AddHealthChecks().AddCheck<ReplicaSetMemberHealthCheck>(ReplicaSetMemberHealthCheck.Name);
        return services;
    }
}
