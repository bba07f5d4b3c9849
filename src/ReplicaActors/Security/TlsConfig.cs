using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;

namespace ReplicaActors.Security;

/// <summary>mongod's <c>--tlsMode</c>: what a member serves and accepts.</summary>
public enum TlsMode
{
    /// <summary>No TLS anywhere.</summary>
    Disabled,

    /// <summary>Members talk plaintext to each other; the wire port accepts TLS and plaintext clients.</summary>
    AllowTls,

    /// <summary>Members talk TLS to each other; the wire port accepts TLS and plaintext clients.</summary>
    PreferTls,

    /// <summary>TLS on every connection, remoting and wire; a plaintext client is closed.</summary>
    RequireTls,
}

/// <summary>The <c>replica-actors.tls</c> section: the mode and the PEM files both TLS users (remoting, wire) load.</summary>
public static class TlsConfig
{
    public const string Section = "replica-actors.tls";

    /// <summary>The mode <c>replica-actors.tls.mode</c> names; any other value, or a cluster-auth-mode other than x509, is an error.</summary>
    public static TlsMode Mode(Akka.Configuration.Config config)
    {
        var authMode = config.GetString($"{Section}.cluster-auth-mode");
        if (authMode != "x509")
            throw new ConfigurationException($"{Section}.cluster-auth-mode (--clusterAuthMode) '{authMode}' is not supported: members authenticate with x509 certificates only");
        var mode = config.GetString($"{Section}.mode");
        return mode switch
        {
            "disabled" => TlsMode.Disabled,
            "allowTLS" => TlsMode.AllowTls,
            "preferTLS" => TlsMode.PreferTls,
            "requireTLS" => TlsMode.RequireTls,
            _ => throw new ConfigurationException($"{Section}.mode (--tlsMode) must be disabled, allowTLS, preferTLS or requireTLS, not '{mode}'"),
        };
    }

    /// <summary>This end's certificate with its private key, from <c>certificate-key-file</c> (--tlsCertificateKeyFile).</summary>
    public static X509Certificate2 CertificateAndKey(Akka.Configuration.Config config)
    {
        var path = RequiredFile(config, "certificate-key-file", "--tlsCertificateKeyFile");
        try
        {
            var certificate = X509Certificate2.CreateFromPemFile(path);
            if (!certificate.HasPrivateKey)
                throw new ConfigurationException($"{Section}.certificate-key-file: {Path.GetFullPath(path)} holds no private key");
            return certificate;
        }
        catch (CryptographicException e)
        {
            throw new ConfigurationException($"{Section}.certificate-key-file: {Path.GetFullPath(path)} must hold a PEM certificate and its private key: {e.Message}");
        }
    }

    /// <summary>The CA certificates from <c>ca-file</c> (--tlsCAFile).</summary>
    public static X509Certificate2Collection Authorities(Akka.Configuration.Config config) =>
        LoadAuthorities(RequiredFile(config, "ca-file", "--tlsCAFile"), $"{Section}.ca-file");

    /// <summary>The CA certificates in the PEM file at <paramref name="path"/>; <paramref name="setting"/> names where the path came from in errors.</summary>
    public static X509Certificate2Collection LoadAuthorities(string path, string setting)
    {
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"{setting}: {Path.GetFullPath(path)} is not a readable PEM certificate file: {e.Message}");
        }
        if (authorities.Count == 0)
            throw new ConfigurationException($"{setting}: {Path.GetFullPath(path)} holds no certificate");
        return authorities;
    }

    private static string RequiredFile(Akka.Configuration.Config config, string key, string flag)
    {
        var path = config.GetString($"{Section}.{key}");
        if (string.IsNullOrEmpty(path))
            throw new ConfigurationException($"{Section}.mode is {config.GetString($"{Section}.mode")} but {Section}.{key} ({flag}) is not set");
        if (!File.Exists(path))
            throw new ConfigurationException($"{Section}.{key} ({flag}): file {Path.GetFullPath(path)} does not exist");
        return path;
    }
}
