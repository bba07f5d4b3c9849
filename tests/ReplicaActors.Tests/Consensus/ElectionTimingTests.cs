using ReplicaActors.Config;
using ReplicaActors.Consensus;

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

    [Theory]
    [InlineData(-0.1, 0.15)]
    [InlineData(1.0, 0.15)]
    [InlineData(double.NaN, 0.15)]
    [InlineData(0.5, -0.1)]
    [InlineData(0.5, 1.5)]
    public void Random_numbers_and_fractions_out_of_range_are_programming_errors(double random01, double jitter)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ElectionTimeout.Next(ReplicaSetSettings.Default, random01, jitter));
    }
}
