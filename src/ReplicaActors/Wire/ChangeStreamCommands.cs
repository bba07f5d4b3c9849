using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Wire;

/// <summary>
/// Change streams on the wire: <c>aggregate</c> with a first stage <c>$changeStream</c> opens a tailable cursor
/// (<see cref="ChangeStreamCursor"/>) on this member; <c>getMore</c> waits up to <c>maxAwaitTimeMS</c> for events;
/// <c>killCursors</c> and the idle sweep close it. Streams live on the member that opened them, as cursors do, and
/// read its committed oplog through one shared tail (<see cref="CommittedOplogTail"/>).
/// </summary>
public sealed class ChangeStreamCommands(MemberChannel member, WireSettings settings)
{
    private readonly Dictionary<long, ChangeStreamCursor> _streams = new();
    private readonly CommittedOplogTail _tail = new(member, settings.ChangeStreamCommitPollInterval, settings.ChangeStreamSharedTailEntries);
    private readonly Lock _lock = new();

    public async Task<BsonDocument> OpenAsync(WireRequest request, CancellationToken cancellationToken)
    {
        var spec = ChangeStreamSpec.Parse(request.Db, request.Command);
        var cursorSpec = request.Command.GetValue("cursor", new BsonDocument()) as BsonDocument
                         ?? throw new ReplicaException(ErrorCode.TypeMismatch, "'aggregate' takes 'cursor' as a document");
        var batchSize = BatchSize(cursorSpec, "aggregate");
        var commitPoint = await ReadableCommitPointAsync(request, cancellationToken).ConfigureAwait(false);
        _tail.Seed(commitPoint);
        var stream = new ChangeStreamCursor(NewId(), spec, commitPoint, _tail, settings.ChangeStreamRememberedDocuments, settings.MaxBatchBytes);
        if (spec.Start is not null) await stream.CheckStartAsync(cancellationToken).ConfigureAwait(false);
        var cursor = await stream.NextAsync("firstBatch", batchSize, TimeSpan.Zero, DateTime.UtcNow, cancellationToken).ConfigureAwait(false);
        if (!stream.Closed)
            lock (_lock) _streams[stream.Id] = stream;
        return CommandReply.Success(new BsonDocument("cursor", cursor)).Body;
    }

    /// <summary>The stream with this cursor id, if one is open here.</summary>
    public int Count
    {
        get
        {
            lock (_lock) return _streams.Count;
        }
    }

    public ChangeStreamCursor? Find(long id)
    {
        lock (_lock) return _streams.GetValueOrDefault(id);
    }

    public async Task<BsonDocument> GetMoreAsync(ChangeStreamCursor stream, WireRequest request, CancellationToken cancellationToken)
    {
        var command = request.Command;
        if (!command.TryGetValue("collection", out var collection) || !collection.IsString)
            throw new ReplicaException(ErrorCode.TypeMismatch, "'getMore' needs 'collection', the cursor's collection name");
        if ($"{request.Db}.{collection.AsString}" != stream.Spec.Scope.CursorNs)
            throw new ReplicaException(ErrorCode.Unauthorized, $"cursor id {stream.Id} belongs to {stream.Spec.Scope.CursorNs}, not {request.Db}.{collection.AsString}");
        var wait = settings.ChangeStreamAwait;
        if (command.TryGetValue("maxTimeMS", out var max) && !max.IsBsonNull)
        {
            if (!max.IsNumeric || max.ToDouble() < 0)
                throw new ReplicaException(ErrorCode.BadValue, $"'getMore': maxTimeMS must be a non-negative number of milliseconds, got {max}");
            wait = TimeSpan.FromMilliseconds(max.ToDouble());
        }
        BsonDocument cursor;
        try
        {
            cursor = await stream.NextAsync("nextBatch", BatchSize(command, "getMore"), wait, DateTime.UtcNow, cancellationToken).ConfigureAwait(false);
        }
        catch (ReplicaException e) when (e.Code != ErrorCode.ConflictingOperationInProgress)
        {
            // As mongod does: a getMore that fails ends its cursor (its history is gone, or a stage failed on an event
            // it has moved past), so a driver resumes from its last token or reports the error.
            Remove(stream.Id);
            throw;
        }
        if (stream.Closed) Remove(stream.Id);
        return CommandReply.Success(new BsonDocument("cursor", cursor)).Body;
    }

    /// <summary>Closes the streams among <paramref name="ids"/> (killCursors); returns the ids that were streams here.</summary>
    public List<long> Kill(IEnumerable<long> ids)
    {
        lock (_lock) return ids.Where(_streams.Remove).ToList();
    }

    /// <summary>Closes every stream no getMore has advanced for the idle timeout; returns how many.</summary>
    public int CloseIdle(DateTime now)
    {
        lock (_lock)
        {
            var idle = _streams.Values.Where(s => now - s.LastUsed >= settings.CursorIdleTimeout).Select(s => s.Id).ToList();
            foreach (var id in idle) _streams.Remove(id);
            return idle.Count;
        }
    }

    private void Remove(long id)
    {
        lock (_lock) _streams.Remove(id);
    }

    /// <summary>
    /// The member's commit point, where a stream with no start of its own begins, once the member may serve it: a
    /// primary, or a secondary when the read preference allows. Otherwise an error drivers resume from elsewhere.
    /// </summary>
    private async Task<OpTime> ReadableCommitPointAsync(WireRequest request, CancellationToken cancellationToken)
    {
        var status = await member.AskForItselfAsync("admin", new BsonDocument("replSetGetStatus", 1), cancellationToken).ConfigureAwait(false);
        if (!WireErrors.IsOk(status))
            throw new ReplicaException(ErrorCode.NotPrimaryOrSecondary, $"this member cannot serve a change stream: {status.GetValue("errmsg", "replSetGetStatus failed")}");
        var state = (MemberState)status["myState"].ToInt32();
        var mode = request.Command.GetValue("$readPreference", BsonNull.Value) is BsonDocument preference
            ? preference.GetValue("mode", "primary").ToString()
            : request.SecondaryOk ? "secondaryPreferred" : "primary";
        if (state == MemberState.Secondary && mode == "primary")
            throw new ReplicaException(ErrorCode.NotPrimaryNoSecondaryOk, "this member is SECONDARY and the change stream's read preference is primary");
        if (state is not (MemberState.Primary or MemberState.Secondary))
            throw new ReplicaException(ErrorCode.NotPrimaryOrSecondary, $"this member is {state.ToDisplay()}: change streams are served by a PRIMARY or SECONDARY");
        return OpTimeBson.FromBson(status["optimes"]["lastCommittedOpTime"].AsBsonDocument);
    }

    private long NewId()
    {
        lock (_lock)
        {
            long id;
            do id = Random.Shared.NextInt64(1, long.MaxValue);
            while (_streams.ContainsKey(id));
            return id;
        }
    }

    private static int? BatchSize(BsonDocument holder, string command)
    {
        if (!holder.TryGetValue("batchSize", out var value) || value.IsBsonNull) return null;
        if (!value.IsNumeric || value.ToDouble() < 0 || value.ToDouble() > int.MaxValue)
            throw new ReplicaException(ErrorCode.BadValue, $"'{command}': batchSize must be a non-negative number, got {value}");
        return value.ToInt32();
    }
}
