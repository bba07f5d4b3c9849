using System.Net;
using Akka.Configuration;

namespace ReplicaActors.Security;

/// <summary>
/// A safe default beyond mongod's: a member reachable from other machines must make clients log in (--auth) and
/// members prove who they are (--tlsMode preferTLS or requireTLS, x509), unless --noauth says that is meant.
/// Without both, anyone who reaches the port can reconfigure the set, drop data or send the members votes and oplog.
/// </summary>
public static class ExposurePolicy
{
    public const string NoAuthKey = "replica-actors.security.noauth";

    /// <summary>
    /// Why a member bound to <paramref name="bindIp"/> must not start, or null when it may. Loopback is always allowed:
    /// only processes on the machine reach it (the fault-testing members on 127.0.0.2-4 included).
    /// </summary>
    public static string? Refusal(string bindIp, bool loopback, bool clientAuth, bool memberAuth, bool noAuth)
    {
        if (noAuth && clientAuth)
            return $"--noauth ({NoAuthKey} = on) and --auth (replica-actors.security.authorization = enabled) contradict each other: pass one";
        if (loopback || noAuth || (clientAuth && memberAuth)) return null;
        var off = (clientAuth, memberAuth) switch
        {
            (false, false) => "client authentication (--auth) and member authentication (--tlsMode requireTLS or preferTLS with --tlsCertificateKeyFile and --tlsCAFile) are off",
            (false, true) => "client authentication (--auth) is off",
            _ => "member authentication (--tlsMode requireTLS or preferTLS with --tlsCertificateKeyFile and --tlsCAFile) is off",
        };
        return $"refusing to bind {bindIp} (--bind_ip), which is not a loopback address, while {off}: anyone who reaches it could " +
               $"change the set or its data. Turn them on, bind 127.0.0.1, or pass --noauth ({NoAuthKey} = on) to run it open anyway";
    }

    /// <summary>Whether <paramref name="bindIp"/> is a loopback address; a host name counts when every address it resolves to is one.</summary>
    public static bool IsLoopback(string bindIp)
    {
        var trimmed = bindIp.Trim('[', ']');
        if (trimmed.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return true;
        if (IPAddress.TryParse(trimmed, out var address)) return IPAddress.IsLoopback(address);
        var resolved = Dns.GetHostAddresses(trimmed);
        return resolved.Length > 0 && resolved.All(IPAddress.IsLoopback);
    }

    /// <summary>Throws, naming the flags, when the member <paramref name="config"/> describes must not start.</summary>
    /// <exception cref="ConfigurationException">The member would be open to the network.</exception>
    public static void Enforce(Akka.Configuration.Config config)
    {
        var bindIp = config.GetString("replica-actors.member.bind-ip");
        var refusal = Refusal(bindIp, IsLoopback(bindIp), AuthSettings.From(config).Enabled, RemotingTls.IsRequired(config), config.GetBoolean(NoAuthKey));
        if (refusal is not null) throw new ConfigurationException(refusal);
    }
}
