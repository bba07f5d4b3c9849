namespace ReplicaActors.Security;

/// <summary>The codes of client authentication and user management, numbered and named as mongod's.</summary>
public enum AuthCode
{
    UserNotFound = 11,
    Unauthorized = 13,
    ProtocolError = 17,
    AuthenticationFailed = 18,
    RoleNotFound = 31,
    MechanismUnavailable = 334,
    /// <summary>mongod's code for createUser of a user that exists.</summary>
    Location51003 = 51003,
}

/// <summary>A refusal about who the client is or what it may do; the wire layer answers it as a MongoDB error.</summary>
public sealed class AuthException(AuthCode code, string message) : Exception(message)
{
    /// <summary>mongod's message for every failed authentication: it says nothing of what was wrong, as mongod's does not.</summary>
    public const string Failed = "Authentication failed.";

    public AuthCode Code { get; } = code;
}
