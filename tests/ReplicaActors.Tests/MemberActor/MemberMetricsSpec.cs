using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Akka.Actor;
using ReplicaActors.Protocol;
using Xunit.Abstractions;

namespace ReplicaActors.Tests.MemberActor;

/// <summary>The member's meter moves as the work says it should, for this member only (its host tag).</summary>
public sealed class MemberMetricsSpec(ITestOutputHelper output) : MemberSpecBase(output)
{
    private readonly ConcurrentDictionary<(string Instrument, string Tag), double> _totals = new();
    private readonly ConcurrentDictionary<string, double> _gauges = new();

    private MeterListener Listen()
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ReplicaActorsMeter.Name) l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();
        return listener;
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? member = null, other = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "member") member = tag.Value as string;
            else other = tag.Value as string;
        }
        if (member != Settings.Host) return;
        if (instrument is ObservableGauge<int> or ObservableGauge<double>) _gauges[$"{instrument.Name}/{other}"] = value;
        else _totals.AddOrUpdate((instrument.Name, other ?? ""), value, (_, total) => total + value);
    }

    private double Total(string instrument, string tag = "") => _totals.GetValueOrDefault((instrument, tag));

    [Fact]
    public async Task Inserts_commands_journal_batches_and_the_state_show_on_the_meter()
    {
        using var listener = Listen();
        var member = await StartPrimaryAsync();
        var insertsBefore = Total("replicaactors.commands", "insert");

        for (var i = 0; i < 25; i++) await OkAsync(member, "app", $"{{ insert: 'things', documents: [{{ _id: {i} }}] }}");
        await SendAsync(member, "app", "{ notACommand: 1 }");

        Assert.Equal(25, Total("replicaactors.commands", "insert") - insertsBefore);
        Assert.Equal(1, Total("replicaactors.commands", "other"));
        Assert.True(Total("replicaactors.journal.batch.entries") >= 25, $"journaled {Total("replicaactors.journal.batch.entries")} entries");
        Assert.Equal(1, Total("replicaactors.elections.won"));
        await AwaitAssertAsync(() =>
        {
            listener.RecordObservableInstruments();
            Assert.Equal((int)MemberState.Primary, _gauges.GetValueOrDefault("replicaactors.member.state/"));
            Assert.Equal(0, _gauges.GetValueOrDefault($"replicaactors.replication.lag/{Settings.Host}", -1));
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task What_the_wire_layer_asks_for_itself_is_served_but_not_counted()
    {
        using var listener = Listen();
        var member = await StartPrimaryAsync();
        var hellosBefore = Total("replicaactors.commands", "hello");

        var reply = await member.Ask<CommandReply>(new InternalCommand(new CommandRequest("admin", new MongoDB.Bson.BsonDocument("hello", 1))), TimeSpan.FromSeconds(10));
        await OkAsync(member, "admin", "{ hello: 1 }");

        Assert.True(reply.Ok, reply.Body.ToString());
        Assert.True(reply.Body["isWritablePrimary"].AsBoolean);
        Assert.Equal(1, Total("replicaactors.commands", "hello") - hellosBefore);
    }
}
