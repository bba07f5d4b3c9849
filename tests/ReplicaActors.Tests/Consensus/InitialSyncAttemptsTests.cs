using ReplicaActors.Config;
using ReplicaActors.Consensus;
using ReplicaActors.Protocol;
using static ReplicaActors.Tests.Config.ConfigFixtures;
using static ReplicaActors.Tests.Consensus.ConsensusFixtures;

namespace ReplicaActors.Tests.Consensus;

/// <summary>Member 0 has no data and syncs; member 1 is the primary (ping 30 ms), 2 and 3 are secondaries.</summary>
public class InitialSyncAttemptsTests
{
    private static readonly ReplicaSetConfig Config = Set(ConfigMember(0), ConfigMember(1), ConfigMember(2), ConfigMember(3));

    private static SyncSourceRequest Request(params MemberView[] others) =>
        new(Config, 0, OpTime.Null, others, ChainingAllowed: true, PrimaryId: 1, new SyncSourceLimits(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(5)));

    private static readonly SyncSourceRequest Healthy =
        Request(Primary(1, Op(200, 1), ping: 30), Secondary(2, Op(200, 1), ping: 5), Secondary(3, Op(200, 1), ping: 12));

    [Fact]
    public void The_first_attempt_uses_the_sync_source_rules()
    {
        var choice = InitialSyncAttempts.Start(10).ChooseSource(Healthy);

        Assert.Equal(2, choice.SourceId);
    }

    [Fact]
    public void A_source_that_failed_is_avoided_while_another_is_eligible()
    {
        var attempts = InitialSyncAttempts.Start(10).AfterFailure(2, "no answer");

        Assert.Equal(3, attempts.ChooseSource(Healthy).SourceId);
        Assert.Equal(1, attempts.AfterFailure(3, "no answer").ChooseSource(Healthy).SourceId);
    }

    [Fact]
    public void When_every_eligible_member_failed_the_one_that_failed_longest_ago_is_tried_again()
    {
        var attempts = InitialSyncAttempts.Start(10).AfterFailure(3, "x").AfterFailure(1, "y").AfterFailure(2, "z");

        var choice = attempts.ChooseSource(Healthy);

        Assert.Equal(3, choice.SourceId);
        Assert.Contains("failed an earlier attempt", choice.Reason);
    }

    [Fact]
    public void A_source_that_fails_again_moves_to_the_back_of_the_queue()
    {
        var attempts = InitialSyncAttempts.Start(10).AfterFailure(3, "x").AfterFailure(2, "y").AfterFailure(1, "z").AfterFailure(3, "again");

        Assert.Equal([2, 1, 3], attempts.FailedSources);
        Assert.Equal(2, attempts.ChooseSource(Healthy).SourceId);
    }

    [Fact]
    public void Nothing_fetched_yet_means_any_member_with_data_is_ahead()
    {
        var request = Request(Secondary(2, Op(1, 1))) with { LastFetched = Op(500, 1) };

        Assert.Equal(2, InitialSyncAttempts.Start(1).ChooseSource(request).SourceId);
    }

    [Fact]
    public void No_source_when_no_member_is_readable()
    {
        var choice = InitialSyncAttempts.Start(3).ChooseSource(Request(Down(1), Down(2), Down(3)));

        Assert.Null(choice.SourceId);
        Assert.NotEmpty(choice.Reason);
    }

    [Theory]
    [InlineData(1, 1, true)]
    [InlineData(3, 2, false)]
    [InlineData(3, 3, true)]
    public void Attempts_run_out_after_the_maximum(int max, int failures, bool exhausted)
    {
        var attempts = InitialSyncAttempts.Start(max);
        for (var i = 0; i < failures; i++) attempts = attempts.AfterFailure(i % 2 == 0 ? 2 : null, $"failure {i + 1}");

        Assert.Equal(exhausted, attempts.Exhausted);
        Assert.Equal(failures + 1, attempts.Current);
        Assert.Equal($"failure {failures}", attempts.LastFailure);
    }

    [Fact]
    public void The_gave_up_message_names_the_attempts_the_last_failure_and_the_way_out()
    {
        var message = InitialSyncAttempts.Start(2).AfterFailure(1, "source died").AfterFailure(2, "window moved on").GaveUpMessage();

        Assert.Contains("2 attempt(s)", message);
        Assert.Contains("window moved on", message);
        Assert.Contains("rs resync", message);
    }

    [Fact]
    public void At_least_one_attempt()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => InitialSyncAttempts.Start(0));
    }
}
