using System.CommandLine;
using System.Runtime.InteropServices;
using Akka.Configuration;
using Akka.Event;
using ReplicaActors.Protocol;
using ReplicaActors.Server;

namespace ReplicaActors.Node;

/// <summary>The member process: what mongod is to MongoDB. Flags in mongod's spelling, everything else from HOCON.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var replSet = new Option<string?>("--replSet") { Description = "Name of the replica set this member belongs to (or replica-actors.member.replSet in a --config file)" };
        var port = new Option<int?>("--port") { Description = "Port of this member (its replica-set host is BIND_IP:PORT)" };
        var dbpath = new Option<string?>("--dbpath") { Description = "Folder for this member's oplog journal and documents" };
        var bindIp = new Option<string?>("--bind_ip") { Description = "Address to bind and advertise (default 127.0.0.1)" };
        var bindOutgoing = new Option<bool>("--bind_outgoing") { Description = "Connect to the other members from BIND_IP too, so firewall rules can partition members on one machine" };
        var metricsPort = new Option<int?>("--metrics-port") { Description = "Serve the ReplicaActors meter for Prometheus at http://BIND_IP:PORT/metrics (0: none, the default)" };
        var configFiles = new Option<FileInfo[]>("--config") { Description = "HOCON file(s) overriding the defaults; later files win", AllowMultipleArgumentsPerToken = true };
        var profile = new Option<string?>("--profile") { Description = "A profile from the hocon/ folder: 'mongodb' (default timings) or 'fast'" };
        var tlsMode = new Option<string?>("--tlsMode") { Description = "disabled (default), allowTLS, preferTLS or requireTLS: mutual TLS on remoting (members, rsctl) under preferTLS and requireTLS; TLS on the wire port, which under requireTLS refuses plaintext clients" };
        var tlsKeyFile = new Option<string?>("--tlsCertificateKeyFile") { Description = "PEM file with this member's certificate and private key, shown on remoting and the wire port" };
        var tlsCaFile = new Option<string?>("--tlsCAFile") { Description = "PEM file with the set's CA: peers must show a certificate it signed" };
        var auth = new Option<bool>("--auth") { Description = "Clients must authenticate (SCRAM-SHA-256) on the wire port; a loopback client may create the first user (or replica-actors.security.authorization = enabled)" };
        var noAuth = new Option<bool>("--noauth") { Description = "Start without authentication on an address other than loopback, which a member otherwise refuses (or replica-actors.security.noauth = on)" };
        var clusterAuthMode = new Option<string?>("--clusterAuthMode") { Description = "How members authenticate each other: x509, the only mode (in effect with --tlsMode requireTLS)" };

        var root = new RootCommand("ReplicaActors member: one member of a replica set")
        {
            replSet, port, dbpath, bindIp, bindOutgoing, metricsPort, tlsMode, tlsKeyFile, tlsCaFile, clusterAuthMode, auth, noAuth, configFiles, profile,
        };
        root.SetAction(async (parse, _) => await RunMemberAsync(() => NodeConfig.Build(
            parse.GetValue(replSet), parse.GetValue(port), parse.GetValue(dbpath), parse.GetValue(bindIp), parse.GetValue(bindOutgoing), parse.GetValue(metricsPort),
            new SecurityFlags(parse.GetValue(tlsMode), parse.GetValue(tlsKeyFile), parse.GetValue(tlsCaFile), parse.GetValue(clusterAuthMode), parse.GetValue(auth), parse.GetValue(noAuth)),
            parse.GetValue(configFiles) ?? [], parse.GetValue(profile))));
        root.Add(LaunchCommand.Create());
        return await root.Parse(args).InvokeAsync();
    }

    private static async Task<int> RunMemberAsync(Func<Akka.Configuration.Config> overrides)
    {
        MetricsEndpoint? metrics = null;
        MemberHost host;
        try
        {
            var config = overrides();
            metrics = MetricsEndpoint.Start(config.WithFallback(ReferenceConfig.Value));
            host = MemberHost.Start(config);
        }
        catch (Exception e) when (e is ConfigurationException or IOException or UnauthorizedAccessException)
        {
            metrics?.Dispose();
            await Console.Error.WriteLineAsync($"cannot start member: {e.Message}");
            return 2;
        }
        using var _ = metrics;

        var stop = new TaskCompletionSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
        host.System.Log.Info("member of set '{0}' listening on {1}, dbpath {2}", host.Settings.ReplSetName, host.Settings.Host, Path.GetFullPath(host.Settings.DbPath));
        if (metrics is not null)
            host.System.Log.Info("metrics for Prometheus at {0}", metrics.Url);

        await Task.WhenAny(stop.Task, host.System.WhenTerminated);
        host.System.Log.Info("shutting down");
        await host.DisposeAsync();
        return 0;
    }
}
