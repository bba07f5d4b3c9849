using ReplicaActors.Consensus;
using ReplicaActors.Protocol;

namespace ReplicaActors.Tests.Consensus;

/// <summary>Short spellings for OpTimes and member views so a test row reads as a sentence.</summary>
internal static class ConsensusFixtures
{
    /// <summary>The entry written at second <paramref name="secs"/> in term <paramref name="term"/>.</summary>
    public static OpTime Op(uint secs, long term, uint inc = 0) => new(new Timestamp(secs, inc), term);

    public static MemberView Secondary(int id, OpTime applied, double ping = 10) =>
        new(id, MemberState.Secondary, true, applied, applied, ping);

    public static MemberView Primary(int id, OpTime applied, double ping = 10) =>
        new(id, MemberState.Primary, true, applied, applied, ping);

    public static MemberView Down(int id, OpTime lastKnown = default) =>
        new(id, MemberState.Down, false, lastKnown, lastKnown, 0);

    public static MemberView ArbiterView(int id) => new(id, MemberState.Arbiter, true, OpTime.Null, OpTime.Null, 1);
}
