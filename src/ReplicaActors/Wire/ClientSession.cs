using ReplicaActors.Security;

namespace ReplicaActors.Wire;

/// <summary>A user as the users' collection (<see cref="Admission.UsersCollection"/>) holds it: its credential is absent only in a document someone wrote by hand.</summary>
public sealed record StoredUser(string User, string Db, IReadOnlyList<RoleGrant> Roles, ScramCredential? Credential);

/// <summary>
/// Who a connection is: the user it authenticated as (none at first, and after logout) and the SASL conversation
/// under way, one per connection, as mongod keeps them. The roles are those read when the user authenticated.
/// </summary>
public sealed class ClientSession(bool fromLoopback)
{
    /// <summary>The connection came from a loopback address: the localhost exception applies to it.</summary>
    public bool FromLoopback { get; } = fromLoopback;

    public StoredUser? User { get; set; }

    internal SaslState? Sasl { get; set; }
}

/// <summary>A SCRAM conversation under way; after the proof, without skipEmptyExchange, one empty saslContinue is still owed.</summary>
internal sealed class SaslState(ScramConversation conversation, StoredUser user, bool skipEmptyExchange)
{
    public ScramConversation Conversation { get; } = conversation;
    public StoredUser User { get; } = user;
    public bool SkipEmptyExchange { get; } = skipEmptyExchange;
    public bool AwaitingEmpty { get; set; }
}
