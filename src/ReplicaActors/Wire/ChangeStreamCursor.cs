using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Wire;

/// <summary>
/// One open change stream: it reads the local member's majority-committed oplog from the newest entry it has passed,
/// from the listener's shared <see cref="CommittedOplogTail"/> where that holds its position, else (a resume point
/// older than the tail holds) with its own <see cref="FetchOplog"/> as a secondary tails its sync source, releasing
/// only entries at or below the commit point the answer carries, so a watcher never sees a write that could be
/// rolled back. Entries past the commit point are fetched again once it moves, never kept, so nothing released
/// depends on them. The position only moves forward over every entry in order, so no event is skipped or sent twice.
/// </summary>
public sealed class ChangeStreamCursor
{
    private readonly CommittedOplogTail _tail;
    private readonly ChangeEventShaper _shaper;
    private readonly long _maxBatchBytes;
    private readonly Queue<ChangeEvent> _ready = new();
    private readonly SemaphoreSlim _busy = new(1, 1);
    private OpTime _after;
    private Timestamp? _startAt;
    private ResumeToken _resumeToken;
    private bool _invalidated;
    private Task<OplogBatch>? _fetch;

    /// <param name="startAfter">The newest oplog entry before the stream (the commit point when the client names no start).</param>
    public ChangeStreamCursor(long id, ChangeStreamSpec spec, OpTime startAfter, CommittedOplogTail tail, int rememberedDocuments, long maxBatchBytes)
    {
        Id = id;
        Spec = spec;
        _tail = tail;
        _shaper = new ChangeEventShaper(spec.Scope, spec.FullDocument, rememberedDocuments);
        _maxBatchBytes = maxBatchBytes;
        switch (spec.Start)
        {
            case null:
                _after = startAfter;
                _resumeToken = new ResumeToken(ResumeTokenKind.After, startAfter);
                break;
            case { Kind: ResumeTokenKind.StartAt } start:
                _after = OpTime.Null;
                _startAt = start.OpTime.Ts;
                _resumeToken = start;
                break;
            case var token:
                _after = token.OpTime;
                _resumeToken = token;
                if (token.Kind == ResumeTokenKind.Invalidating)
                {
                    _ready.Enqueue(ChangeEventShaper.Invalidate(token.OpTime, null));
                    _invalidated = true;
                }
                break;
        }
    }

    public long Id { get; }

    public ChangeStreamSpec Spec { get; }

    public DateTime LastUsed { get; private set; } = DateTime.UtcNow;

    /// <summary>Whether the stream was invalidated and has handed out its last event: the cursor is done.</summary>
    public bool Closed => _invalidated && _ready.Count == 0;

    /// <summary>
    /// Reads once from the stream's start, so a resume point this member's oplog no longer holds fails the
    /// <c>aggregate</c> that names it (<see cref="ErrorCode.ChangeStreamHistoryLost"/>) rather than a later getMore.
    /// </summary>
    public async Task CheckStartAsync(CancellationToken cancellationToken)
    {
        if (_invalidated) return;
        var batch = await _tail.FetchAsync(_after, cancellationToken).ConfigureAwait(false);
        Take(batch);
    }

    /// <summary>
    /// The next batch: the events ready, else whatever arrives within <paramref name="maxAwait"/>, at most
    /// <paramref name="batchSize"/> of them (null: as many as fit the byte limit). Returns the cursor document for
    /// <paramref name="field"/> (<c>firstBatch</c> or <c>nextBatch</c>), with the <c>postBatchResumeToken</c>.
    /// </summary>
    public async Task<BsonDocument> NextAsync(string field, int? batchSize, TimeSpan maxAwait, DateTime now, CancellationToken cancellationToken)
    {
        if (!await _busy.WaitAsync(0, cancellationToken).ConfigureAwait(false))
            throw new ReplicaException(ErrorCode.ConflictingOperationInProgress, $"change stream cursor {Id} is already serving a getMore");
        try
        {
            LastUsed = now;
            var deadline = DateTime.UtcNow + maxAwait;
            while (_ready.Count == 0 && !_invalidated && batchSize != 0)
            {
                var remaining = deadline - DateTime.UtcNow;
                if (remaining <= TimeSpan.Zero) break;
                if (_fetch is null)
                {
                    var read = await _tail.ReadAsync(_after, remaining, cancellationToken).ConfigureAwait(false);
                    if (!read.Outside)
                    {
                        Release(read.Entries);
                        continue;
                    }
                }
                // A fetch the member parked outlives a short getMore: the next one picks up its answer.
                _fetch ??= _tail.FetchAsync(_after, CancellationToken.None);
                if (await Task.WhenAny(_fetch, Task.Delay(remaining, cancellationToken)).ConfigureAwait(false) != _fetch) break;
                var fetch = _fetch;
                _fetch = null;
                if (!Take(await fetch.ConfigureAwait(false)))
                {
                    // The member does not announce commit-point progress to the wire layer: look again shortly.
                    var pause = remaining < _tail.CommitPollInterval ? remaining : _tail.CommitPollInterval;
                    await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
                }
            }
            var events = new BsonArray();
            long bytes = 0;
            while (_ready.Count > 0 && (batchSize is not { } limit || events.Count < limit))
            {
                var size = _ready.Peek().Document.ToBson().Length;
                if (events.Count > 0 && bytes + size > _maxBatchBytes) break;
                var next = _ready.Dequeue();
                bytes += size;
                events.Add(next.Document);
                _resumeToken = next.Token;
            }
            if (_ready.Count == 0 && !_invalidated)
                _resumeToken = _startAt is { } at ? new ResumeToken(ResumeTokenKind.StartAt, new OpTime(at, OpTime.Null.Term)) : new ResumeToken(ResumeTokenKind.After, _after);
            LastUsed = DateTime.UtcNow;
            return new BsonDocument
            {
                { field, events },
                { "id", Closed ? 0L : Id },
                { "ns", Spec.Scope.CursorNs },
                { "postBatchResumeToken", _resumeToken.ToBson() },
            };
        }
        finally
        {
            _busy.Release();
        }
    }

    /// <summary>
    /// Takes a fetch's answer: releases its entries up to the commit point, shaping and matching their events.
    /// False when it held entries but none was majority-committed yet (look again after a pause).
    /// </summary>
    private bool Take(OplogBatch batch)
    {
        if (batch.AfterNotFound)
        {
            // Read from the start and the oldest entries are gone: a startAtOperationTime still inside the oplog reads from its oldest entry.
            if (_after.IsNull && _startAt is { } at && !batch.SourceOldest.IsNull && batch.SourceOldest.Ts < at)
            {
                _after = batch.SourceOldest;
                return true;
            }
            throw Lost(batch);
        }
        return Release(batch.Entries.TakeWhile(entry => entry.OpTime <= batch.CommitPoint).ToList()) || batch.Entries.Count == 0;
    }

    /// <summary>Passes majority-committed entries, the next after the stream's position and in order, through the stream. False when there were none.</summary>
    private bool Release(IReadOnlyList<OplogEntry> committed)
    {
        var released = false;
        foreach (var entry in committed)
        {
            _after = entry.OpTime;
            released = true;
            var events = _shaper.Shape(entry);
            if (_startAt is { } start)
            {
                if (entry.OpTime.Ts < start) continue;
                _startAt = null;
            }
            foreach (var change in events)
            {
                var invalidate = change.Token.Kind == ResumeTokenKind.Invalidate;
                // The invalidate goes out as it is, past the stages, as in mongod: it tells the driver the stream is over.
                if (invalidate) _ready.Enqueue(change);
                else if (Spec.Stages.Apply(change.Document, change.Token) is { } shaped) _ready.Enqueue(change with { Document = shaped });
                _invalidated |= invalidate;
            }
            if (_invalidated) return true;
        }
        return released;
    }

    private ReplicaException Lost(OplogBatch batch)
    {
        // A stream reads the member's oplog after an entry it holds, so the oldest entry's own events are out of reach too.
        if (_after.IsNull)
            return new ReplicaException(ErrorCode.ChangeStreamHistoryLost,
                $"cannot start this change stream: startAtOperationTime {_startAt} is not after {batch.SourceOldest.Ts}, the oldest entry this member's oplog still holds; start after it");
        if (_after < batch.SourceOldest)
            return new ReplicaException(ErrorCode.ChangeStreamHistoryLost,
                $"cannot resume this change stream: the resume point {_after} is no longer in this member's oplog (its oldest entry is {batch.SourceOldest})");
        return new ReplicaException(ErrorCode.ChangeStreamFatalError,
            $"cannot resume this change stream: the resume point {_after} is not in this member's oplog (not a majority-committed entry of this replica set)");
    }
}
