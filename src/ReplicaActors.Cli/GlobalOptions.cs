using System.CommandLine;
using ReplicaActors.Client;
using ReplicaActors.Protocol;
using ReplicaActors.Server;

namespace ReplicaActors.Cli;

/// <summary>The host list and the options every command accepts, wherever they appear on the line.</summary>
public sealed class GlobalOptions
{
    public Argument<string> Hosts { get; } = new("HOST[,HOST...]")
    {
        Description = "Seed members of the replica set, as host:port, separated by commas; the others are discovered from them",
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print the reply as relaxed Extended JSON instead of tables",
        Recursive = true,
    };

    public Option<bool> Direct { get; } = new("--direct")
    {
        Description = "Talk only to the first host, whatever its role: no discovery, reads allowed on a secondary",
        Recursive = true,
    };

    public Option<int> Timeout { get; } = new("--timeout")
    {
        Description = "Seconds to wait for a suitable member (a primary for writes) and for each reply",
        HelpName = "SECS",
        DefaultValueFactory = _ => 10,
        Recursive = true,
    };

    public Option<string> TlsCertificateKeyFile { get; } = new("--tlsCertificateKeyFile")
    {
        Description = "PEM file with this client's certificate and key, signed by the set's CA: for member remoting when members require TLS (launch --tls writes DBPATH/tls/client.pem); db watch and metrics do not need it",
        HelpName = "FILE",
        Recursive = true,
    };

    public Option<string> TlsCAFile { get; } = new("--tlsCAFile")
    {
        Description = "PEM file with the set's CA certificate, which the members' certificates must be signed by; db watch and metrics then reach the wire port over TLS (launch --tls writes DBPATH/tls/ca.pem)",
        HelpName = "FILE",
        Recursive = true,
    };

    public Option<string> Username { get; } = new("--username")
    {
        Description = "User to log in as (SCRAM-SHA-256) where rsctl speaks the MongoDB wire protocol, as db watch does, to members started with --auth. "
            + "The other commands go over member remoting, which the client certificate opens",
        HelpName = "USER",
        Recursive = true,
    };

    public Option<string> Password { get; } = new("--password")
    {
        Description = "The password of --username (launch --auth writes root's to DBPATH/root-password)",
        HelpName = "PASSWORD",
        Recursive = true,
    };

    public Option<string> AuthenticationDatabase { get; } = new("--authenticationDatabase")
    {
        Description = "Database --username is defined on",
        HelpName = "DB",
        DefaultValueFactory = _ => "admin",
        Recursive = true,
    };

    public GlobalOptions()
    {
        Timeout.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() <= 0) result.AddError("--timeout must be a positive number of seconds");
        });
    }

    public void AddTo(RootCommand root)
    {
        root.Add(Hosts);
        root.Add(Json);
        root.Add(Direct);
        root.Add(Timeout);
        root.Add(TlsCertificateKeyFile);
        root.Add(TlsCAFile);
        root.Add(Username);
        root.Add(Password);
        root.Add(AuthenticationDatabase);
    }

    /// <param name="remoting">
    /// Whether the command goes over member remoting, where TLS means a client certificate (--tlsCertificateKeyFile) as
    /// well as the CA; the wire commands (db watch, metrics) show no certificate and need --tlsCAFile alone.
    /// </param>
    public ClientSettings Settings(ParseResult parseResult, bool remoting = true)
    {
        var hosts = parseResult.GetRequiredValue(Hosts).Split(',', StringSplitOptions.TrimEntries);
        if (hosts.Any(h => h.Length == 0))
            throw new ReplicaException(ErrorCode.BadValue, $"host list '{parseResult.GetValue(Hosts)}' has an empty entry");
        var timeout = TimeSpan.FromSeconds(parseResult.GetValue(Timeout));
        // A person at a prompt waits --timeout at most, for a primary as for a reply.
        var options = ReplicaSetClientOptions.FromConfig(ReferenceConfig.Value) with
        {
            Direct = parseResult.GetValue(Direct),
            CommandTimeout = timeout,
            ServerSelectionTimeout = timeout,
        };
        var caFile = parseResult.GetValue(TlsCAFile);
        var keyFile = parseResult.GetValue(TlsCertificateKeyFile);
        if (!remoting && keyFile is not null && caFile is null)
            throw new ReplicaException(ErrorCode.BadValue, "TLS to the wire port needs --tlsCAFile (--tlsCertificateKeyFile is the client certificate for member remoting, which this command does not use)");
        return new ClientSettings(hosts, options, remoting ? TransportSettings(keyFile, caFile) : null,
            caFile is null ? null : Path.GetFullPath(caFile),
            Login(parseResult.GetValue(Username), parseResult.GetValue(Password), parseResult.GetRequiredValue(AuthenticationDatabase)));
    }

    private static WireLogin? Login(string? user, string? password, string source) => (user, password) switch
    {
        (null, null) => null,
        ({ Length: > 0 }, not null) when source.Length > 0 => new WireLogin(user, password, source),
        (null, _) => throw new ReplicaException(ErrorCode.BadValue, "--password needs --username, the user it belongs to"),
        (_, null) => throw new ReplicaException(ErrorCode.BadValue, $"--username {user} needs --password"),
        _ => throw new ReplicaException(ErrorCode.BadValue, "--username and --authenticationDatabase must not be empty"),
    };

    private static Akka.Configuration.Config? TransportSettings(string? certificateKeyFile, string? caFile)
    {
        if (certificateKeyFile is null && caFile is null) return null;
        if (certificateKeyFile is null || caFile is null)
            throw new ReplicaException(ErrorCode.BadValue, "TLS to member remoting needs both --tlsCertificateKeyFile and --tlsCAFile (db watch and metrics need --tlsCAFile alone)");
        return ReplicaActorsConfig.ClientTls(certificateKeyFile, caFile);
    }
}
