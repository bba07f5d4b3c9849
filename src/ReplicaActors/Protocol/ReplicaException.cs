namespace ReplicaActors.Protocol;

/// <summary>
/// A refusal that names its problem: the code says what kind, the message says what exactly.
/// Thrown by pure rules (validation, query parsing, update application) and turned into an
/// error reply at the command boundary, so nothing half-done is ever stored.
/// </summary>
public sealed class ReplicaException(ErrorCode code, string message) : Exception(message)
{
    public ErrorCode Code { get; } = code;

    public string CodeName => Code.ToString();
}
