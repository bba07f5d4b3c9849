using ReplicaActors.Client;

namespace ReplicaActors.Cli;

/// <summary>
/// How to reach the replica set: the seed hosts, in order, the client's options (direct mode, timeouts), the
/// transport's own settings (a client certificate for members that require TLS), or null for the defaults, and what
/// the commands that speak the MongoDB wire protocol (db watch) need there.
/// </summary>
/// <param name="WireCaFile">The set's CA (--tlsCAFile): with it, wire connections are TLS and members are checked against it.</param>
/// <param name="Login">The user wire connections log in as (--username, --password), or null.</param>
public sealed record ClientSettings(
    IReadOnlyList<string> Hosts, ReplicaSetClientOptions Options, Akka.Configuration.Config? Transport, string? WireCaFile = null, WireLogin? Login = null);

/// <summary>A user and password for SCRAM-SHA-256 on the wire, defined on <paramref name="Source"/>.</summary>
public sealed record WireLogin(string User, string Password, string Source)
{
    /// <summary>Names the user only: the password stays out of anything printed.</summary>
    public override string ToString() => $"{User}@{Source}";
}
