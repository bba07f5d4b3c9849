using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using MongoDB.Bson;
using ReplicaActors.Client;
using ReplicaActors.Protocol;
using ReplicaActors.Security;

namespace ReplicaActors.Node;

/// <summary>
/// The local launcher: starts N member processes on consecutive ports, initiates them as one set,
/// prints how to reach them, and stops them all on Ctrl-C.
/// </summary>
public static class LaunchCommand
{
    /// <summary>
    /// rsctl as a fresh clone can run it: through its project when the launcher runs from the source tree (where
    /// the README's command builds it), else by name, as installed.
    /// </summary>
    private static string RsctlCommand()
    {
        var project = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "ReplicaActors.Cli", "ReplicaActors.Cli.csproj"));
        return File.Exists(project) ? $"dotnet run --project {project} -c Release --" : "rsctl";
    }

    /// <summary>The member program as this launcher runs it, for a line the user can paste.</summary>
    private static string NodeCommand()
    {
        var self = Environment.ProcessPath ?? "dotnet";
        return Path.GetFileNameWithoutExtension(self) == "dotnet" ? $"dotnet {typeof(LaunchCommand).Assembly.Location}" : self;
    }

    private static readonly TimeSpan StartupDeadline = TimeSpan.FromSeconds(60);

    public static Command Create()
    {
        var members = new Option<int>("--members") { Description = "Number of data-bearing members", DefaultValueFactory = _ => 3 };
        var arbiter = new Option<bool>("--arbiter") { Description = "Add an arbiter after the data-bearing members" };
        var port = new Option<int>("--port") { Description = "Port of the first member; the others follow", DefaultValueFactory = _ => 27017 };
        var dbpath = new Option<string>("--dbpath") { Description = "Parent folder; member N keeps its files in DBPATH/mN", DefaultValueFactory = _ => "data" };
        var replSet = new Option<string>("--replSet") { Description = "Replica set name", DefaultValueFactory = _ => "rs0" };
        var profile = new Option<string?>("--profile") { Description = "HOCON profile for every member: 'mongodb' or 'fast'" };
        var metricsPort = new Option<int?>("--metrics-port") { Description = "Member N serves its metrics for Prometheus at http://127.0.0.1:METRICS_PORT+N/metrics" };
        var demoWrites = new Option<int>("--demo-writes") { Description = "After initiating, insert, update and read back this many documents through the primary", DefaultValueFactory = _ => 0 };
        var tls = new Option<bool>("--tls")
        {
            Description = "Create a set CA and a certificate per member under DBPATH/tls (kept for the next launch) and require TLS "
                + "everywhere: mutual TLS on every member's Akka remoting (only holders of a certificate from that CA can join, vote or "
                + "send commands there) and TLS on the MongoDB wire port (clients need the CA, no certificate). No users: see --auth",
        };
        var auth = new Option<bool>("--auth")
        {
            Description = "A secure set in one command: everything --tls does, and client authorization on every member with a first "
                + "user, root, whose generated password goes to DBPATH/root-password (0600); prints a connection string with both",
        };

        var command = new Command("launch", "Start a local replica set: N member processes on consecutive ports, initiated and ready")
        {
            members, arbiter, port, dbpath, replSet, profile, metricsPort, demoWrites, tls, auth,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new LaunchOptions(parse.GetValue(members), parse.GetValue(arbiter), parse.GetValue(port),
                parse.GetValue(dbpath)!, parse.GetValue(replSet)!, parse.GetValue(profile), parse.GetValue(metricsPort), parse.GetValue(demoWrites), parse.GetValue(tls), parse.GetValue(auth));
            if (options.Members is < 1 or > 50)
            {
                await Console.Error.WriteLineAsync($"--members must be 1..50, got {options.Members}");
                return 2;
            }
            if (options.MetricsPort is { } first && (first < 1 || first + options.Total - 1 > IPEndPoint.MaxPort))
            {
                await Console.Error.WriteLineAsync($"--metrics-port must be 1..{IPEndPoint.MaxPort - options.Total + 1} for {options.Total} members (member N uses METRICS_PORT+N), got {first}");
                return 2;
            }
            return await RunAsync(options);
        });
        return command;
    }

    private sealed record LaunchOptions(int Members, bool Arbiter, int Port, string DbPath, string ReplSet, string? Profile, int? MetricsPort, int DemoWrites, bool Tls, bool Auth)
    {
        public int Total => Members + (Arbiter ? 1 : 0);

        /// <summary>TLS on remoting and the wire port: with --tls, and with --auth, whose passwords must not cross in plaintext.</summary>
        public bool Secure => Tls || Auth;

        /// <summary>Every launched member binds loopback (the member's default bind-ip).</summary>
        public const string BindIp = "127.0.0.1";

        public string Host(int index) => $"{BindIp}:{Port + index}";

        /// <summary>Member <paramref name="index"/>'s metrics port, or null without --metrics-port.</summary>
        public int? MetricsPortOf(int index) => MetricsPort + index;

        public string TlsFolder => Path.Combine(Path.GetFullPath(DbPath), "tls");

        public string CaFile => Path.Combine(TlsFolder, "ca.pem");

        public string MemberKeyFile(int index) => Path.Combine(TlsFolder, $"m{index}.pem");

        public string ClientKeyFile => Path.Combine(TlsFolder, "client.pem");

        public string PasswordFile => Path.Combine(Path.GetFullPath(DbPath), "root-password");

        /// <summary>mongod's TLS and auth flags for member <paramref name="index"/>; none without --tls or --auth.</summary>
        public string[] SecurityFlags(int index) =>
        [
            .. Secure ? ["--tlsMode", "requireTLS", "--tlsCertificateKeyFile", MemberKeyFile(index), "--tlsCAFile", CaFile, "--clusterAuthMode", "x509"] : Array.Empty<string>(),
            .. Auth ? ["--auth"] : Array.Empty<string>(),
        ];
    }

    private static async Task<int> RunAsync(LaunchOptions options)
    {
        var processes = new List<Process>();
        var stop = new TaskCompletionSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
        AkkaCommandTransport transport;
        try
        {
            transport = options.Secure ? new AkkaCommandTransport(clientOverrides: LaunchTls.Prepare(options.ReplSet, options.Total, options.Host, options.CaFile, options.MemberKeyFile, options.ClientKeyFile)) : new AkkaCommandTransport();
        }
        catch (Exception e) when (e is Akka.Configuration.ConfigurationException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            await Console.Error.WriteLineAsync($"launch failed: {e.Message}");
            return 2;
        }
        await using var _ = transport;
        try
        {
            for (var i = 0; i < options.Total; i++)
                processes.Add(StartMember(options, i));
            for (var i = 0; i < options.Total; i++)
                await AwaitAnswerAsync(transport, options.Host(i), processes[i]);
            await InitiateAsync(transport, options);
            var primary = await AwaitPrimaryAsync(transport, options);

            Console.WriteLine($"replica set '{options.ReplSet}' is up; primary {primary}");
            for (var i = 0; i < options.Total; i++)
                Console.WriteLine($"  member {i}  {options.Host(i)}  pid {processes[i].Id}  dbpath {MemberPath(options, i)}"
                    + (options.MetricsPortOf(i) is { } metrics ? $"  metrics {MetricsEndpoint.UrlFor(LaunchOptions.BindIp, metrics)}" : ""));
            var hostList = Enumerable.Range(0, options.Total).Select(options.Host).ToList();
            var hosts = string.Join(",", hostList);
            var connectionString = options.Auth ? await LaunchAuth.EnsureRootAsync(hostList, options.ReplSet, options.CaFile, options.PasswordFile)
                : options.Tls ? WireLogins.ConnectionString(hostList, options.ReplSet, options.CaFile, credentials: null)
                : $"mongodb://{hosts}/?replicaSet={options.ReplSet}";
            Console.WriteLine($"connect with any MongoDB driver or mongosh:  mongosh \"{connectionString}\"");
            if (options.Secure)
            {
                Console.WriteLine(options.Auth
                    ? $"clients log in: user {LaunchAuth.RootUser} (roles: root), password in {options.PasswordFile}; createUser as root adds more"
                    : "the wire port requires TLS but no login: --auth adds users");
                Console.WriteLine($"TLS on the wire port and mutual TLS on member remoting; CA {options.CaFile}, member certificates {Path.Combine(options.TlsFolder, "mN.pem")}, a client certificate {options.ClientKeyFile}");
                Console.WriteLine($"restart member 0 by hand:  {NodeCommand()} --replSet {options.ReplSet} --port {options.Port} --dbpath {MemberPath(options, 0)} {string.Join(" ", options.SecurityFlags(0))}");
                Console.WriteLine($"try:  {RsctlCommand()} {hosts} rs status --tlsCertificateKeyFile {options.ClientKeyFile} --tlsCAFile {options.CaFile}");
            }
            else
            {
                Console.WriteLine($"try:  {RsctlCommand()} {hosts} rs status");
            }
            if (options.DemoWrites > 0)
            {
                await using var client = new ReplicaSetClient(Enumerable.Range(0, options.Total).Select(options.Host), transport);
                await DemoWorkload.RunAsync(client, options.DemoWrites);
            }
            Console.WriteLine("Ctrl-C stops every member.");
            await Task.WhenAny(stop.Task, Task.WhenAll(processes.Select(p => p.WaitForExitAsync())));
            return 0;
        }
        catch (Exception e) when (e is ReplicaException or IOException or UnauthorizedAccessException or Akka.Configuration.ConfigurationException)
        {
            await Console.Error.WriteLineAsync($"launch failed: {e.Message}");
            return 1;
        }
        finally
        {
            foreach (var process in processes) StopMember(process);
        }
    }

    private static string MemberPath(LaunchOptions options, int index) => Path.Combine(Path.GetFullPath(options.DbPath), $"m{index}");

    /// <summary>
    /// Runtime settings only an environment variable can give (no runtimeconfig.json name exists), unless the
    /// caller set them. The GC sizes its gen0 budget from the L3 cache the machine reports; VMs report huge
    /// ones (300 MiB here), and a member then carried ~65 MiB of gen0 garbage: 240 MiB RSS at peak, 177 MiB
    /// with a 4 MiB budget (bench/RESULTS.md).
    /// </summary>
    private static readonly KeyValuePair<string, string>[] MemberRuntimeSettings = [KeyValuePair.Create("DOTNET_GCgen0size", "0x400000")];

    private static Process StartMember(LaunchOptions options, int index)
    {
        // Run this same program again, as a member: through 'dotnet' when that is what runs us.
        var self = Environment.ProcessPath ?? "dotnet";
        var info = new ProcessStartInfo(self) { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var (name, value) in MemberRuntimeSettings)
            if (Environment.GetEnvironmentVariable(name) is null) info.Environment[name] = value;
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            info.ArgumentList.Add(typeof(LaunchCommand).Assembly.Location);
        foreach (var arg in new[] { "--replSet", options.ReplSet, "--port", (options.Port + index).ToString(), "--dbpath", MemberPath(options, index) }.Concat(options.SecurityFlags(index)))
            info.ArgumentList.Add(arg);
        if (options.MetricsPortOf(index) is { } metrics)
        {
            info.ArgumentList.Add("--metrics-port");
            info.ArgumentList.Add(metrics.ToString());
        }
        if (options.Profile is { } profile)
        {
            info.ArgumentList.Add("--profile");
            info.ArgumentList.Add(profile);
        }
        var process = Process.Start(info) ?? throw new ReplicaException(ErrorCode.InternalError, $"could not start member {index}");
        // Member logs go to DBPATH/mN/member.log, so the launcher's own output stays readable.
        Directory.CreateDirectory(MemberPath(options, index));
        var log = new StreamWriter(Path.Combine(MemberPath(options, index), "member.log"), append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) lock (log) log.WriteLine(line.Data); };
        process.Exited += (_, _) => { lock (log) log.Dispose(); };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        return process;
    }

    private static async Task AwaitAnswerAsync(AkkaCommandTransport transport, string host, Process process)
    {
        var deadline = DateTime.UtcNow + StartupDeadline;
        while (true)
        {
            if (process.HasExited)
                throw new ReplicaException(ErrorCode.HostUnreachable, $"member {host} exited with code {process.ExitCode} while starting (see its member.log)");
            try
            {
                (await transport.SendAsync(host, new CommandRequest("admin", new BsonDocument(CommandCatalog.Hello, 1)), TimeSpan.FromSeconds(5))).EnsureOk();
                return;
            }
            catch (ReplicaException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    private static async Task InitiateAsync(AkkaCommandTransport transport, LaunchOptions options)
    {
        var members = new BsonArray();
        for (var i = 0; i < options.Total; i++)
        {
            var member = new BsonDocument { { "_id", i }, { "host", options.Host(i) } };
            if (options.Arbiter && i == options.Members) member.Add("arbiterOnly", true);
            members.Add(member);
        }
        var config = new BsonDocument { { "_id", options.ReplSet }, { "version", 1 }, { "members", members } };
        var reply = await transport.SendAsync(options.Host(0), new CommandRequest("admin", new BsonDocument(CommandCatalog.ReplSetInitiate, config)), TimeSpan.FromSeconds(30));
        if (!reply.Ok && reply.Body["code"].ToInt32() != (int)ErrorCode.AlreadyInitialized)
            reply.EnsureOk();
    }

    private static async Task<string> AwaitPrimaryAsync(AkkaCommandTransport transport, LaunchOptions options)
    {
        var deadline = DateTime.UtcNow + StartupDeadline;
        while (DateTime.UtcNow < deadline)
        {
            for (var i = 0; i < options.Total; i++)
            {
                try
                {
                    var hello = (await transport.SendAsync(options.Host(i), new CommandRequest("admin", new BsonDocument(CommandCatalog.Hello, 1)), TimeSpan.FromSeconds(5))).EnsureOk();
                    if (hello.GetValue("isWritablePrimary", false).AsBoolean) return options.Host(i);
                }
                catch (ReplicaException)
                {
                    // A member still starting: ask the next one.
                }
            }
            await Task.Delay(200);
        }
        throw new ReplicaException(ErrorCode.ExceededTimeLimit, $"no primary was elected within {StartupDeadline.TotalSeconds} s");
    }

    private static void StopMember(Process process)
    {
        if (process.HasExited) return;
        // SIGTERM lets the member shut down cleanly; Kill is the fallback if it does not.
        Process.Start("kill", ["-TERM", process.Id.ToString()])?.WaitForExit();
        if (!process.WaitForExit(TimeSpan.FromSeconds(10))) process.Kill(entireProcessTree: true);
    }
}
