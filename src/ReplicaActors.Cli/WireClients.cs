using Akka.Configuration;
using MongoDB.Driver;
using ReplicaActors.Cli.Output;
using ReplicaActors.Protocol;
using ReplicaActors.Security;

namespace ReplicaActors.Cli;

/// <summary>
/// MongoDB.Driver clients on the members' wire listeners, for the commands the member protocol does not serve (change
/// streams, the process's serverStatus): a member's host is its wire address, --direct and --timeout mean what they
/// mean for every command, --tlsCAFile makes the connections TLS (members checked against that CA), and --username and
/// --password log in.
/// </summary>
public static class WireClients
{
    /// <summary>A client for the line's hosts, or null after printing why it cannot be made (a usage error).</summary>
    public static MongoClientSettings? ForHosts(ClientSettings settings, CliOutput output)
    {
        try
        {
            return Settings(settings, settings.Hosts, settings.Options.Direct);
        }
        catch (Exception e) when (e is ReplicaException or ConfigurationException)
        {
            output.Error.WriteLine($"rsctl: {e.Message}");
            return null;
        }
    }

    /// <summary>A client for one member, connected to it alone, with the line's TLS and login.</summary>
    /// <exception cref="ReplicaException">The host is not host:port.</exception>
    /// <exception cref="ConfigurationException">--tlsCAFile cannot be read.</exception>
    public static MongoClientSettings ForMember(ClientSettings settings, string host) => Settings(settings, [host], direct: true);

    private static MongoClientSettings Settings(ClientSettings settings, IEnumerable<string> hosts, bool direct)
    {
        var servers = new List<MongoServerAddress>();
        foreach (var host in hosts)
        {
            if (!MongoServerAddress.TryParse(host, out var address))
                throw new ReplicaException(ErrorCode.BadValue, $"host '{host}' is not host:port");
            servers.Add(address);
        }
        var timeout = settings.Options.ServerSelectionTimeout;
        var client = new MongoClientSettings
        {
            Servers = servers,
            DirectConnection = direct,
            ServerSelectionTimeout = timeout,
            ConnectTimeout = timeout,
            ApplicationName = "rsctl",
        };
        if (settings.WireCaFile is { } caFile)
        {
            client.UseTls = true;
            client.SslSettings = new SslSettings { ServerCertificateValidationCallback = WireTls.TrustedBy(TlsConfig.LoadAuthorities(caFile, "--tlsCAFile")) };
        }
        if (settings.Login is { } login) client.Credential = MongoCredential.CreateCredential(login.Source, login.User, login.Password);
        return client;
    }

    /// <summary>Whether <paramref name="e"/> is a failure <see cref="Describe"/> explains: a server's error, a timeout, or the driver's.</summary>
    public static bool IsFailure(Exception e) => e is MongoException or TimeoutException;

    /// <summary>
    /// A failure for a person: a server's error with its code as every rsctl command shows one, a timeout as
    /// <paramref name="timedOut"/> naming --timeout, anything else as <paramref name="doing"/> failed with the driver's message.
    /// </summary>
    public static string Describe(Exception e, string timedOut, string doing, TimeSpan timeout, WireLogin? login = null) => e switch
    {
        MongoCommandException command => ReplyErrors.Describe(command.Result),
        TimeoutException => $"{timedOut} within {timeout.TotalSeconds:0.#} s (--timeout)",
        // The driver's own message names only the mechanism; the server's reply says what was wrong.
        MongoAuthenticationException { InnerException: MongoCommandException server } => $"logging in as {login} failed: {ReplyErrors.Describe(server.Result)}",
        _ => $"{doing} failed: {e.Message}",
    };

    /// <summary>Prints <see cref="Describe"/>'s line on stderr (rsctl's own lines prefixed as its usage errors are) and gives the exit code.</summary>
    public static int Report(CliOutput output, Exception e, string timedOut, string doing, TimeSpan timeout, WireLogin? login = null)
    {
        var line = Describe(e, timedOut, doing, timeout, login);
        output.Error.WriteLine(e is MongoCommandException ? line : $"rsctl: {line}");
        return ExitCodes.CommandFailed;
    }
}
