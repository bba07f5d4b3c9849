using ReplicaActors.Protocol;

namespace ReplicaActors.Consensus;

internal static class OpTimeReach
{
    /// <summary>
    /// A member has an entry when it is at or past it in the same term: an OpTime of another term may lie on
    /// another branch of history (MongoDB's <c>haveNumNodesReachedOpTime</c>).
    /// </summary>
    public static bool HasReached(this OpTime member, OpTime target) => member.Term == target.Term && member >= target;
}
