using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Server;
using ReplicaActors.TestKit;

namespace ReplicaActors.Cluster.Tests.Security;

/// <summary>
/// A plain Akka system (Akka's defaults: Newtonsoft JSON with .NET type names for any unbound type) sends a member a
/// type of its choosing, a PoisonPill and a Kill. Against a system with Akka's defaults the same JSON runs the type's
/// setter; the member refuses it by its serializer id before any type is looked up, and stays up.
/// </summary>
[Collection("cluster")]
public sealed class CraftedPayloadSpec : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly ConcurrentQueue<string> _warnings = new();
    private MemberHost _member = null!;
    private ActorSystem _attacker = null!;
    private ActorSystem _defaults = null!;

    public Task InitializeAsync()
    {
        _member = WatchedMember.Start(Akka.Configuration.Config.Empty, _warnings);
        _attacker = PlainSystem("attacker");
        _defaults = PlainSystem("defaults");
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_message_naming_its_own_type_is_refused_and_nothing_runs()
    {
        // The control: Akka's defaults turn the JSON into the named type, running its setter.
        _defaults.ActorOf(Props.Empty, "victim");
        _attacker.ActorSelection(new RootActorPath(Address(_defaults)) / "user" / "victim").Tell(Canary.Of("control"));
        await Eventually.UntilAsync("the control payload to be deserialized", Deadline, () => Canary.Ran.Contains("control"), () => string.Join(",", Canary.Ran));

        var memberPath = $"akka.tcp://{MemberAddressing.SystemName}@127.0.0.1:{_member.Settings.RemotingPort}/user/{MemberAddressing.MemberActorName}";
        // Identify is one of the few Akka messages a member reads from the network: it gives a direct ref, so the next
        // message travels with the JSON serializer's own id (1), not inside a selection envelope.
        var identity = await _attacker.ActorSelection(memberPath).Ask<ActorIdentity>(new Identify(1), Deadline);
        var member = identity.Subject ?? throw new InvalidOperationException("the member did not identify itself");
        member.Tell(Canary.Of("direct"));
        _attacker.ActorSelection(memberPath).Tell(Canary.Of("selection"));
        member.Tell(PoisonPill.Instance);
        member.Tell(Kill.Instance);

        await Eventually.UntilAsync("the member to refuse the JSON payloads and PoisonPill/Kill", Deadline, () =>
            _warnings.Count(w => w.Contains("refused a message for serializer 1")) >= 2
            && _warnings.Count(w => w.Contains("refused a message for serializer 16")) >= 2,
            () => string.Join(" | ", _warnings));
        Assert.DoesNotContain("direct", Canary.Ran);
        Assert.DoesNotContain("selection", Canary.Ran);
        // The member answers, and so does its association with the attacker.
        (await _member.Member.Ask<CommandReply>(new CommandRequest("admin", new BsonDocument("hello", 1)), Deadline)).EnsureOk();
        Assert.NotNull((await _attacker.ActorSelection(memberPath).Ask<ActorIdentity>(new Identify(2), Deadline)).Subject);
    }

    [Fact]
    public async Task A_system_message_carrying_an_exception_of_a_named_type_is_refused_and_nothing_runs()
    {
        // Akka's system-message serializer rebuilds a Failed message's exception by the type name the sender gives,
        // through the type's serialization constructor. The control: Akka's defaults run the canary's.
        _defaults.ActorOf(Props.Empty, "supervised");
        var victim = await _attacker.ActorSelection(new RootActorPath(Address(_defaults)) / "user" / "supervised").Ask<ActorIdentity>(new Identify(1), Deadline);
        ((IInternalActorRef)victim.Subject!).SendSystemMessage(new Akka.Dispatch.SysMsg.Failed(victim.Subject!, CanaryException.Of("control"), 1));
        await Eventually.UntilAsync("the control exception to be rebuilt", Deadline, () => CanaryException.Ran.Contains("control"), () => string.Join(",", CanaryException.Ran));

        var memberPath = $"akka.tcp://{MemberAddressing.SystemName}@127.0.0.1:{_member.Settings.RemotingPort}/user/{MemberAddressing.MemberActorName}";
        var member = (await _attacker.ActorSelection(memberPath).Ask<ActorIdentity>(new Identify(2), Deadline)).Subject
            ?? throw new InvalidOperationException("the member did not identify itself");
        ((IInternalActorRef)member).SendSystemMessage(new Akka.Dispatch.SysMsg.Failed(member, CanaryException.Of("member"), 1));

        await Eventually.UntilAsync("the member to refuse the system message", Deadline,
            () => _warnings.Any(w => w.Contains("refused a message for serializer 22")), () => string.Join(" | ", _warnings));
        Assert.DoesNotContain("member", CanaryException.Ran);
        (await _member.Member.Ask<CommandReply>(new CommandRequest("admin", new BsonDocument("hello", 1)), Deadline)).EnsureOk();
    }

    /// <summary>An exception whose serialization constructor records that it ran.</summary>
    [Serializable]
    public sealed class CanaryException : Exception
    {
        public static readonly ConcurrentBag<string> Ran = [];

        private CanaryException(string message) : base(message)
        {
        }

#pragma warning disable SYSLIB0051 // the legacy serialization constructor is the gadget path under test
        private CanaryException(System.Runtime.Serialization.SerializationInfo info, System.Runtime.Serialization.StreamingContext context) : base(info, context)
        {
            Ran.Add(Message);
        }
#pragma warning restore SYSLIB0051

        public static CanaryException Of(string value) => new(value);
    }

    /// <summary>An actor system with Akka's own defaults only: what an attacker would run.</summary>
    private static ActorSystem PlainSystem(string name) => ActorSystem.Create(name, ConfigurationFactory.ParseString("""
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
        akka.loglevel = OFF
        akka.stdout-loglevel = OFF
        """));

    private static Address Address(ActorSystem system) => ((ExtendedActorSystem)system).Provider.DefaultAddress;

    public async Task DisposeAsync()
    {
        await _attacker.Terminate();
        await _defaults.Terminate();
        await _member.CrashAsync();
    }

    /// <summary>A type whose setter records that it ran: what a deserialization gadget's side effect stands for.</summary>
    public sealed class Canary
    {
        public static readonly ConcurrentBag<string> Ran = [];
        private string _value = "";

        /// <summary>A canary made here, without running the setter; only deserializing one runs it.</summary>
        public static Canary Of(string value) => new() { _value = value };

        public string Value
        {
            get => _value;
            set
            {
                _value = value;
                Ran.Add(value);
            }
        }
    }
}
