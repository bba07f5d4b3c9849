using MongoDB.Driver;
using ReplicaActors.Cli.Output;
using ReplicaActors.Protocol;

namespace ReplicaActors.Cli;

/// <summary>
/// MongoDB.Driver clients on the members' wire listeners, for the commands the member protocol does not serve (change
/// streams, the process's serverStatus): a member's host is its wire address, and --direct and --timeout mean what they
/// mean for every command.
/// </summary>
public static class WireClients
{
    /// <summary>A client for the line's hosts, or null after printing why a host cannot be one (a usage error).</summary>
    public static MongoClientSettings? ForHosts(ClientSettings settings, CliOutput output)
    {
        try
        {
            return Settings(settings.Hosts, settings.Options.Direct, settings.Options.ServerSelectionTimeout);
        }
        catch (ReplicaException e)
        {
            output.Error.WriteLine($"rsctl: {e.Message}");
            return null;
        }
    }

    /// <exception cref="ReplicaException">A host is not host:port.</exception>
    public static MongoClientSettings Settings(IEnumerable<string> hosts, bool direct, TimeSpan timeout)
    {
        var servers = new List<MongoServerAddress>();
        foreach (var host in hosts)
        {
            if (!MongoServerAddress.TryParse(host, out var address))
                throw new ReplicaException(ErrorCode.BadValue, $"host '{host}' is not host:port");
            servers.Add(address);
        }
        return new MongoClientSettings
        {
            Servers = servers,
            DirectConnection = direct,
            ServerSelectionTimeout = timeout,
            ConnectTimeout = timeout,
            ApplicationName = "rsctl",
        };
    }

    /// <summary>Whether <paramref name="e"/> is a failure <see cref="Describe"/> explains: a server's error, a timeout, or the driver's.</summary>
    public static bool IsFailure(Exception e) => e is MongoException or TimeoutException;

    /// <summary>
    /// A failure for a person: a server's error with its code as every rsctl command shows one, a timeout as
    /// <paramref name="timedOut"/> naming --timeout, anything else as <paramref name="doing"/> failed with the driver's message.
    /// </summary>
    public static string Describe(Exception e, string timedOut, string doing, TimeSpan timeout) => e switch
    {
        MongoCommandException command => ReplyErrors.Describe(command.Result),
        TimeoutException => $"{timedOut} within {timeout.TotalSeconds:0.#} s (--timeout)",
        _ => $"{doing} failed: {e.Message}",
    };

    /// <summary>Prints <see cref="Describe"/>'s line on stderr (rsctl's own lines prefixed as its usage errors are) and gives the exit code.</summary>
    public static int Report(CliOutput output, Exception e, string timedOut, string doing, TimeSpan timeout)
    {
        var line = Describe(e, timedOut, doing, timeout);
        output.Error.WriteLine(e is MongoCommandException ? line : $"rsctl: {line}");
        return ExitCodes.CommandFailed;
    }
}
