using ReplicaActors.Config;
using ReplicaActors.Consensus;
using static ReplicaActors.Tests.Config.ConfigFixtures;
using static ReplicaActors.Tests.Consensus.ConsensusFixtures;

namespace ReplicaActors.Tests.Consensus;

public class ElectionTimeoutTests
{
    [Theory]
    [InlineData(10000, 0.0, 0.15, 10000)]
    [InlineData(10000, 0.5, 0.15, 10750)]
    [InlineData(10000, 0.999, 0.15, 11498.5)]
    [InlineData(2000, 0.5, 0.5, 2500)]
    [InlineData(10000, 0.7, 0.0, 10000)]
    public void The_timeout_is_the_election_timeout_plus_a_random_share(int timeoutMillis, double random01, double jitter, double expectedMillis)
    {
        var settings = new ReplicaSetSettings { ElectionTimeoutMillis = timeoutMillis };

        Assert.Equal(expectedMillis, ElectionTimeout.Next(settings, random01, jitter).TotalMilliseconds, 3);
    }

    [Fact]
    public void The_default_jitter_is_fifteen_percent()
    {
        Assert.Equal(11000, ElectionTimeout.Next(ReplicaSetSettings.Default, 2 / 3.0).TotalMilliseconds, 3);
    }

    /// <summary>Member 1 of a set whose primary 0 is gone (fast profile: 1 s election timeout, so a turn is 150 ms).</summary>
    public static TheoryData<string, ReplicaSetConfig, MemberView[], double, double> ConnectionLostCases => new()
    {
        { "alone in the first turn, at the start", Set(ConfigMember(0), ConfigMember(1), ConfigMember(2)), [Down(0), Secondary(2, Op(100, 1))], 0.0, 0 },
        { "first turn, half way through its first half", Set(ConfigMember(0), ConfigMember(1), ConfigMember(2)), [Down(0), Secondary(2, Op(100, 1))], 0.5, 37.5 },
        { "the end of the first half of the first turn", Set(ConfigMember(0), ConfigMember(1), ConfigMember(2)), [Down(0), Secondary(2, Op(100, 1))], 0.999, 74.925 },
        { "a fresher secondary with a higher id still waits for the lower id", Set(ConfigMember(0), ConfigMember(1), ConfigMember(2)), [Down(0), Secondary(2, Op(101, 1))], 0.0, 0 },
        { "a lower id that is up goes first", Set(ConfigMember(0), ConfigMember(1), ConfigMember(2)), [Secondary(0, Op(99, 1)), Down(2)], 0.0, 150 },
        { "a higher priority goes first", Set(ConfigMember(0), ConfigMember(1), ConfigMember(2, 2)), [Down(0), Secondary(2, Op(99, 1))], 0.0, 150 },
        { "a lower priority with a lower id waits", Set(ConfigMember(0, 0.5), ConfigMember(1), ConfigMember(2)), [Secondary(0, Op(101, 1)), Down(2)], 0.0, 0 },
        { "priority 0 never stands, so it takes no turn", Set(ConfigMember(0, 0), ConfigMember(1), ConfigMember(2)), [Secondary(0, Op(101, 1)), Down(2)], 0.0, 0 },
        { "a down secondary takes no turn", Set(ConfigMember(0), ConfigMember(1), ConfigMember(2)), [Down(0, Op(101, 1)), Down(2)], 0.0, 0 },
        { "third in line", Set(ConfigMember(0), ConfigMember(1, 0.5), ConfigMember(2), ConfigMember(3)), [Secondary(0, Op(100, 1)), Secondary(2, Op(100, 1)), Down(3)], 0.0, 300 },
    };

    [Theory]
    [MemberData(nameof(ConnectionLostCases))]
    public void After_the_primary_connection_closed_electable_secondaries_stand_in_turns(string because, ReplicaSetConfig config, MemberView[] others, double random01, double expectedMillis)
    {
        config = config with { Settings = config.Settings with { ElectionTimeoutMillis = 1000 } };

        Assert.True(Math.Abs(expectedMillis - ElectionTimeout.AfterPrimaryConnectionLost(config, 1, others, random01).TotalMilliseconds) < 0.001, because);
    }

    [Theory]
    [InlineData(-0.1, 0.15)]
    [InlineData(1.0, 0.15)]
    [InlineData(double.NaN, 0.15)]
    [InlineData(0.5, -0.1)]
    [InlineData(0.5, 1.5)]
    public void Random_numbers_and_fractions_out_of_range_are_programming_errors(double random01, double jitter)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ElectionTimeout.Next(ReplicaSetSettings.Default, random01, jitter));
        Assert.Throws<ArgumentOutOfRangeException>(() => ElectionTimeout.AfterPrimaryConnectionLost(SetOf(3), 0, [], random01, jitter));
    }
}
