using System.Diagnostics.Metrics;
using ReplicaActors.Protocol;

namespace ReplicaActors.Wire;

/// <summary>
/// The wire listener's numbers on the meter named <see cref="ReplicaActorsMeter.Name"/>, tagged with the member's host as
/// the member's own are: open client connections, and open cursors (query cursors and change streams, by kind).
/// </summary>
internal sealed class WireMetrics : IDisposable
{
    private readonly Meter _meter = new(ReplicaActorsMeter.Name);

    public WireMetrics(string host, Func<int> connections, Func<int> queryCursors, Func<int> changeStreams)
    {
        var member = new KeyValuePair<string, object?>("member", host);
        _meter.CreateObservableUpDownCounter("replicaactors.wire.connections", () => new Measurement<int>(connections(), member),
            "{connection}", "Client connections open on the member's wire listener");
        _meter.CreateObservableUpDownCounter("replicaactors.wire.cursors",
            () => new[]
            {
                new Measurement<int>(queryCursors(), member, new("kind", "query")),
                new Measurement<int>(changeStreams(), member, new("kind", "change_stream")),
            },
            "{cursor}", "Cursors open on the member's wire listener, by kind");
    }

    public void Dispose() => _meter.Dispose();
}
