using System.Diagnostics;
using System.Diagnostics.Metrics;
using ReplicaActors.Consensus;
using ReplicaActors.Protocol;

namespace ReplicaActors.Member;

/// <summary>What the gauges show, as the member last published it (the actor's state is not read from another thread).</summary>
/// <param name="InitialSyncFraction">How much of a running initial sync's clone is done (0..1); null when none runs.</param>
internal sealed record MetricsSnapshot(MemberState State, IReadOnlyDictionary<string, double> LagSeconds, double OplogWindowSeconds, double? InitialSyncFraction)
{
    public static readonly MetricsSnapshot Empty = new(MemberState.Startup, new Dictionary<string, double>(), 0, null);
}

/// <summary>
/// One member's numbers on the <c>System.Diagnostics.Metrics</c> meter named <see cref="ReplicaActorsMeter.Name"/>, each tagged with the
/// member's host (several members may share a process): commands by name, write-concern waits, journal batches,
/// applied entries, elections, step-downs, rollbacks, and documents and collections an initial sync cloned; and as gauges
/// its state, each member's replication lag behind the newest member it knows of, its oplog window, and a running
/// initial sync's progress. OpenTelemetry and <c>dotnet-counters</c> read the meter by name.
/// </summary>
internal sealed class MemberMetrics : IDisposable
{
    private readonly Meter _meter = new(ReplicaActorsMeter.Name);
    private readonly KeyValuePair<string, object?> _member;
    private readonly Counter<long> _commands;
    private readonly Histogram<double> _writeConcernWait;
    private readonly Histogram<long> _journalBatchEntries;
    private readonly Histogram<double> _journalBatchDuration;
    private readonly Counter<long> _applied;
    private readonly Counter<long> _electionsStarted;
    private readonly Counter<long> _electionsWon;
    private readonly Counter<long> _stepDowns;
    private readonly Counter<long> _rollbacks;
    private readonly Counter<long> _initialSyncDocuments;
    private readonly Counter<long> _initialSyncCollections;
    private volatile MetricsSnapshot _snapshot = MetricsSnapshot.Empty;

    public MemberMetrics(string host)
    {
        _member = new("member", host);
        _commands = _meter.CreateCounter<long>("replicaactors.commands", "{command}", "Commands received, by name");
        _writeConcernWait = _meter.CreateHistogram<double>("replicaactors.write_concern.wait", "ms", "How long acknowledged writes waited for their write concern after they were journaled");
        _journalBatchEntries = _meter.CreateHistogram<long>("replicaactors.journal.batch.entries", "{entry}", "Oplog entries per journal write of the primary's group commit");
        _journalBatchDuration = _meter.CreateHistogram<double>("replicaactors.journal.batch.duration", "ms", "How long one journal write of the group commit took");
        _applied = _meter.CreateCounter<long>("replicaactors.oplog.applied", "{entry}", "Oplog entries a secondary applied to its store");
        _electionsStarted = _meter.CreateCounter<long>("replicaactors.elections.started", "{election}", "Elections this member stood in");
        _electionsWon = _meter.CreateCounter<long>("replicaactors.elections.won", "{election}", "Elections this member won (it took writes)");
        _stepDowns = _meter.CreateCounter<long>("replicaactors.stepdowns", "{stepdown}", "Times this member stopped being primary");
        _rollbacks = _meter.CreateCounter<long>("replicaactors.rollbacks", "{rollback}", "Rollbacks this member finished");
        _initialSyncDocuments = _meter.CreateCounter<long>("replicaactors.initial_sync.documents", "{document}", "Documents initial sync attempts cloned from their source");
        _initialSyncCollections = _meter.CreateCounter<long>("replicaactors.initial_sync.collections", "{collection}", "Collections initial sync attempts finished cloning");
        _meter.CreateObservableGauge("replicaactors.initial_sync.progress",
            () => _snapshot.InitialSyncFraction is { } fraction ? [new Measurement<double>(fraction, _member)] : Array.Empty<Measurement<double>>(),
            description: "How much of a running initial sync's clone is done, 0 to 1 (bytes copied of the source's bytes); absent when none runs");
        _meter.CreateObservableGauge("replicaactors.member.state", () => new Measurement<int>((int)_snapshot.State, _member),
            description: "The member's state, as MongoDB numbers them (1 PRIMARY, 2 SECONDARY, ...)");
        _meter.CreateObservableGauge("replicaactors.replication.lag",
            () => _snapshot.LagSeconds.Select(lag => new Measurement<double>(lag.Value, _member, new("peer", lag.Key))),
            "s", "How far each member's applied oplog is behind the newest member this one knows of");
        _meter.CreateObservableGauge("replicaactors.oplog.window", () => new Measurement<double>(_snapshot.OplogWindowSeconds, _member),
            "s", "The time between the oldest and the newest entry of the member's oplog");
    }

    /// <summary>Counts a command; names outside the catalog count as "other", so a client cannot grow the tag set.</summary>
    public void Command(string name) =>
        _commands.Add(1, _member, new("command", CommandCatalog.Names.Contains(name) ? name : "other"));

    public void WriteConcernWaited(long startedTimestamp) =>
        _writeConcernWait.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalMilliseconds, _member);

    public void JournalBatch(int entries, long startedTimestamp)
    {
        _journalBatchEntries.Record(entries, _member);
        _journalBatchDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalMilliseconds, _member);
    }

    public void Applied(int entries) => _applied.Add(entries, _member);

    public void ElectionStarted() => _electionsStarted.Add(1, _member);

    public void ElectionWon() => _electionsWon.Add(1, _member);

    public void SteppedDown() => _stepDowns.Add(1, _member);

    public void RolledBack() => _rollbacks.Add(1, _member);

    /// <summary>An initial sync attempt's clone went from <paramref name="before"/> to <paramref name="after"/> (a new attempt starts from none).</summary>
    public void InitialSyncCopied(InitialSyncProgress before, InitialSyncProgress after)
    {
        if (after.DocumentsCopied > before.DocumentsCopied) _initialSyncDocuments.Add(after.DocumentsCopied - before.DocumentsCopied, _member);
        if (after.CollectionsCloned > before.CollectionsCloned) _initialSyncCollections.Add(after.CollectionsCloned - before.CollectionsCloned, _member);
    }

    public void Publish(MetricsSnapshot snapshot) => _snapshot = snapshot;

    public void Dispose() => _meter.Dispose();
}
