using ReplicaActors.Client;
using ReplicaActors.Protocol;

namespace ReplicaActors.Cli;

/// <summary>
/// Sends a command to the first host that answers, in the order given.
/// Only connection failures move on to the next host: a host that answers with an error has answered.
/// </summary>
public sealed class HostSelector(ICommandTransport transport, ClientSettings settings)
{
    public async Task<CommandReply> SendAsync(CommandRequest request, CancellationToken cancellationToken = default)
    {
        var hosts = settings.Direct ? settings.Hosts.Take(1) : settings.Hosts;
        var failures = new List<string>();
        foreach (var host in hosts)
        {
            try
            {
                return await transport.SendAsync(host, request, settings.Timeout, cancellationToken);
            }
            catch (ReplicaException e) when (e.Code is ErrorCode.HostUnreachable or ErrorCode.NetworkTimeout)
            {
                failures.Add($"{host} ({e.Message})");
            }
        }
        throw new ReplicaException(ErrorCode.HostUnreachable, $"no host answered: {string.Join("; ", failures)}");
    }
}
