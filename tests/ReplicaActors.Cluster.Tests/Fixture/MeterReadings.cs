using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ReplicaActors.Protocol;

namespace ReplicaActors.Cluster.Tests.Fixture;

/// <summary>
/// The ReplicaActors meter as the members in this process publish it, by member host and the one other tag an
/// instrument has (or ""): counters summed from when this started, observable instruments as last read.
/// </summary>
public sealed class MeterReadings : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Instrument, string Member, string Tag), double> _values = new();

    public MeterReadings()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ReplicaActorsMeter.Name) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>A counter's total since this started.</summary>
    public double Total(string instrument, string member, string tag = "") => _values.GetValueOrDefault((instrument, member, tag));

    /// <summary>An observable instrument's value now, or -1 when it reports none for <paramref name="member"/>.</summary>
    public double Now(string instrument, string member, string tag = "")
    {
        _values.TryRemove((instrument, member, tag), out _);
        _listener.RecordObservableInstruments();
        return _values.GetValueOrDefault((instrument, member, tag), -1);
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string member = "", other = "";
        foreach (var tag in tags)
        {
            if (tag.Key == "member") member = tag.Value as string ?? "";
            else other = tag.Value as string ?? "";
        }
        var key = (instrument.Name, member, other);
        if (instrument.IsObservable) _values[key] = value;
        else _values.AddOrUpdate(key, value, (_, total) => total + value);
    }

    public void Dispose() => _listener.Dispose();
}
