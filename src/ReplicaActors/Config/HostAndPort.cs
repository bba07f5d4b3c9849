namespace ReplicaActors.Config;

/// <summary>A member's address, "host:port" ("[::1]:27017" for IPv6). The port is always explicit here.</summary>
public readonly record struct HostAndPort(string Host, int Port)
{
    public static bool TryParse(string text, out HostAndPort result)
    {
        result = default;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1) return false;
        var host = text[..colon];
        if (host.Any(char.IsWhiteSpace)) return false;
        if (host.Contains(':') && !(host.StartsWith('[') && host.EndsWith(']'))) return false;
        if (!int.TryParse(text[(colon + 1)..], System.Globalization.NumberStyles.None, null, out var port) || port is < 1 or > 65535)
            return false;
        result = new HostAndPort(host, port);
        return true;
    }

    /// <summary>Loopback names: a config may not mix them with other hosts (MongoDB's rule).</summary>
    public bool IsLocalhost =>
        Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || Host.StartsWith("127.", StringComparison.Ordinal) || Host == "[::1]";

    public override string ToString() => $"{Host}:{Port}";
}
