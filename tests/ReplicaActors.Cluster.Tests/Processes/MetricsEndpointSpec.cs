using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using MongoDB.Bson;
using ReplicaActors.Client;
using ReplicaActors.Protocol;

namespace ReplicaActors.Cluster.Tests.Processes;

/// <summary>A member process started with --metrics-port serves its meter to Prometheus, and refuses to start on a taken port.</summary>
[Collection("cluster")]
public sealed partial class MetricsEndpointSpec : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly string _dbPath = Path.Combine(Path.GetTempPath(), "ra-metrics-" + Guid.NewGuid().ToString("N"));
    private readonly AkkaCommandTransport _transport = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly int _metricsPort = FreeLoopbackPort();
    private MemberProcess _member = null!;

    public Task InitializeAsync()
    {
        _member = new MemberProcess("rs0", MemberProcess.FreePort(), _dbPath, "--metrics-port", _metricsPort.ToString(CultureInfo.InvariantCulture));
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Inserts_show_on_the_prometheus_endpoint()
    {
        _member.Start();
        await Poll.UntilAsync(async () => (await Send("admin", "{ hello: 1 }")).Ok, "the member answers", Deadline);
        (await Send("admin", "{ replSetInitiate: null }")).EnsureOk();
        await Poll.UntilAsync(async () => (await Send("admin", "{ hello: 1 }")).Body["isWritablePrimary"].AsBoolean, "the member is primary", Deadline);
        var before = InsertsCounted(await ScrapeAsync());

        const int inserts = 7;
        for (var i = 0; i < inserts; i++)
            Assert.Equal(1, (await Send("app", $"{{ insert: 'things', documents: [{{ _id: {i} }}] }}")).EnsureOk()["n"].ToInt32());

        // The exporter caches a scrape for a moment, so a fresh count may take another scrape to show.
        var after = before;
        await Poll.UntilAsync(async () => (after = InsertsCounted(await ScrapeAsync())) >= before + inserts, $"{inserts} more inserts counted", Deadline);
        Assert.Equal(before + inserts, after);
    }

    [Fact]
    public async Task A_taken_metrics_port_stops_the_start_naming_it()
    {
        using var taken = new TcpListener(IPAddress.Loopback, _metricsPort);
        taken.Start();
        _member.Start();

        Assert.Equal(2, await _member.ExitCodeAsync(Deadline));
        Assert.Contains($"cannot serve metrics on http://127.0.0.1:{_metricsPort}/metrics", _member.Errors);
    }

    private async Task<string> ScrapeAsync() => await _http.GetStringAsync($"http://127.0.0.1:{_metricsPort}/metrics");

    /// <summary>The member's insert count in a Prometheus scrape; 0 before the first insert made the series.</summary>
    private long InsertsCounted(string scrape)
    {
        var lines = scrape.Split('\n').Where(l => l.StartsWith("replicaactors_commands_total{", StringComparison.Ordinal)
            && l.Contains("command=\"insert\"", StringComparison.Ordinal) && l.Contains($"member=\"{_member.Host}\"", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count <= 1, $"one insert series expected:\n{string.Join("\n", lines)}");
        return lines.Count == 0 ? 0 : long.Parse(SampleValue().Match(lines[0]).Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"\}\s+(\d+)")]
    private static partial Regex SampleValue();

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task<CommandReply> Send(string db, string command) =>
        _transport.SendAsync(_member.Host, new CommandRequest(db, BsonDocument.Parse(command)), TimeSpan.FromSeconds(10));

    public async Task DisposeAsync()
    {
        _member.Dispose();
        _http.Dispose();
        await _transport.DisposeAsync();
        try { Directory.Delete(_dbPath, recursive: true); } catch (IOException) { }
    }
}
