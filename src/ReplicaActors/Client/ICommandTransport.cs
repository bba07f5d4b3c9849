using ReplicaActors.Protocol;

namespace ReplicaActors.Client;

/// <summary>
/// Sends one command to one member, addressed by its replica-set <c>host:port</c>.
/// Connection failures surface as <see cref="ReplicaException"/> with <see cref="ErrorCode.HostUnreachable"/>
/// or <see cref="ErrorCode.NetworkTimeout"/>; command errors come back as an error <see cref="CommandReply"/>.
/// </summary>
public interface ICommandTransport : IAsyncDisposable
{
    Task<CommandReply> SendAsync(string host, CommandRequest request, TimeSpan timeout, CancellationToken cancellationToken = default);
}
