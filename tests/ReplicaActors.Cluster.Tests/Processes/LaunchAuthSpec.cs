using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using MongoDB.Bson;
using MongoDB.Driver;
using ReplicaActors.Protocol;
using ReplicaActors.Security;
using ReplicaActors.TestKit;

namespace ReplicaActors.Cluster.Tests.Processes;

/// <summary>
/// <c>launch --auth</c> as a user runs it: one command gives a set with TLS and logins, and what it prints works
/// as printed: the connection string as root with MongoDB.Driver, the rsctl line, the demo writes.
/// </summary>
[Collection("cluster")]
public sealed class LaunchAuthSpec : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);
    private const string Ready = "Ctrl-C stops every member.";
    private readonly string _dbPath = Path.Combine(Path.GetTempPath(), "ra-launch-auth-" + Guid.NewGuid().ToString("N"));
    private readonly List<string> _printed = [];
    private Process? _launcher;

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task One_command_gives_a_set_on_TLS_with_a_root_user_whose_printed_connection_string_works_and_a_relaunch_keeps_it()
    {
        var port = FreePorts.ForConsecutiveMembers(3, FreePorts.DefaultOffset);
        string[] launch = ["--members", "3", "--port", port.ToString(), "--dbpath", _dbPath, "--profile", "fast", "--auth"];
        await LaunchAsync([.. launch, "--demo-writes", "20"]);
        var connectionString = Printed("connect with any MongoDB driver or mongosh:  mongosh ").Trim('"');
        var url = new MongoUrl(connectionString);
        var caFile = Assert.Single(connectionString.Split('?')[1].Split('&'), o => o.StartsWith("tlsCAFile=", StringComparison.Ordinal))["tlsCAFile=".Length..];

        Assert.Contains(_printed, line => line.StartsWith("demo: inserted 20 documents", StringComparison.Ordinal));
        Assert.Equal(("root", "admin", true, "rs0"), (url.Username, url.AuthenticationSource ?? "admin", url.UseTls, url.ReplicaSetName));
        var passwordFile = Path.Combine(_dbPath, "root-password");
        Assert.Equal(url.Password, (await File.ReadAllTextAsync(passwordFile)).Trim());
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(passwordFile));

        // As printed: MongoDB.Driver reads no tlsCAFile, so the CA the string names is handed over in code.
        var items = Client(connectionString, caFile).GetDatabase("launched").GetCollection<BsonDocument>("items").WithWriteConcern(WriteConcern.WMajority);
        var status = await Client(connectionString, caFile).GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("connectionStatus", 1));
        await items.InsertOneAsync(new BsonDocument("_id", 1));
        Assert.Equal(BsonDocument.Parse("{ user: 'root', db: 'admin' }"), status["authInfo"]["authenticatedUsers"][0]);
        Assert.Equal(1, await items.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty));

        var hosts = string.Join(",", url.Servers.Select(s => $"{s.Host}:{s.Port}"));
        var anonymous = Client($"mongodb://{hosts}/?replicaSet=rs0&tls=true&serverSelectionTimeoutMS=10000", caFile);
        var unauthorized = await Assert.ThrowsAsync<MongoCommandException>(() => anonymous.GetDatabase("launched").GetCollection<BsonDocument>("items").InsertOneAsync(new BsonDocument("_id", 2)));
        Assert.Equal((int)ErrorCode.Unauthorized, unauthorized.Code);
        var plaintext = new MongoClient($"mongodb://{url.Username}:{url.Password}@{hosts}/?replicaSet=rs0&serverSelectionTimeoutMS=3000");
        await Assert.ThrowsAsync<TimeoutException>(() => plaintext.GetDatabase("launched").GetCollection<BsonDocument>("items").InsertOneAsync(new BsonDocument("_id", 3)));
        Assert.Equal(1, await items.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty));

        var (exitCode, output) = await RunPrintedRsctlAsync(Printed("try:  "));
        Assert.True(exitCode == 0, output);
        Assert.Contains("PRIMARY", output);

        // The same command on the same dbpath: the users are there, so root keeps its password and the string works again.
        await StopLauncherAsync();
        _printed.Clear();
        await LaunchAsync(launch);
        var relaunched = Printed("connect with any MongoDB driver or mongosh:  mongosh ").Trim('"');
        Assert.Equal(connectionString, relaunched);
        Assert.Equal(1, await Client(relaunched, caFile).GetDatabase("launched").GetCollection<BsonDocument>("items").CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty));
    }

    private static MongoClient Client(string connectionString, string caFile)
    {
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(caFile);
        var settings = MongoClientSettings.FromConnectionString(connectionString);
        settings.SslSettings = new SslSettings { ServerCertificateValidationCallback = WireTls.TrustedBy(authorities) };
        return new MongoClient(settings);
    }

    /// <summary>Starts the launcher and reads what it prints until the set is ready (or it fails, with what it said).</summary>
    private async Task LaunchAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "ReplicaActors.Node.dll"), "launch" }.Concat(args))
            info.ArgumentList.Add(arg);
        _launcher = Process.Start(info) ?? throw new InvalidOperationException("could not start the launcher");
        var errors = _launcher.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Deadline);
        while (await _launcher.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
        {
            _printed.Add(line);
            if (line == Ready) return;
        }
        Assert.Fail($"the launcher ended before the set was ready; it printed:\n{string.Join("\n", _printed)}\n{await errors}");
    }

    /// <summary>The rest of the printed line that starts with <paramref name="prefix"/>.</summary>
    private string Printed(string prefix)
    {
        var line = _printed.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        Assert.True(line is not null, $"no line starting '{prefix}' in:\n{string.Join("\n", _printed)}");
        return line[prefix.Length..];
    }

    /// <summary>The rsctl line as printed, with rsctl run from the test's folder (where the launcher prints it by name).</summary>
    private static async Task<(int ExitCode, string Output)> RunPrintedRsctlAsync(string line)
    {
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("rsctl", words[0]);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "rsctl.dll") }.Concat(words[1..]))
            info.ArgumentList.Add(arg);
        using var rsctl = Process.Start(info) ?? throw new InvalidOperationException("could not start rsctl");
        var output = rsctl.StandardOutput.ReadToEndAsync();
        var errors = rsctl.StandardError.ReadToEndAsync();
        await rsctl.WaitForExitAsync().WaitAsync(Deadline);
        return (rsctl.ExitCode, await output + await errors);
    }

    public async Task DisposeAsync()
    {
        await StopLauncherAsync();
        try { Directory.Delete(_dbPath, recursive: true); } catch (IOException) { }
    }

    private async Task StopLauncherAsync()
    {
        if (_launcher is { HasExited: false } launcher)
        {
            // SIGTERM, as Ctrl-C: the launcher stops its members before it exits.
            using (var kill = Process.Start("kill", ["-TERM", launcher.Id.ToString()])) await kill.WaitForExitAsync();
            try
            {
                await launcher.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                launcher.Kill(entireProcessTree: true);
            }
        }
        _launcher?.Dispose();
        _launcher = null;
    }
}
