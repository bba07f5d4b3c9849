using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Wire;

namespace ReplicaActors.Tests.Wire;

public sealed class ClusterTimeTests
{
    [Fact]
    public void A_reply_is_stamped_with_operationTime_and_an_unsigned_clusterTime()
    {
        var time = new BsonTimestamp(1_800_000_000, 4);

        var reply = ClusterTime.Stamped(BsonDocument.Parse("{ ok: 1.0 }"), time);

        Assert.Equal(time, reply["operationTime"]);
        Assert.Equal(time, reply["$clusterTime"]["clusterTime"]);
        Assert.Equal(new BsonBinaryData(new byte[20], BsonBinarySubType.Binary), reply["$clusterTime"]["signature"]["hash"]);
        Assert.Equal(new BsonInt64(0), reply["$clusterTime"]["signature"]["keyId"]);
    }

    [Fact]
    public void AfterClusterTime_is_read_from_the_read_concern_and_a_wrong_type_is_refused()
    {
        var time = new BsonTimestamp(1_800_000_000, 1);

        Assert.Equal(time, ClusterTime.AfterClusterTime(new BsonDocument { { "find", "c" }, { "readConcern", new BsonDocument { { "level", "majority" }, { "afterClusterTime", time } } } }));
        Assert.Null(ClusterTime.AfterClusterTime(BsonDocument.Parse("{ find: 'c', readConcern: { level: 'local' } }")));
        Assert.Null(ClusterTime.AfterClusterTime(BsonDocument.Parse("{ find: 'c' }")));
        var wrong = Assert.Throws<ReplicaException>(() => ClusterTime.AfterClusterTime(BsonDocument.Parse("{ find: 'c', readConcern: { afterClusterTime: 5 } }")));
        var notDocument = Assert.Throws<ReplicaException>(() => ClusterTime.AfterClusterTime(BsonDocument.Parse("{ find: 'c', readConcern: 'majority' }")));
        Assert.Equal(ErrorCode.TypeMismatch, wrong.Code);
        Assert.Equal(ErrorCode.TypeMismatch, notDocument.Code);
    }
}

public sealed class OperationTimeTests : Akka.TestKit.Xunit2.TestKit
{
    [Fact]
    public async Task Concurrent_commands_share_one_hello_and_a_later_one_asks_again()
    {
        var member = CreateTestProbe();
        var clusterTime = new ClusterTime(new MemberChannel(member, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10)), TimeSpan.FromMilliseconds(10));

        var first = clusterTime.OperationTimeAsync();
        var asked = member.ExpectMsg<InternalCommand>().Request;
        var second = clusterTime.OperationTimeAsync();
        var third = clusterTime.OperationTimeAsync();
        member.Reply(CommandReply.Success(LastWrite(5)));
        var next = member.ExpectMsg<InternalCommand>().Request;
        member.Reply(CommandReply.Success(LastWrite(6)));

        Assert.Equal("hello", asked.Name);
        Assert.Equal(new BsonTimestamp(100, 5), await first);
        // Asked for while the first hello was out: they need one sent after them.
        Assert.Equal(new BsonTimestamp(100, 6), await second);
        Assert.Equal(new BsonTimestamp(100, 6), await third);
        Assert.Equal("hello", next.Name);
        member.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("'soon'")]
    [InlineData("3000000000")]
    public async Task A_bad_maxTimeMS_on_a_waiting_read_is_refused_before_the_member_is_asked(string maxTimeMS)
    {
        var member = CreateTestProbe();
        var clusterTime = new ClusterTime(new MemberChannel(member, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10)), TimeSpan.FromMilliseconds(10));
        var command = BsonDocument.Parse($"{{ find: 'c', readConcern: {{ afterClusterTime: Timestamp(100, 1) }}, maxTimeMS: {maxTimeMS} }}");

        var e = await Assert.ThrowsAsync<ReplicaException>(() => clusterTime.WaitForAsync(command, new BsonTimestamp(100, 1), CancellationToken.None));

        Assert.Equal(ErrorCode.BadValue, e.Code);
        Assert.Contains($"maxTimeMS must be a number of milliseconds from 0 (no limit) to {int.MaxValue}", e.Message);
        member.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    private static BsonDocument LastWrite(int increment) =>
        new("lastWrite", new BsonDocument("opTime", new BsonDocument { { "ts", new BsonTimestamp(100, increment) }, { "t", 1L } }));
}
