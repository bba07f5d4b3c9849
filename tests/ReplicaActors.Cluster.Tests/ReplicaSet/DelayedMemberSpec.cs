using MongoDB.Bson;
using ReplicaActors.TestKit;
using Xunit.Abstractions;

namespace ReplicaActors.Cluster.Tests.ReplicaSet;

/// <summary>A hidden, delayed, priority-0 member: absent from hello, and it applies each write only after its delay.</summary>
public sealed class DelayedMemberSpec(ITestOutputHelper output) : ReplicaSetSpec(output)
{
    private const int DelaySecs = 3;

    protected override ReplicaSetFixtureOptions Options => new() { Members = 3, Journal = FixtureJournal.InMemory };

    [Fact]
    public async Task A_delayed_hidden_member_lags_by_its_delay_and_is_absent_from_hello()
    {
        var primary = await ReplicaSet.WaitForPrimaryAsync();
        var delayed = await ReplicaSet.StartExtraMemberAsync();
        await ReplicaSet.AddDelayedAsync(primary, delayed, DelaySecs, TimeSpan.FromSeconds(20));
        await Eventually.UntilAsync($"{delayed} is a secondary", TimeSpan.FromSeconds(30), async () =>
        {
            var hello = (await ReplicaSet.SendAsync(delayed, "admin", "{ hello: 1 }")).Body;
            return hello.GetValue("secondary", false).AsBoolean ? ((object?)true, "") : (null, hello.ToString());
        });

        var hosts = (await ReplicaSet.SendAsync(primary, "admin", "{ hello: 1 }")).EnsureOk()["hosts"].AsBsonArray.Select(h => h.AsString);
        Assert.DoesNotContain(delayed.Host, hosts);

        var written = DateTimeOffset.UtcNow;
        (await ReplicaSet.SendAsync(primary, "app", "{ insert: 'things', documents: [{ _id: 'late' }], writeConcern: { w: 'majority' } }")).EnsureOk();
        Assert.Equal(0, await CountOn(delayed));
        await Eventually.UntilAsync($"{delayed} applies the write after its delay", TimeSpan.FromSeconds(DelaySecs + 20),
            async () => await CountOn(delayed) == 1 ? ((object?)true, "") : (null, "not applied yet"));
        Assert.True(DateTimeOffset.UtcNow - written >= TimeSpan.FromSeconds(DelaySecs - 1),
            $"applied after {(DateTimeOffset.UtcNow - written).TotalSeconds:0.0} s, before its {DelaySecs} s delay");
    }

    private async Task<int> CountOn(FixtureMember member) =>
        (await ReplicaSet.SendAsync(member, "app", "{ count: 'things', $readPreference: { mode: 'secondaryPreferred' } }")).EnsureOk()["n"].ToInt32();
}
