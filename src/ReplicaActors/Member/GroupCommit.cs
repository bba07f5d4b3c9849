using Akka.Actor;
using MongoDB.Bson;
using ReplicaActors.Consensus;
using ReplicaActors.Protocol;
using ReplicaActors.Storage;

namespace ReplicaActors.Member;

/// <summary>
/// A write waiting for the next batch: a client command, or (Request null) a no-op entry the member
/// writes itself. <paramref name="Concern"/> says when it counts as done; <paramref name="OnConcern"/>,
/// when given, is called then instead of replying.
/// </summary>
internal sealed record PendingWrite(
    CommandRequest? Request,
    IActorRef ReplyTo,
    BsonDocument? NoopMessage = null,
    WriteConcern? Concern = null,
    Action<WriteConcernProgress, CommandReply>? OnConcern = null);

/// <summary>
/// Group commit: one journal write is in flight at a time, and writes that arrive meanwhile wait for
/// the next batch. The in-flight batch's store transaction stays open until the journal has the
/// entries, so readers never see a change the journal could still lose.
/// </summary>
internal sealed class GroupCommit(int maxWritesPerBatch)
{
    private readonly Queue<PendingWrite> _queue = new();
    private StoreBatch? _inFlight;
    private IReadOnlyList<PendingWrite> _inFlightWrites = [];

    public bool IsIdle => _inFlight is null;

    public void Enqueue(PendingWrite write) => _queue.Enqueue(write);

    /// <summary>The writes for the next batch, oldest first.</summary>
    public List<PendingWrite> TakeNext()
    {
        var writes = new List<PendingWrite>(Math.Min(_queue.Count, maxWritesPerBatch));
        while (writes.Count < maxWritesPerBatch && _queue.TryDequeue(out var write)) writes.Add(write);
        return writes;
    }

    /// <summary>Every write still queued (the member stopped being primary).</summary>
    public List<PendingWrite> TakeAll()
    {
        var writes = _queue.ToList();
        _queue.Clear();
        return writes;
    }

    public void Begin(StoreBatch batch, IReadOnlyList<PendingWrite> writes)
    {
        if (_inFlight is not null) throw new InvalidOperationException("a batch is already in flight");
        _inFlight = batch;
        _inFlightWrites = writes;
    }

    /// <summary>The journal has the in-flight batch: commit its store transaction.</summary>
    public void Complete()
    {
        var batch = _inFlight ?? throw new InvalidOperationException("no batch is in flight");
        _inFlight = null;
        _inFlightWrites = [];
        batch.Commit();
        batch.Dispose();
    }

    /// <summary>
    /// The journal write failed or the member stopped: the store forgets the batch. Returns the writes left
    /// unanswered, in flight and queued, so that their clients hear why rather than wait for a timeout.
    /// </summary>
    public List<PendingWrite> Abandon()
    {
        _inFlight?.Dispose();
        _inFlight = null;
        var unanswered = _inFlightWrites.Concat(_queue).ToList();
        _inFlightWrites = [];
        _queue.Clear();
        return unanswered;
    }
}
