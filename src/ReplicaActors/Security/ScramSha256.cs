using System.Security.Cryptography;
using System.Text;
using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Security;

/// <summary>
/// What the server keeps of a SCRAM-SHA-256 password (RFC 5802, RFC 7677), as mongod keeps it in
/// <c>admin.system.users</c> (here <see cref="Admission.UsersCollection"/>): the salt, the iteration count, StoredKey = H(ClientKey) and ServerKey. The password
/// itself, and the salted password, are never kept.
/// </summary>
public sealed record ScramCredential(int IterationCount, byte[] Salt, byte[] StoredKey, byte[] ServerKey)
{
    public const string Mechanism = "SCRAM-SHA-256";

    /// <summary>The fewest iterations drivers accept (the driver authentication spec); mongod's floor too.</summary>
    public const int MinIterationCount = 4096;

    /// <summary>mongod's SCRAM-SHA-256 salt length: the hash length less 4.</summary>
    public const int SaltBytes = 28;

    /// <summary>A new credential for <paramref name="password"/> with a random salt.</summary>
    /// <exception cref="ArgumentException">The password is not one <see cref="SaslPrep"/> takes.</exception>
    public static ScramCredential Create(string password, int iterationCount) =>
        Create(password, iterationCount, RandomNumberGenerator.GetBytes(SaltBytes));

    public static ScramCredential Create(string password, int iterationCount, byte[] salt)
    {
        if (iterationCount < MinIterationCount)
            throw new ArgumentException($"the SCRAM-SHA-256 iteration count {iterationCount} is below {MinIterationCount}, which drivers refuse");
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(SaslPrep.Password(password)), salt, iterationCount, HashAlgorithmName.SHA256, SHA256.HashSizeInBytes);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        return new ScramCredential(iterationCount, salt, SHA256.HashData(clientKey), HMACSHA256.HashData(salted, "Server Key"u8));
    }

    /// <summary>The document under <c>credentials."SCRAM-SHA-256"</c>, with base64 strings as mongod writes them.</summary>
    public BsonDocument ToBson() => new()
    {
        { "iterationCount", IterationCount },
        { "salt", Convert.ToBase64String(Salt) },
        { "storedKey", Convert.ToBase64String(StoredKey) },
        { "serverKey", Convert.ToBase64String(ServerKey) },
    };

    /// <exception cref="FormatException">A field is missing or not what mongod writes.</exception>
    public static ScramCredential FromBson(BsonDocument document)
    {
        try
        {
            return new ScramCredential(document["iterationCount"].ToInt32(), Convert.FromBase64String(document["salt"].AsString),
                Convert.FromBase64String(document["storedKey"].AsString), Convert.FromBase64String(document["serverKey"].AsString));
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidCastException)
        {
            throw new FormatException($"a stored SCRAM-SHA-256 credential is malformed: {e.Message}", e);
        }
    }
}

/// <summary>The client-first message, parsed (RFC 5802 §7): the GS2 header, the user name and the client's nonce.</summary>
public sealed record ScramClientFirst(string Gs2Header, string User, string ClientNonce, string Bare)
{
    /// <exception cref="ReplicaException">The message is not a client-first message this server takes, naming why.</exception>
    public static ScramClientFirst Parse(byte[] payload)
    {
        var text = Scram.Utf8(payload, "client-first");
        // gs2-header: "n" (no channel binding) or "y" (the client could bind, thinks we cannot), then an optional authzid.
        if (!text.StartsWith("n,", StringComparison.Ordinal) && !text.StartsWith("y,", StringComparison.Ordinal))
            throw Scram.Malformed(text.StartsWith("p=", StringComparison.Ordinal)
                ? "the client asked for channel binding, which this server does not do"
                : "the client-first message does not start with a GS2 header ('n,,')");
        var authzidEnd = text.IndexOf(',', 2);
        if (authzidEnd < 0) throw Scram.Malformed("the client-first message's GS2 header has no second ','");
        if (authzidEnd != 2) throw Scram.Malformed("the client-first message names an authorization identity (a=), which this server does not take");
        var gs2Header = text[..(authzidEnd + 1)];
        var bare = text[(authzidEnd + 1)..];
        var fields = bare.Split(',');
        if (fields.Length < 2 || !fields[0].StartsWith("n=", StringComparison.Ordinal) || !fields[1].StartsWith("r=", StringComparison.Ordinal))
            throw Scram.Malformed("the client-first message needs 'n=<user>,r=<nonce>'");
        if (fields[0].Length == 2) throw Scram.Malformed("the client-first message's user name is empty");
        var nonce = fields[1][2..];
        Scram.CheckNonce(nonce, "client");
        if (fields.Skip(2).Any(f => f.StartsWith("m=", StringComparison.Ordinal)))
            throw Scram.Malformed("the client-first message has a mandatory extension (m=), which this server does not know");
        return new ScramClientFirst(gs2Header, Scram.Unescape(fields[0][2..]), nonce, bare);
    }
}

/// <summary>
/// One SCRAM-SHA-256 conversation on the server, after the client-first message and the user's credential: the
/// server-first message, then the check of the client's proof (in constant time) and the server's signature.
/// A conversation checks one proof: whatever that proof is, it is over.
/// </summary>
public sealed class ScramConversation
{
    /// <summary>mongod's message for every failed authentication: it says nothing of what was wrong, as mongod's does not.</summary>
    public const string FailedMessage = "Authentication failed.";

    /// <summary>Random bytes of the server's half of the nonce (mongod's length), sent in base64.</summary>
    public const int ServerNonceBytes = 24;

    private readonly ScramClientFirst _clientFirst;
    private readonly ScramCredential _credential;
    private readonly string _nonce;
    private readonly string _serverFirst;
    private bool _proofChecked;

    public ScramConversation(ScramClientFirst clientFirst, ScramCredential credential, string? serverNonce = null)
    {
        _clientFirst = clientFirst;
        _credential = credential;
        _nonce = clientFirst.ClientNonce + (serverNonce ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(ServerNonceBytes)));
        _serverFirst = $"r={_nonce},s={Convert.ToBase64String(credential.Salt)},i={credential.IterationCount}";
    }

    public byte[] ServerFirst => Encoding.UTF8.GetBytes(_serverFirst);

    /// <summary>The server-final message (<c>v=</c> and the server's signature) if the client's proof is right.</summary>
    /// <exception cref="ReplicaException">The message is malformed, or the proof is wrong (<see cref="ScramConversation.FailedMessage"/>).</exception>
    public byte[] Finish(byte[] payload)
    {
        if (_proofChecked) throw Scram.Malformed("this conversation has already checked a proof; start a new one");
        _proofChecked = true;
        var text = Scram.Utf8(payload, "client-final");
        var proofAt = text.LastIndexOf(",p=", StringComparison.Ordinal);
        if (proofAt < 0) throw Scram.Malformed("the client-final message has no proof (',p=') at its end");
        var withoutProof = text[..proofAt];
        var fields = withoutProof.Split(',');
        if (fields.Length < 2 || !fields[0].StartsWith("c=", StringComparison.Ordinal) || !fields[1].StartsWith("r=", StringComparison.Ordinal))
            throw Scram.Malformed("the client-final message needs 'c=<binding>,r=<nonce>,...,p=<proof>'");
        if (fields[0][2..] != Convert.ToBase64String(Encoding.UTF8.GetBytes(_clientFirst.Gs2Header)))
            throw Scram.Malformed("the client-final message's channel binding (c=) is not its client-first GS2 header");
        if (fields[1][2..] != _nonce) throw Scram.Malformed("the client-final message's nonce is not this conversation's");
        var proof = Scram.Base64(text[(proofAt + 3)..], "proof");
        if (proof.Length != SHA256.HashSizeInBytes) throw Scram.Malformed($"the proof is {proof.Length} bytes, not {SHA256.HashSizeInBytes}");

        var authMessage = Encoding.UTF8.GetBytes($"{_clientFirst.Bare},{_serverFirst},{withoutProof}");
        var clientSignature = HMACSHA256.HashData(_credential.StoredKey, authMessage);
        var clientKey = new byte[proof.Length];
        for (var i = 0; i < proof.Length; i++) clientKey[i] = (byte)(proof[i] ^ clientSignature[i]);
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(clientKey), _credential.StoredKey))
            throw new ReplicaException(ErrorCode.AuthenticationFailed, FailedMessage);
        return Encoding.UTF8.GetBytes("v=" + Convert.ToBase64String(HMACSHA256.HashData(_credential.ServerKey, authMessage)));
    }
}

internal static class Scram
{
    public static ReplicaException Malformed(string problem) => new(ErrorCode.AuthenticationFailed, $"Authentication failed: {problem}.");

    public static string Utf8(byte[] payload, string message)
    {
        if (payload.Length == 0) throw Malformed($"the {message} message is empty");
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(payload);
        }
        catch (DecoderFallbackException)
        {
            throw Malformed($"the {message} message is not UTF-8");
        }
    }

    public static byte[] Base64(string text, string what)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw Malformed($"the {what} is not base64");
        }
    }

    /// <summary>A nonce is printable ASCII without ',' (RFC 5802 §7).</summary>
    public static void CheckNonce(string nonce, string whose)
    {
        if (nonce.Length == 0) throw Malformed($"the {whose} nonce is empty");
        if (nonce.Any(c => c is < '!' or > '~' or ',')) throw Malformed($"the {whose} nonce has a character outside printable ASCII");
    }

    /// <summary>A saslname: '=2C' stands for ',' and '=3D' for '='; any other '=' is an error (RFC 5802 §5.1).</summary>
    public static string Unescape(string name)
    {
        var result = new StringBuilder(name.Length);
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] != '=')
            {
                result.Append(name[i]);
                continue;
            }
            var escape = i + 3 <= name.Length ? name.Substring(i + 1, 2) : "";
            result.Append(escape switch
            {
                "2C" => ',',
                "3D" => '=',
                _ => throw Malformed("the user name has an '=' that is neither '=2C' nor '=3D'"),
            });
            i += 2;
        }
        return result.ToString();
    }
}
