using Akka.Hosting;
using ReplicaActors.Server;
using ReplicaActors.Member;
using ReplicaActors.Protocol;
using ReplicaActors.Security;
using ReplicaActors.Storage;

namespace ReplicaActors.Hosting;

public static class ReplicaSetMemberHostingExtensions
{
    /// <summary>
    /// Configures the ActorSystem as a replica-set member (remoting, clustering, the SQLite journal, the member's
    /// settings: the same configuration <see cref="MemberHost"/> composes) and starts the member actor at
    /// <c>/user/member</c>, registered in the ActorRegistry under <see cref="ReplicaMember"/>. The document store
    /// and journal are closed when the ActorSystem terminates. The system must be named <see cref="MemberAddressing.SystemName"/>:
    /// starting it under another name fails with <see cref="InvalidOperationException"/>.
    /// </summary>
    public static AkkaConfigurationBuilder WithReplicaSetMember(this AkkaConfigurationBuilder builder, ReplicaSetMemberOptions options)
    {
        var config = ReplicaActorsConfig.ForMember(options.ToOverrides());
        var settings = MemberSettings.From(config);
        ExposurePolicy.Enforce(config);
        var journal = config.GetString("akka.persistence.journal.plugin") == "akka.persistence.journal.sql" ? new JournalDatabase(settings.DbPath) : null;
        // Certificate files are read before the system starts, so a bad one stops the host with its name.
        var tls = RemotingTls.From(config);
        builder.AddHocon(config, HoconAddMode.Prepend);
        if (tls is not null) builder.AddSetup(tls.Setup());
        if (journal is not null) builder.AddSetup(journal.Setup);
        return builder.WithActors((system, registry) =>
        {
            // Akka.Hosting keeps the system's name to itself until the system exists, so this is the first place to check it.
            if (system.Name != MemberAddressing.SystemName)
            {
                journal?.Dispose();
                throw new InvalidOperationException(
                    $"a replica-set member's ActorSystem must be named '{MemberAddressing.SystemName}' (members and rsctl address it by that name), " +
                    $"but AddAkka was given '{system.Name}'");
            }
            var store = config.GetBoolean("replica-actors.storage.temporary") ? DocumentStore.OpenTemporary() : DocumentStore.Open(settings.DbPath);
            system.RegisterOnTermination(() =>
            {
                store.Dispose();
                journal?.Dispose();
            });
            registry.Register<ReplicaMember>(MemberHost.StartMember(system, settings.BoundTo(system), store));
        });
    }
}
