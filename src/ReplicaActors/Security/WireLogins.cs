using System.Security.Cryptography;

namespace ReplicaActors.Security;

/// <summary>What a secured set hands its users: a generated password and the connection string to log in with.</summary>
public static class WireLogins
{
    /// <summary>
    /// A connection string for the set's wire ports with TLS and the set's CA, as mongosh and the drivers read it
    /// (user and password URL-escaped; MongoDB.Driver for .NET ignores tlsCAFile and takes the CA in code).
    /// </summary>
    public static string ConnectionString(IEnumerable<string> hosts, string setName, string caFile, (string User, string Password)? credentials)
    {
        var login = credentials is var (user, password) ? $"{Uri.EscapeDataString(user)}:{Uri.EscapeDataString(password)}@" : "";
        return $"mongodb://{login}{string.Join(",", hosts)}/?replicaSet={Uri.EscapeDataString(setName)}&tls=true&tlsCAFile={Uri.EscapeDataString(caFile).Replace("%2F", "/")}";
    }

    /// <summary>144 random bits in URL-safe base64: printable ASCII, as SASLprep here takes, and nothing to escape.</summary>
    public static string NewPassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
}
