using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.TestKit;

namespace ReplicaActors.Cluster.Tests.ReplicaSet;

/// <summary>What the specs ask members: their hello, term and data, and writes with a given write concern.</summary>
internal static class SetProbe
{
    /// <summary>A hello short enough that one hung member cannot eat a whole wait's deadline.</summary>
    private static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(2);

    public static async Task<BsonDocument?> TryHelloAsync(this ReplicaSetFixture set, FixtureMember member)
    {
        try
        {
            var reply = await set.Transport.SendAsync(member.Host, new CommandRequest("admin", new BsonDocument("hello", 1)), HelloTimeout);
            return reply.Ok ? reply.Body : null;
        }
        catch (ReplicaException)
        {
            return null;
        }
    }

    public static async Task<bool> IsWritablePrimaryAsync(this ReplicaSetFixture set, FixtureMember member) =>
        (await set.TryHelloAsync(member))?.GetValue("isWritablePrimary", false).AsBoolean == true;

    /// <summary>Answers hello and is not the writable primary (a member that does not answer proves nothing).</summary>
    public static async Task<bool> IsNotWritablePrimaryAsync(this ReplicaSetFixture set, FixtureMember member) =>
        (await set.TryHelloAsync(member))?.GetValue("isWritablePrimary", false).AsBoolean == false;

    public static async Task<bool> IsSecondaryAsync(this ReplicaSetFixture set, FixtureMember member) =>
        (await set.TryHelloAsync(member))?.GetValue("secondary", false).AsBoolean == true;

    /// <summary>Every running member's answer to hello, one line each, for failure messages.</summary>
    public static async Task<string> DescribeAsync(this ReplicaSetFixture set)
    {
        var running = set.Members.Where(m => m.IsRunning).ToList();
        var hellos = await Task.WhenAll(running.Select(set.TryHelloAsync));
        return string.Join(Environment.NewLine, running.Zip(hellos, (m, h) =>
            $"  {m}: {(h is null ? "no answer" : $"writablePrimary={h.GetValue("isWritablePrimary", false)} secondary={h.GetValue("secondary", false)} primary={h.GetValue("primary", "-")}")}"));
    }

    /// <summary><see cref="Eventually"/> for a look that answers yes or no, with what it saw.</summary>
    public static Task UntilAsync(string what, TimeSpan timeout, Func<Task<(bool Done, string Seen)>> look) =>
        Eventually.UntilAsync(what, timeout, async () =>
        {
            var (done, seen) = await look();
            return (done ? (object?)true : null, seen);
        });

    /// <summary>Waits until the member's hello passes <paramref name="test"/>; on timeout shows every member's hello.</summary>
    public static Task UntilMemberAsync(this ReplicaSetFixture set, string what, TimeSpan timeout, FixtureMember member, Func<ReplicaSetFixture, FixtureMember, Task<bool>> test) =>
        UntilAsync(what, timeout, async () => (await test(set, member), await set.DescribeAsync()));

    /// <summary>Adds a started extra member to the config through the primary: hidden, priority 0, delayed by <paramref name="delaySecs"/>.</summary>
    public static Task AddDelayedAsync(this ReplicaSetFixture set, FixtureMember primary, FixtureMember member, int delaySecs, TimeSpan timeout) =>
        Eventually.UntilAsync($"{member} is added as a delayed member", timeout, async () =>
        {
            var config = (await set.SendAsync(primary, "admin", "{ replSetGetConfig: 1 }")).EnsureOk()["config"].AsBsonDocument;
            config["version"] = config["version"].ToInt64() + 1;
            config["members"].AsBsonArray.Add(new BsonDocument
            {
                { "_id", member.Index }, { "host", member.Host }, { "priority", 0 }, { "hidden", true }, { "secondaryDelaySecs", delaySecs },
            });
            var reply = await set.SendAsync(primary, "admin", new BsonDocument("replSetReconfig", config));
            return reply.Ok ? ((object?)true, "") : (null, reply.Body.ToString());
        });

    /// <summary>The running members that say they are the writable primary.</summary>
    public static async Task<IReadOnlyList<FixtureMember>> PrimariesAsync(this ReplicaSetFixture set)
    {
        var running = set.Members.Where(m => m.IsRunning).ToList();
        var primary = await Task.WhenAll(running.Select(set.IsWritablePrimaryAsync));
        return running.Where((_, i) => primary[i]).ToList();
    }

    /// <summary>The member's current term, from replSetGetStatus.</summary>
    public static async Task<long> TermAsync(this ReplicaSetFixture set, FixtureMember member) =>
        (await set.SendAsync(member, "admin", "{ replSetGetStatus: 1 }")).EnsureOk()["term"].ToInt64();

    /// <summary>Inserts one document with the given write concern and returns the whole reply (a writeConcernError comes with ok: 1).</summary>
    public static Task<CommandReply> InsertAsync(this ReplicaSetFixture set, FixtureMember member, BsonDocument document, string writeConcern) =>
        set.SendAsync(member, "app", new BsonDocument
        {
            { "insert", "things" },
            { "documents", new BsonArray { document } },
            { "writeConcern", BsonDocument.Parse(writeConcern) },
        });

    /// <summary>The body of a reply that is ok and whose write concern was met (no writeConcernError).</summary>
    public static BsonDocument EnsureAcknowledged(this CommandReply reply)
    {
        var body = reply.EnsureOk();
        Assert.False(body.Contains("writeConcernError"), $"write concern not met: {body}");
        return body;
    }

    /// <summary>Every document of <c>app.things</c> on that member, read with the given read preference mode and read concern level.</summary>
    public static async Task<BsonArray> FindAsync(this ReplicaSetFixture set, FixtureMember member, string readPreference = "primary", string readConcern = "local")
    {
        var reply = await set.SendAsync(member, "app", new BsonDocument
        {
            { "find", "things" },
            { "sort", new BsonDocument("_id", 1) },
            { "readConcern", new BsonDocument("level", readConcern) },
            { "$readPreference", new BsonDocument("mode", readPreference) },
        });
        return reply.EnsureOk()["cursor"]["firstBatch"].AsBsonArray;
    }

    /// <summary>One look for a document, for waits: found or not, and what the member answered.</summary>
    public static async Task<(bool Found, string Seen)> LookForAsync(this ReplicaSetFixture set, FixtureMember member, BsonValue id, string readPreference, string readConcern = "local")
    {
        try
        {
            var documents = await set.FindAsync(member, readPreference, readConcern);
            return (documents.Any(d => d["_id"] == id), $"{member} has {documents.ToJson()}");
        }
        catch (ReplicaException e)
        {
            return (false, $"{member} answered {e.Code}: {e.Message}");
        }
    }
}
