using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using ReplicaActors.Server;
using ReplicaActors.TestKit;

namespace ReplicaActors.Cluster.Tests.Security;

/// <summary>An in-process member on a free loopback port (in-memory journal, fast profile) whose warnings a spec can read: refusals are logged there.</summary>
internal static class WatchedMember
{
    public static MemberHost Start(Akka.Configuration.Config overrides, ConcurrentQueue<string> warnings)
    {
        var host = MemberHost.Start(overrides.WithFallback(ConfigurationFactory.ParseString($$"""
            replica-actors.member { replSet = rs0, bind-ip = "127.0.0.1", port = {{FreePorts.ForMember(FreePorts.DefaultOffset)}} }
            replica-actors.storage.temporary = on
            akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
            akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            akka.loglevel = WARNING
            """)).WithFallback(ConfigurationFactory.ParseString(ReplicaSetFixtureOptions.FastProfile)));
        host.System.EventStream.Subscribe(host.System.ActorOf(Props.Create(() => new WarningCollector(warnings))), typeof(Warning));
        return host;
    }

    private sealed class WarningCollector : ReceiveActor
    {
        public WarningCollector(ConcurrentQueue<string> into) => Receive<Warning>(w => into.Enqueue(w.ToString()));
    }
}
