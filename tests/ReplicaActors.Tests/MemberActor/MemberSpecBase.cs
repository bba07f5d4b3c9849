using Akka.Actor;
using Akka.Configuration;
using MongoDB.Bson;
using ReplicaActors.Server;
using ReplicaActors.Member;
using ReplicaActors.Protocol;
using ReplicaActors.Storage;
using Xunit.Abstractions;

namespace ReplicaActors.Tests.MemberActor;

/// <summary>A member actor in a TestKit system: in-memory journal, in-memory store, any free port.</summary>
public abstract class MemberSpecBase : Akka.TestKit.Xunit2.TestKit
{
    protected const string SetName = "rs0";

    protected MemberSpecBase(ITestOutputHelper output) : this(output, "")
    {
    }

    /// <param name="hocon">Settings of this spec's own, over the common ones.</param>
    protected MemberSpecBase(ITestOutputHelper output, string hocon) : base(ConfigWith(hocon), MemberAddressing.SystemName, output)
    {
        Settings = MemberSettings.From(Sys.Settings.Config).BoundTo(Sys);
    }

    private static Akka.Configuration.Config ConfigWith(string hocon) => ReplicaActorsConfig.ForMember(ConfigurationFactory.ParseString(hocon)
        .WithFallback(ConfigurationFactory.ParseString($$"""
            replica-actors.member { replSet = "{{SetName}}", port = 0 }
            replica-actors.storage.temporary = on
            akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
            akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
            akka.loglevel = WARNING
            """)));

    private readonly List<DocumentStore> _stores = [];

    protected MemberSettings Settings { get; }

    /// <summary>A temporary store that lives until the actor system has stopped, so no member outlives its store.</summary>
    protected DocumentStore NewStore()
    {
        var store = DocumentStore.OpenTemporary();
        _stores.Add(store);
        return store;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        foreach (var store in _stores) store.Dispose();
    }

    protected static async Task<BsonDocument> OkAsync(IActorRef member, string db, string command, TimeSpan? timeout = null) =>
        (await SendAsync(member, db, command, timeout)).EnsureOk();

    protected static Task<CommandReply> SendAsync(IActorRef member, string db, string command, TimeSpan? timeout = null) =>
        member.Ask<CommandReply>(new CommandRequest(db, BsonDocument.Parse(command)), timeout ?? TimeSpan.FromSeconds(10));

    protected static async Task<ErrorCode> ErrorAsync(IActorRef member, string db, string command)
    {
        var reply = await SendAsync(member, db, command);
        Assert.False(reply.Ok, $"expected an error, got {reply.Body}");
        return (ErrorCode)reply.Body["code"].ToInt32();
    }

    /// <summary>A member on a new store, initiated as a set of one and primary.</summary>
    protected async Task<IActorRef> StartPrimaryAsync()
    {
        var member = Sys.ActorOf(ReplicaMember.Props(Settings, NewStore()));
        await OkAsync(member, "admin", "{ replSetInitiate: null }");
        await AwaitPrimaryAsync(member);
        return member;
    }

    /// <summary>
    /// Awaits the member's own report that it is primary: no sleeps, a deadline. Each hello has a short timeout of
    /// its own: a member being restarted by its supervisor drops what arrives meanwhile, and the next try asks again.
    /// </summary>
    protected async Task AwaitPrimaryAsync(IActorRef member) =>
        await AwaitAssertAsync(async () =>
        {
            var hello = await OkAsync(member, "admin", "{ hello: 1 }", TimeSpan.FromSeconds(1));
            Assert.True(hello["isWritablePrimary"].AsBoolean, hello.ToString());
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50));
}
