using ReplicaActors.Server;
using Akka.Configuration;
using Microsoft.Extensions.Configuration;

namespace ReplicaActors.Hosting;

/// <summary>
/// An embedded member's settings, in mongod's terms. Bindable from the <c>ReplicaSet</c> configuration section
/// (appsettings.json, environment, command line) or set in code. The named settings win over <see cref="Hocon"/>,
/// which wins over the <see cref="Profile"/>, which wins over the embedded reference config.
/// </summary>
public sealed class ReplicaSetMemberOptions
{
    public const string SectionName = "ReplicaSet";

    /// <summary>The replica set this member belongs to (mongod's <c>--replSet</c>). Required.</summary>
    public string ReplSetName { get; set; } = "";

    /// <summary>Address the member binds and advertises (wire protocol and Akka remoting); the member's host is <c>BindIp:Port</c>.</summary>
    public string BindIp { get; set; } = "127.0.0.1";

    /// <summary>
    /// MongoDB wire protocol port, the member's replica-set port; Akka remoting listens on it plus
    /// <c>replica-actors.remoting.port-offset</c>. 0 takes any free remoting port and the wire port that maps to it.
    /// </summary>
    public int Port { get; set; } = 27017;

    /// <summary>Folder for the member's journal (oplog.db) and documents (data.db).</summary>
    public string DbPath { get; set; } = "data";

    /// <summary>A profile shipped in <c>hocon/</c> beside the application (<c>mongodb</c>, <c>fast</c>), or null for the reference defaults.</summary>
    public string? Profile { get; set; }

    /// <summary>mongod's <c>--tlsMode</c>: disabled, allowTLS, preferTLS or requireTLS; null leaves <c>replica-actors.tls.mode</c>.</summary>
    public string? TlsMode { get; set; }

    /// <summary>
    /// PEM file with the member's certificate and key (mongod's <c>--tlsCertificateKeyFile</c>), shown to the other members
    /// and to wire clients; the registered <see cref="ReplicaActors.Client.IReplicaSetClient"/> shows it to members too.
    /// </summary>
    public string? TlsCertificateKeyFile { get; set; }

    /// <summary>PEM file with the set's CA (mongod's <c>--tlsCAFile</c>): members and the registered clients trust only what it signed.</summary>
    public string? TlsCAFile { get; set; }

    /// <summary>mongod's <c>--auth</c>: wire clients must log in. The registered IMongoClient's user is read from <see cref="ClientLogin.SectionName"/>.</summary>
    public bool Auth { get; set; }

    /// <summary>Bind an address other than loopback without authentication, which a member otherwise refuses (<c>--noauth</c>).</summary>
    public bool NoAuth { get; set; }

    /// <summary>Extra HOCON over the profile: any <c>replica-actors</c> or <c>akka</c> key.</summary>
    public string? Hocon { get; set; }

    public static ReplicaSetMemberOptions FromConfiguration(IConfiguration configuration)
    {
        var options = new ReplicaSetMemberOptions();
        configuration.GetSection(SectionName).Bind(options);
        return options;
    }

    /// <summary>The HOCON overrides a member starts from, as <c>ReplicaActors.Node</c> builds them from its flags and files.</summary>
    public Akka.Configuration.Config ToOverrides()
    {
        var security = new SecurityFlags(TlsMode, TlsCertificateKeyFile, TlsCAFile, null, Auth, NoAuth);
        var named = ConfigurationFactory.ParseString($$"""
            replica-actors.member {
              replSet = {{ReplicaActorsConfig.Quote(ReplSetName)}}
              bind-ip = {{ReplicaActorsConfig.Quote(BindIp)}}
              port = {{Port}}
              dbpath = {{ReplicaActorsConfig.Quote(DbPath)}}
            }
            {{string.Join("\n", security.Hocon())}}
            """);
        var config = named.WithFallback(ConfigurationFactory.ParseString(Hocon ?? ""));
        return Profile is null ? config : config.WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(ProfilePath(Profile))));
    }

    private static string ProfilePath(string profile)
    {
        var file = Path.Combine(AppContext.BaseDirectory, "hocon", profile + ".conf");
        if (!File.Exists(file))
            throw new ConfigurationException($"ReplicaSet:Profile '{profile}' names no profile: {file} does not exist");
        return file;
    }
}
