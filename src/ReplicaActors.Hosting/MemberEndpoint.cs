using Akka.Actor;
using ReplicaActors.Member;

namespace ReplicaActors.Hosting;

/// <summary>The embedded member's replica-set host, as its running ActorSystem bound it (port 0 becomes the port it got).</summary>
public sealed record MemberEndpoint(string Host)
{
    public static MemberEndpoint Of(ActorSystem system) => new(MemberSettings.From(system.Settings.Config).BoundTo(system).Host);
}
