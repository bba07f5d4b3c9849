using Akka.Configuration;

namespace ReplicaActors.Security;

/// <summary>Client authentication on the wire, read once from <c>replica-actors.security</c>.</summary>
public sealed record AuthSettings(bool Enabled, int IterationCount)
{
    private const string Section = "replica-actors.security";

    public static AuthSettings From(Akka.Configuration.Config root)
    {
        var authorization = root.GetString($"{Section}.authorization");
        var enabled = authorization switch
        {
            "enabled" => true,
            "disabled" => false,
            _ => throw new ConfigurationException($"{Section}.authorization (--auth) is '{authorization}': it must be enabled or disabled"),
        };
        var iterations = root.GetInt($"{Section}.scram-sha-256-iteration-count");
        if (iterations < ScramCredential.MinIterationCount)
            throw new ConfigurationException($"{Section}.scram-sha-256-iteration-count is {iterations}: drivers refuse fewer than {ScramCredential.MinIterationCount}");
        return new AuthSettings(enabled, iterations);
    }
}
