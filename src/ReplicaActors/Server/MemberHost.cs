using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Pattern;
using Akka.Remote;
using ReplicaActors.Config;
using ReplicaActors.Member;
using ReplicaActors.Protocol;
using ReplicaActors.Security;
using ReplicaActors.Storage;
using ReplicaActors.Wire;

namespace ReplicaActors.Server;

/// <summary>
/// One running member: its ActorSystem, its document store and the member actor. Shared by the
/// member process, the hosting extension and test fixtures, so they all start a member one way.
/// </summary>
public sealed class MemberHost : IAsyncDisposable
{
    private readonly JournalDatabase? _journal;

    private MemberHost(ActorSystem system, DocumentStore store, JournalDatabase? journal, IActorRef member, MemberSettings settings)
    {
        _journal = journal;
        System = system;
        Store = store;
        Member = member;
        Settings = settings;
    }

    public ActorSystem System { get; }
    public DocumentStore Store { get; }
    public IActorRef Member { get; }
    public MemberSettings Settings { get; }

    /// <param name="overrides">HOCON that overrides the reference config: at least <c>replica-actors.member.replSet</c>.</param>
    public static MemberHost Start(Akka.Configuration.Config overrides)
    {
        var config = ReplicaActorsConfig.ForMember(overrides);
        var settings = MemberSettings.From(config);
        ExposurePolicy.Enforce(config);
        var temporary = config.GetBoolean("replica-actors.storage.temporary");
        // Certificate files are read before anything is opened, so a bad one stops the start with its name.
        var tls = RemotingTls.From(config);
        var journal = config.GetString("akka.persistence.journal.plugin") == "akka.persistence.journal.sql" ? new JournalDatabase(settings.DbPath) : null;
        var store = temporary ? DocumentStore.OpenTemporary() : DocumentStore.Open(settings.DbPath);
        ActorSystem? system = null;
        try
        {
            var setup = ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config));
            if (tls is not null) setup = setup.And(tls.Setup());
            if (journal is not null) setup = setup.And(journal.Setup);
            system = ActorSystem.Create(MemberAddressing.SystemName, setup);
            settings = settings.BoundTo(system);
            return new MemberHost(system, store, journal, StartMember(system, settings, store), settings);
        }
        catch (Exception e)
        {
            // A member whose wire port is taken must not leave its remoting endpoint running.
            system?.Terminate().Wait();
            store.Dispose();
            journal?.Dispose();
            if (RemotingBindFailure(e) is { } failure)
                throw new IOException($"cannot listen for Akka remoting on {settings.BindIp}:{settings.RemotingPort}: {failure.InnerException?.Message ?? failure.Message}", e);
            throw;
        }
    }

    /// <summary>Akka reports a remoting port it cannot bind as a RemoteTransportException deep inside AggregateExceptions.</summary>
    private static RemoteTransportException? RemotingBindFailure(Exception e) => e switch
    {
        RemoteTransportException remote => remote,
        AggregateException aggregate => aggregate.Flatten().InnerExceptions.Select(RemotingBindFailure).FirstOrDefault(f => f is not null),
        _ => e.InnerException is { } inner ? RemotingBindFailure(inner) : null,
    };

    /// <summary>
    /// The member runs under a backoff supervisor: a journal failure stops a persistent actor
    /// (its state could be behind the journal), and it comes back by replaying the journal,
    /// with growing pauses so a broken disk does not spin. Meanwhile every message gets a retryable
    /// error at once, so a client retries (the same write id: never applied twice) instead of waiting
    /// out its timeout; other members take it as the unanswered message it is. Its MongoDB wire
    /// listener starts with it.
    /// </summary>
    public static IActorRef StartMember(ActorSystem system, MemberSettings settings, DocumentStore store)
    {
        var member = system.ActorOf(
            BackoffSupervisor.Props(Backoff.OnStop(
                    ReplicaMember.Props(settings, store), "replica", settings.RestartBackoff.Min, settings.RestartBackoff.Max, 0.2, maxNrOfRetries: -1)
                .WithReplyWhileStopped(WhileRestarting)),
            MemberAddressing.MemberActorName);
        WireServer.Start(system, member, settings.Host, settings.BindIp, settings.Port);
        return member;
    }

    private static readonly CommandReply WhileRestarting = CommandReply.Error(ErrorCode.InterruptedDueToReplStateChange,
        "the member is restarting from its journal after a journal failure; retry");

    /// <summary>Ends the member as a crash would (no leaving the cluster when the system is configured so), then frees its files.</summary>
    public async Task CrashAsync()
    {
        await System.Terminate().ConfigureAwait(false);
        Store.Dispose();
        _journal?.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClrExitReason.Instance).ConfigureAwait(false);
        await System.WhenTerminated.ConfigureAwait(false);
        Store.Dispose();
        _journal?.Dispose();
    }
}
