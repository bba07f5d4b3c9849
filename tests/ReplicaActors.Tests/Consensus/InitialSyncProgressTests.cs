using ReplicaActors.Consensus;

namespace ReplicaActors.Tests.Consensus;

/// <summary>Clone progress: counts against the source's totals, the fraction done, rates and the time left.</summary>
public class InitialSyncProgressTests
{
    private static readonly InitialSyncProgress Offered = InitialSyncProgress.Of([
        new CloneTotal("shop", 3000, 300_000), new CloneTotal("shop", 0, 0), new CloneTotal("crm", 1000, 100_000),
    ]);

    [Fact]
    public void Totals_come_from_the_collections_offered()
    {
        Assert.Equal(new InitialSyncProgress(2, 0, 3, 0, 4000, 0, 400_000, 0), Offered);
    }

    [Fact]
    public void Copies_and_finished_collections_add_up()
    {
        var progress = Offered.Copied(100, 10_000).Copied(50, 5_000).CollectionCloned(lastOfDatabase: false).CollectionCloned(lastOfDatabase: true);

        Assert.Equal((150L, 15_000L, 2, 1), (progress.DocumentsCopied, progress.BytesCopied, progress.CollectionsCloned, progress.DatabasesCloned));
    }

    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(100_000, 0.25)]
    [InlineData(400_000, 1.0)]
    [InlineData(900_000, 1.0)]
    public void The_fraction_is_bytes_copied_of_bytes_offered_capped_at_one(long bytes, double fraction)
    {
        Assert.Equal(fraction, Offered.Copied(0, bytes).Fraction, 6);
    }

    [Fact]
    public void Without_bytes_the_fraction_counts_documents_then_collections()
    {
        Assert.Equal(0.5, new InitialSyncProgress(1, 0, 2, 0, 10, 5, 0, 0).Fraction);
        Assert.Equal(0.5, new InitialSyncProgress(1, 0, 2, 1, 0, 0, 0, 0).Fraction);
        Assert.Equal(1.0, InitialSyncProgress.None.Fraction);
    }

    [Fact]
    public void The_time_left_extrapolates_the_rate_so_far()
    {
        var quarter = Offered.Copied(1000, 100_000);

        Assert.Equal(TimeSpan.FromSeconds(30), quarter.Remaining(TimeSpan.FromSeconds(10)));
        Assert.Equal(TimeSpan.Zero, Offered.Copied(4000, 400_000).Remaining(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void No_estimate_before_anything_was_copied()
    {
        Assert.Null(Offered.Remaining(TimeSpan.FromSeconds(10)));
        Assert.Null(Offered.Copied(1, 1).Remaining(TimeSpan.Zero));
    }

    [Theory]
    [InlineData(1000, 2.0, 500.0)]
    [InlineData(1000, 0.0, 0.0)]
    [InlineData(0, 5.0, 0.0)]
    public void Rates_are_per_second_of_elapsed_time(long amount, double seconds, double rate)
    {
        Assert.Equal(rate, InitialSyncProgress.PerSecond(amount, TimeSpan.FromSeconds(seconds)));
    }
}
