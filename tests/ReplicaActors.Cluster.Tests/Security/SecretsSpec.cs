using System.Text;
using MongoDB.Bson;
using MongoDB.Driver;
using ReplicaActors.TestKit;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.Security;

/// <summary>
/// Passwords stay secret: after users are created, a creation is refused and a login fails, no member's log (at
/// DEBUG), no config or status reply (what rs conf and rs status print) and no error message holds any of them.
/// </summary>
public sealed class SecretsSpec : ReplicaSetSpec
{
    private const string AppPassword = "Known-Secret-app-9x";
    private const string OtherPassword = "Known-Secret-other-4q";
    private const string WrongPassword = "Known-Secret-wrong-7y";
    private readonly CapturedOutput _log;

    public SecretsSpec(ITestOutputHelper output) : this(new CapturedOutput(output)) { }

    private SecretsSpec(CapturedOutput log) : base(log) => _log = log;

    protected override ReplicaSetFixtureOptions Options => new() { Members = 3, Journal = FixtureJournal.InMemory, Secure = true, ExtraHocon = "akka.loglevel = DEBUG" };

    [Fact]
    public async Task No_password_shows_in_logs_replies_or_errors()
    {
        using var root = new MongoClient(ReplicaSet.MongoSettings());
        var admin = root.GetDatabase("admin");
        await admin.RunCommandAsync<BsonDocument>(BsonDocument.Parse($"{{ createUser: 'app', pwd: '{AppPassword}', roles: [{{ role: 'readWrite', db: 'shop' }}], writeConcern: {{ w: 3 }} }}"));
        var said = new List<string>();

        var duplicate = await Assert.ThrowsAsync<MongoCommandException>(() =>
            admin.RunCommandAsync<BsonDocument>(BsonDocument.Parse($"{{ createUser: 'app', pwd: '{OtherPassword}', roles: [] }}")));
        said.Add(duplicate.ToString());
        using var wrong = new MongoClient(Login("app", WrongPassword));
        var failed = await Assert.ThrowsAsync<MongoAuthenticationException>(() => wrong.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("connectionStatus", 1)));
        said.Add(failed.ToString());
        using var app = new MongoClient(Login("app", AppPassword));
        await app.GetDatabase("shop").GetCollection<BsonDocument>("items").InsertOneAsync(new BsonDocument("_id", 1));
        foreach (var member in ReplicaSet.Members)
        {
            said.Add((await ReplicaSet.SendAsync(member, "admin", "{ replSetGetConfig: 1 }")).EnsureOk().ToString());
            said.Add((await ReplicaSet.SendAsync(member, "admin", "{ replSetGetStatus: 1 }")).EnsureOk().ToString());
        }
        said.Add((await admin.RunCommandAsync<BsonDocument>(BsonDocument.Parse("{ usersInfo: 'app' }"))).ToString());

        Assert.Contains("Authentication failed", failed.ToString());
        Assert.Contains("[DEBUG]", _log.Text);
        foreach (var secret in new[] { AppPassword, OtherPassword, WrongPassword, ReplicaSet.RootPassword! })
        {
            Assert.DoesNotContain(secret, _log.Text);
            Assert.All(said, text => Assert.DoesNotContain(secret, text));
        }
    }

    private MongoClientSettings Login(string user, string password)
    {
        var settings = ReplicaSet.MongoSettings();
        settings.Credential = MongoCredential.CreateCredential("admin", user, password);
        settings.ServerSelectionTimeout = TimeSpan.FromSeconds(10);
        return settings;
    }

    /// <summary>Everything the members and the fixture log, kept as well as passed on to the test's output.</summary>
    private sealed class CapturedOutput(ITestOutputHelper output) : ITestOutputHelper
    {
        private readonly StringBuilder _text = new();

        public string Text
        {
            get { lock (_text) return _text.ToString(); }
        }

        public void WriteLine(string message)
        {
            lock (_text) _text.AppendLine(message);
            output.WriteLine(message);
        }

        public void WriteLine(string format, params object[] args) => WriteLine(string.Format(format, args));
    }
}
