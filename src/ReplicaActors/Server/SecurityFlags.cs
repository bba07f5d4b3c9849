namespace ReplicaActors.Server;

/// <summary>
/// mongod's security flags as given (null or false: not given, the HOCON value stands), for the member process and
/// the Hosting extension alike.
/// </summary>
public sealed record SecurityFlags(string? TlsMode, string? CertificateKeyFile, string? CaFile, string? ClusterAuthMode, bool Auth, bool NoAuth)
{
    /// <summary>The HOCON lines the given flags stand for; file paths become absolute, as the member reads them later.</summary>
    public IEnumerable<string> Hocon()
    {
        if (TlsMode is { } m) yield return $"replica-actors.tls.mode = {ReplicaActorsConfig.Quote(m)}";
        if (CertificateKeyFile is { } k) yield return $"replica-actors.tls.certificate-key-file = {ReplicaActorsConfig.Quote(Path.GetFullPath(k))}";
        if (CaFile is { } c) yield return $"replica-actors.tls.ca-file = {ReplicaActorsConfig.Quote(Path.GetFullPath(c))}";
        if (ClusterAuthMode is { } a) yield return $"replica-actors.tls.cluster-auth-mode = {ReplicaActorsConfig.Quote(a)}";
        if (Auth) yield return "replica-actors.security.authorization = enabled";
        if (NoAuth) yield return "replica-actors.security.noauth = on";
    }
}
