namespace ReplicaActors.Config;

/// <summary>
/// Where a config stands in the order of configs: term first, then version. A forced config has term -1,
/// and then only versions are compared (a forced reconfig jumps the version far ahead instead).
/// </summary>
public readonly record struct ConfigVersionAndTerm(long Version, long Term) : IComparable<ConfigVersionAndTerm>
{
    public const long ForcedTerm = -1;

    public int CompareTo(ConfigVersionAndTerm other)
    {
        if (Term == ForcedTerm || other.Term == ForcedTerm || Term == other.Term)
            return Version.CompareTo(other.Version);
        return Term.CompareTo(other.Term);
    }

    public static bool operator <(ConfigVersionAndTerm a, ConfigVersionAndTerm b) => a.CompareTo(b) < 0;
    public static bool operator >(ConfigVersionAndTerm a, ConfigVersionAndTerm b) => a.CompareTo(b) > 0;
    public static bool operator <=(ConfigVersionAndTerm a, ConfigVersionAndTerm b) => a.CompareTo(b) <= 0;
    public static bool operator >=(ConfigVersionAndTerm a, ConfigVersionAndTerm b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{{ version: {Version}, term: {Term} }}";
}
