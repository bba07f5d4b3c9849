using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Driver;
using ReplicaActors.Client;
using ReplicaActors.Protocol;
using ReplicaActors.Security;
using ReplicaActors.Server;

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
        services.AddSingleton<ICommandTransport>(sp => new AkkaCommandTransport(options.BindIp, ClientTls(sp.GetRequiredService<ActorSystem>().Settings.Config)));
        services.AddSingleton<IReplicaSetClient>(sp => new ReplicaSetClient(
            [sp.GetRequiredService<MemberEndpoint>().Host],
            sp.GetRequiredService<ICommandTransport>(),
            ReplicaSetClientOptions.FromConfig(sp.GetRequiredService<ActorSystem>().Settings.Config)));
        services.AddSingleton<IMongoClient>(sp => new MongoClient(MongoSettings(
            sp.GetRequiredService<MemberEndpoint>().Host, options.ReplSetName, sp.GetRequiredService<ActorSystem>().Settings.Config,
            ClientLogin.From(sp.GetService<IConfiguration>()))));
        services.AddHealthChecks().AddCheck<ReplicaSetMemberHealthCheck>(ReplicaSetMemberHealthCheck.Name);
        return services;
    }

    /// <summary>Members that require TLS on remoting accept the client when it shows the member's own certificate.</summary>
    private static Akka.Configuration.Config? ClientTls(Akka.Configuration.Config member) => RemotingTls.IsRequired(member)
        ? ReplicaActorsConfig.ClientTls(member.GetString($"{TlsConfig.Section}.certificate-key-file"), member.GetString($"{TlsConfig.Section}.ca-file"))
        : null;

    /// <summary>
    /// The wire client for the member's set: over TLS, trusting the set's CA alone, whenever the member serves TLS, and
    /// logged in as <paramref name="credential"/> when configuration names a user.
    /// </summary>
    public static MongoClientSettings MongoSettings(string host, string replSetName, Akka.Configuration.Config member, MongoCredential? credential)
    {
        var settings = MongoClientSettings.FromConnectionString($"mongodb://{host}/?replicaSet={Uri.EscapeDataString(replSetName)}");
        if (TlsConfig.Mode(member) != TlsMode.Disabled)
        {
            settings.UseTls = true;
            settings.SslSettings = new SslSettings { ServerCertificateValidationCallback = WireTls.TrustedBy(TlsConfig.Authorities(member)) };
        }
        if (credential is not null) settings.Credential = credential;
        return settings;
    }
}
