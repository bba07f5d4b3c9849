namespace ReplicaActors.Wire;

/// <summary>
/// A message the member cannot read. When the framing itself is sound the client gets an error reply and
/// the connection goes on; otherwise (<paramref name="closeConnection"/>) the stream cannot be trusted and is closed.
/// </summary>
public sealed class WireFormatException(string message, bool closeConnection = false) : Exception(message)
{
    public bool CloseConnection { get; } = closeConnection;
}
