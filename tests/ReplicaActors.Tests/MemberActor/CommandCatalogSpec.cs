using Akka.Actor;
using MongoDB.Bson;
using ReplicaActors.Protocol;
using Xunit.Abstractions;

namespace ReplicaActors.Tests.MemberActor;

/// <summary>The catalog and the member agree: every name in it reaches a handler, and a name outside it is refused as unknown.</summary>
public sealed class CommandCatalogSpec(ITestOutputHelper output) : MemberSpecBase(output)
{
    [Fact]
    public async Task The_member_serves_every_command_in_the_catalog()
    {
        var member = await StartPrimaryAsync();
        foreach (var name in CommandCatalog.Names)
        {
            // Made-up arguments: a served command may refuse them, but as a bad command, never as an unknown one. A step-down
            // gets no catch-up period, so it answers at once.
            var command = new BsonDocument { { name, "catalog" }, { "secondaryCatchUpPeriodSecs", 0 } };
            var reply = await member.Ask<CommandReply>(new CommandRequest("admin", command), TimeSpan.FromSeconds(10));
            Assert.False(!reply.Ok && reply.Body["code"].ToInt32() == (int)ErrorCode.CommandNotFound, $"{name}: {reply.Body}");
        }
        Assert.Equal(ErrorCode.CommandNotFound, await ErrorAsync(member, "admin", "{ notACommand: 1 }"));
    }
}
