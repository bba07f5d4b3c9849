using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Configuration;
using MongoDB.Bson;
using MongoDB.Driver;
using ReplicaActors.Protocol;
using ReplicaActors.Security;
using ReplicaActors.Server;
using ReplicaActors.Cluster.Tests.Wire;
using ReplicaActors.TestKit;
using ReplicaActors.Wire;

namespace ReplicaActors.Cluster.Tests.Security;

/// <summary>
/// MongoDB.Driver 3.14.0, unmodified, against a member serving TLS on its wire port with a certificate from the set's
/// CA: a TLS client works; under requireTLS a plaintext one is closed, under preferTLS it is served too.
/// </summary>
[Collection("cluster")]
public sealed class WireTlsSpec : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly string _folder = Directory.CreateTempSubdirectory("wire-tls-spec-").FullName;
    private readonly ConcurrentQueue<string> _warnings = new();
    private readonly X509Certificate2Collection _authorities = [];
    private MemberHost? _member;

    public Task InitializeAsync()
    {
        using var ca = SetCertificates.CreateAuthority("rs0", DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromDays(1));
        File.WriteAllText(CaFile, SetCertificates.CertificatePem(ca));
        _authorities.ImportFromPemFile(CaFile);
        using var member = SetCertificates.Issue(ca, "m0", ["127.0.0.1", "localhost"], DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromDays(1));
        SetCertificates.WritePrivate(KeyFile, SetCertificates.CertificateAndKeyPem(member));
        return Task.CompletedTask;
    }

    private string CaFile => Path.Combine(_folder, "ca.pem");

    private string KeyFile => Path.Combine(_folder, "m0.pem");

    [Fact]
    public async Task Under_requireTLS_a_driver_with_TLS_writes_and_reads_and_a_plaintext_one_is_closed()
    {
        var host = await StartPrimaryAsync("requireTLS");

        var items = Tls(host).GetDatabase("tls").GetCollection<BsonDocument>("items").WithWriteConcern(WriteConcern.WMajority);
        await items.InsertOneAsync(new BsonDocument("_id", 1));
        Assert.Equal(1, await items.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty));

        var plain = new MongoClient($"mongodb://{host}/?directConnection=true&serverSelectionTimeoutMS=3000");
        var refused = await Assert.ThrowsAsync<TimeoutException>(() => plain.GetDatabase("tls").GetCollection<BsonDocument>("items").InsertOneAsync(new BsonDocument("_id", 2)));
        Assert.Contains("127.0.0.1", refused.Message);
        Assert.Equal(0, await PlaintextHelloReplyBytesAsync(host));
        Assert.Equal(1, await items.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty));
    }

    [Fact]
    public async Task Under_requireTLS_rsctl_db_watch_reaches_the_wire_port_with_the_set_CA()
    {
        var host = await StartPrimaryAsync("requireTLS");
        var items = Tls(host).GetDatabase("tls").GetCollection<BsonDocument>("watched").WithWriteConcern(WriteConcern.WMajority);
        var before = (await Tls(host).GetDatabase("tls").RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1)))["operationTime"].AsBsonTimestamp;
        await using var secured = new RunningWatch([host, "db", "watch", "tls.watched", "--tlsCertificateKeyFile", KeyFile, "--tlsCAFile", CaFile,
            "--startAtOperationTime", $"{before.Timestamp}:{before.Increment}"]);
        await using var plain = new RunningWatch([host, "db", "watch", "tls.watched", "--timeout", "3"]);

        await items.InsertOneAsync(new BsonDocument("_id", "seen"));

        Assert.Equal("seen", (await secured.LinesAsync(1))[0]["documentKey"]["_id"].AsString);
        var (plainExit, plainError) = await plain.ExitAsync();
        Assert.Equal(Cli.ExitCodes.CommandFailed, plainExit);
        Assert.Contains("could serve a change stream within 3 s", plainError);
    }

    [Fact]
    public async Task Under_preferTLS_the_wire_port_serves_TLS_and_plaintext_clients()
    {
        var host = await StartPrimaryAsync("preferTLS");

        await Tls(host).GetDatabase("tls").GetCollection<BsonDocument>("items").WithWriteConcern(WriteConcern.WMajority).InsertOneAsync(new BsonDocument("_id", "tls"));
        var plain = new MongoClient($"mongodb://{host}/?replicaSet=rs0&serverSelectionTimeoutMS=10000").GetDatabase("tls").GetCollection<BsonDocument>("items");
        await plain.WithWriteConcern(WriteConcern.WMajority).InsertOneAsync(new BsonDocument("_id", "plain"));

        Assert.Equal(["plain", "tls"], (await plain.Find(FilterDefinition<BsonDocument>.Empty).SortBy(d => d["_id"]).ToListAsync()).Select(d => d["_id"].AsString));
        Assert.True(await PlaintextHelloReplyBytesAsync(host) > 0);
    }

    /// <summary>
    /// The driver with TLS on: MongoDB.Driver reads no tlsCAFile from a connection string, so the set's CA is given
    /// in code; the host name is still checked by .NET against the certificate.
    /// </summary>
    private MongoClient Tls(string host)
    {
        var settings = MongoClientSettings.FromConnectionString($"mongodb://{host}/?replicaSet=rs0&tls=true&serverSelectionTimeoutMS=10000");
        settings.SslSettings = new SslSettings { ServerCertificateValidationCallback = WireTls.TrustedBy(_authorities) };
        return new MongoClient(settings);
    }

    /// <summary>A hello in plaintext on a raw socket: how many bytes come back before the member closes the connection or answers.</summary>
    private static async Task<int> PlaintextHelloReplyBytesAsync(string host)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPEndPoint.Parse(host));
        await using var stream = new NetworkStream(socket);
        await stream.WriteAsync(OpMsg.EncodeRequest(1, OpMsgFlags.None, BsonDocument.Parse("{ hello: 1, $db: 'admin' }")));
        var buffer = new byte[MessageHeader.Size];
        return await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false).AsTask().WaitAsync(Deadline);
    }

    /// <summary>One member on <paramref name="mode"/>, initiated as a set of one and primary; its wire host.</summary>
    private async Task<string> StartPrimaryAsync(string mode)
    {
        _member = WatchedMember.Start(ConfigurationFactory.ParseString($$"""
            replica-actors.tls {
              mode = {{mode}}
              certificate-key-file = {{ReplicaActorsConfig.Quote(KeyFile)}}
              ca-file = {{ReplicaActorsConfig.Quote(CaFile)}}
            }
            """), _warnings);
        var host = _member.Settings.Host;
        (await Send(BsonDocument.Parse($"{{ replSetInitiate: {{ _id: 'rs0', members: [{{ _id: 0, host: '{host}' }}] }} }}"))).EnsureOk();
        await Eventually.UntilAsync("the member to become primary", Deadline, async () =>
        {
            var hello = (await Send(new BsonDocument("hello", 1))).Body;
            return (hello.GetValue("isWritablePrimary", false).AsBoolean ? (object)true : null, hello.ToString());
        });
        return host;
    }

    private Task<CommandReply> Send(BsonDocument command) =>
        _member!.Member.Ask<CommandReply>(new CommandRequest("admin", command), TimeSpan.FromSeconds(10));

    public async Task DisposeAsync()
    {
        if (_member is not null) await _member.CrashAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
