using ReplicaActors.Config;

namespace ReplicaActors.Tests.Config;

/// <summary>Small builders so a test reads as the set it describes: <c>Set(ConfigMember(0), ConfigMember(1), Arbiter(2))</c>.</summary>
internal static class ConfigFixtures
{
    public static MemberConfig ConfigMember(int id, double priority = 1) => new(id, $"127.0.0.1:{27200 + id}") { Priority = priority };

    public static MemberConfig Arbiter(int id) => new(id, $"127.0.0.1:{27200 + id}") { ArbiterOnly = true, Priority = 0 };

    public static MemberConfig NonVoter(int id) => new(id, $"127.0.0.1:{27200 + id}") { Votes = 0, Priority = 0 };

    public static ReplicaSetConfig Set(params MemberConfig[] members) => new("rs0", 1, 1, members, ReplicaSetSettings.Default);

    /// <summary>A set of <paramref name="n"/> ordinary members with ids 0..n-1.</summary>
    public static ReplicaSetConfig SetOf(int n) => Set(Enumerable.Range(0, n).Select(i => ConfigMember(i)).ToArray());
}
