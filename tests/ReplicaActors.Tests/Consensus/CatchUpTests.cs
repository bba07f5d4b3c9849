using MongoDB.Bson;
using ReplicaActors.Config;
using ReplicaActors.Member;
using ReplicaActors.Member.Core;
using ReplicaActors.Protocol;
using static ReplicaActors.Tests.Config.ConfigFixtures;

namespace ReplicaActors.Tests.Consensus;

public class CatchUpTests
{
    private static readonly DateTimeOffset Won = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);
    private static readonly OpTime Mine = At(100);

    private static OpTime At(uint seconds) => new(new Timestamp(seconds, 1), 1);

    private static PeerView Peer(int id, OpTime applied, bool up = true) => PeerView.NeverHeard(id) with { Up = up, Applied = applied };

    private static ReplicaSetConfig WithTimeout(ReplicaSetConfig config, int millis) =>
        config with { Settings = config.Settings with { CatchUpTimeoutMillis = millis } };

    [Fact]
    public void A_new_primary_no_member_is_fresher_than_takes_writes_at_once()
    {
        Assert.Null(new CatchUp().Start(SetOf(3), [Peer(1, At(90)), Peer(2, Mine)], Mine, Won));
    }

    [Fact]
    public void It_tails_the_freshest_data_bearing_member_heard_from_as_up()
    {
        var config = Set(ConfigMember(0), ConfigMember(1), ConfigMember(2), ConfigMember(3), Arbiter(4));
        var catchUp = new CatchUp();

        var source = catchUp.Start(config, [Peer(1, At(110)), Peer(2, At(130), up: false), Peer(3, At(120)), Peer(4, At(200))], Mine, Won);

        Assert.Equal(3, source);
        Assert.True(catchUp.Running);
    }

    [Fact]
    public void It_ends_once_no_member_it_hears_from_is_fresher_even_short_of_a_member_that_went_away()
    {
        // The fresher member 1 was cut off mid catch-up. Waiting for its entries would leave the set with a primary
        // that takes no writes for as long as the cut lasts (the default catchUpTimeoutMillis, -1, sets no limit).
        var catchUp = new CatchUp();
        catchUp.Start(SetOf(3), [Peer(1, At(120)), Peer(2, Mine)], Mine, Won);

        var step = catchUp.Check(SetOf(3), [Peer(1, At(120), up: false), Peer(2, Mine)], At(110), Won.AddMinutes(10), tailing: null);

        Assert.NotNull(step.DoneBecause);
    }

    [Fact]
    public void While_a_fresher_member_is_heard_it_goes_on_and_takes_it_as_source_when_it_has_none()
    {
        var catchUp = new CatchUp();
        catchUp.Start(SetOf(3), [Peer(1, At(120)), Peer(2, Mine)], Mine, Won);

        Assert.Equal(new CatchUpStep(null, null), catchUp.Check(SetOf(3), [Peer(1, At(120)), Peer(2, At(115))], At(110), Won.AddSeconds(1), tailing: 1));
        Assert.Equal(new CatchUpStep(null, 2), catchUp.Check(SetOf(3), [Peer(1, At(120), up: false), Peer(2, At(115))], At(110), Won.AddSeconds(1), tailing: null));
        Assert.NotNull(catchUp.Check(SetOf(3), [Peer(1, At(120)), Peer(2, At(115))], At(120), Won.AddSeconds(1), tailing: 1).DoneBecause);
    }

    [Fact]
    public void The_config_s_timeout_ends_it_and_zero_means_no_catch_up()
    {
        var catchUp = new CatchUp();
        catchUp.Start(WithTimeout(SetOf(3), 2000), [Peer(1, At(120))], Mine, Won);

        Assert.Null(catchUp.Check(SetOf(3), [Peer(1, At(120))], Mine, Won.AddMilliseconds(1999), tailing: 1).DoneBecause);
        Assert.Contains("timed out", catchUp.Check(SetOf(3), [Peer(1, At(120))], Mine, Won.AddMilliseconds(2000), tailing: 1).DoneBecause);

        Assert.Null(new CatchUp().Start(WithTimeout(SetOf(3), 0), [Peer(1, At(120))], Mine, Won));
    }
}
