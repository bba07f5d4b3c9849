using System.Net;
using System.Net.Sockets;
using ReplicaActors.Config;
using ReplicaActors.Protocol;

namespace ReplicaActors.TestKit;

/// <summary>Wire ports for test members whose remoting port (the wire port plus the offset) is free too.</summary>
public static class FreePorts
{
    private const int Attempts = 100;

    /// <summary>The reference config's offset, which members and clients use unless told otherwise.</summary>
    public static int DefaultOffset => ReferenceConfig.Value.GetInt("replica-actors.remoting.port-offset");

    /// <summary>A loopback wire port that is free, and whose remoting port is free as well, right now.</summary>
    public static int ForMember(int offset)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            using var wire = new TcpListener(IPAddress.Loopback, 0);
            wire.Start();
            var port = ((IPEndPoint)wire.LocalEndpoint).Port;
            if (RemotingEndpoint.Fits(port, offset) && IsFree(RemotingEndpoint.PortFor(port, offset))) return port;
        }
        throw new InvalidOperationException($"found no free loopback port whose remoting port (+{offset}) is free too in {Attempts} attempts");
    }

    /// <summary>
    /// The first of <paramref name="count"/> consecutive loopback wire ports that are free with their remoting ports:
    /// what <c>launch --port</c> takes, since member N listens on the first plus N.
    /// </summary>
    public static int ForConsecutiveMembers(int count, int offset)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var first = ForMember(offset);
            var rest = Enumerable.Range(first + 1, count - 1);
            if (rest.All(port => RemotingEndpoint.Fits(port, offset) && IsFree(port) && IsFree(RemotingEndpoint.PortFor(port, offset)))) return first;
        }
        throw new InvalidOperationException($"found no {count} consecutive free loopback ports whose remoting ports (+{offset}) are free too in {Attempts} attempts");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
