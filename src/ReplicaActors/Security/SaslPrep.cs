namespace ReplicaActors.Security;

/// <summary>
/// SASLprep (RFC 4013) of a password, for the subset this server takes: printable ASCII (U+0020 to U+007E), which
/// SASLprep leaves as it is. Anything else is refused, naming the first character: control characters, which
/// SASLprep prohibits, and non-ASCII characters, whose mapping and normalisation (NFKC, bidi rules) are not done yet.
/// </summary>
public static class SaslPrep
{
    /// <summary>The prepared password.</summary>
    /// <exception cref="ArgumentException">The password is empty or has a character outside printable ASCII.</exception>
    public static string Password(string password)
    {
        if (password.Length == 0) throw new ArgumentException("the password is empty");
        for (var i = 0; i < password.Length; i++)
        {
            var c = password[i];
            if (c is < ' ' or > '~')
                throw new ArgumentException(c < 0x80
                    ? $"the password has a control character (U+{(int)c:X4}) at position {i}, which SASLprep prohibits"
                    : $"the password has a non-ASCII character (U+{(int)c:X4}) at position {i}: only printable ASCII passwords are supported yet");
        }
        return password;
    }
}
