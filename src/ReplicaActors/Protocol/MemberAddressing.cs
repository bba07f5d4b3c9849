namespace ReplicaActors.Protocol;

/// <summary>Where a member actor lives, the same on every member, so that clients and members can address it from its host alone.</summary>
public static class MemberAddressing
{
    /// <summary>
    /// Every member's ActorSystem has this one name, so that a member is reachable from its
    /// <c>host:port</c> alone (as a mongod is): clients need not know the set name before they
    /// connect, and the set name is checked by the replica-set protocol instead.
    /// </summary>
    public const string SystemName = "replicaactors";

    /// <summary>The member actor's path in every member's system.</summary>
    public const string MemberActorName = "member";
}
