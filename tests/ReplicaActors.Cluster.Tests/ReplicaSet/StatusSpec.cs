using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.TestKit;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.ReplicaSet;

/// <summary>replSetGetStatus, as rs status shows it: every member's state, health, uptime, optime, ping, sync source, heartbeat.</summary>
public sealed class StatusSpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    protected override ReplicaSetFixtureOptions Options => new() { Members = 3, Journal = FixtureJournal.InMemory };

    [Fact]
    public async Task The_primarys_status_describes_every_member()
    {
        var primary = await ReplicaSet.WaitForPrimaryAsync();
        (await ReplicaSet.SendAsync(primary, "app", "{ insert: 'things', documents: [{ _id: 1 }], writeConcern: { w: 3, wtimeout: 10000 } }")).EnsureOk();

        var status = await Eventually.UntilAsync("every member is up and synced in the primary's status", Timeouts.Replication, async () =>
        {
            var reply = (await ReplicaSet.SendAsync(primary, "admin", "{ replSetGetStatus: 1 }")).EnsureOk();
            var members = reply["members"].AsBsonArray.Select(m => m.AsBsonDocument).ToList();
            var primaryOptime = members.Single(m => m["self"].AsBoolean)["optime"];
            var settled = members.All(m => m["health"].ToInt32() == 1 && m.Contains("uptime"))
                && members.Where(m => !m["self"].AsBoolean).All(m => m.Contains("lastHeartbeat") && m["syncSourceHost"].AsString.Length > 0
                    && m["optime"] == primaryOptime);
            return settled ? ((BsonDocument?)reply, "") : (null, reply.ToString());
        });

        Assert.Equal("rs0", status["set"].AsString);
        Assert.True(status["term"].ToInt64() >= 1);
        Assert.False(OpTimeIsNull(status["optimes"]["lastCommittedOpTime"].AsBsonDocument));
        var members = status["members"].AsBsonArray.Select(m => m.AsBsonDocument).ToList();
        Assert.Equal(3, members.Count);
        var self = Assert.Single(members, m => m["self"].AsBoolean);
        Assert.Equal(primary.Host, self["name"].AsString);
        Assert.Equal("PRIMARY", self["stateStr"].AsString);
        Assert.True(self.Contains("electionDate"));
        foreach (var secondary in members.Where(m => !m["self"].AsBoolean))
        {
            Assert.Equal("SECONDARY", secondary["stateStr"].AsString);
            Assert.Equal(1, secondary["configVersion"].ToInt64());
            Assert.True(secondary["pingMs"].ToInt64() >= 0);
            Assert.Equal(self["optime"], secondary["optime"]);
            Assert.Contains(secondary["syncSourceHost"].AsString, ReplicaSet.Members.Select(m => m.Host));
        }
    }

    private static bool OpTimeIsNull(BsonDocument opTime) => opTime["ts"].AsBsonTimestamp.Timestamp == 0;
}
