using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Wire;

/// <summary>
/// Causal consistency on the wire: <c>operationTime</c> and an unsigned <c>$clusterTime</c> on replies, and
/// <c>readConcern.afterClusterTime</c> waits before a read reaches the member. The times are the member's oplog
/// timestamps (terms are not part of a cluster time, as in MongoDB).
/// </summary>
public sealed class ClusterTime(MemberChannel member, TimeSpan pollInterval)
{
    /// <summary>Drivers start gossiping once a reply has this; unauthenticated mongod sends the same zero signature.</summary>
    private static readonly BsonDocument UnsignedSignature = new()
    {
        { "hash", new BsonBinaryData(new byte[20], BsonBinarySubType.Binary) },
        { "keyId", 0L },
    };

    private readonly Lock _lock = new();

    /// <summary>Callers waiting for a hello not sent yet; the next one sent answers them all.</summary>
    private TaskCompletionSource<BsonTimestamp?>? _waiting;

    private bool _asking;

    /// <summary>
    /// The newest oplog timestamp the member holds, from a hello sent after the call: at or past any write the
    /// command made and anything a read saw, and already in this member's oplog, so a later wait for it ends.
    /// Concurrent callers share one hello, so the question costs the member one message per round, not per command.
    /// Null before the member has a config.
    /// </summary>
    public Task<BsonTimestamp?> OperationTimeAsync()
    {
        lock (_lock)
        {
            _waiting ??= new TaskCompletionSource<BsonTimestamp?>(TaskCreationOptions.RunContinuationsAsynchronously);
            var task = _waiting.Task;
            if (!_asking)
            {
                _asking = true;
                _ = AskWhileWaitingAsync();
            }
            return task;
        }
    }

    private async Task AskWhileWaitingAsync()
    {
        while (true)
        {
            TaskCompletionSource<BsonTimestamp?> answering;
            lock (_lock)
            {
                if (_waiting is null)
                {
                    _asking = false;
                    return;
                }
                answering = _waiting;
                _waiting = null;
            }
            try
            {
                var hello = await member.AskForItselfAsync("admin", new BsonDocument("hello", 1)).ConfigureAwait(false);
                answering.SetResult(hello.GetValue("lastWrite", BsonNull.Value) is BsonDocument lastWrite
                                    && lastWrite.GetValue("opTime", BsonNull.Value) is BsonDocument opTime
                                    && opTime.GetValue("ts", BsonNull.Value) is BsonTimestamp ts
                    ? ts
                    : null);
            }
            catch (Exception e)
            {
                answering.SetException(e);
            }
        }
    }

    /// <summary>Adds <c>operationTime</c> and <c>$clusterTime</c> (both <paramref name="time"/>) to a reply.</summary>
    public static BsonDocument Stamped(BsonDocument reply, BsonTimestamp time)
    {
        var stamped = new BsonDocument(reply)
        {
            ["operationTime"] = time,
            ["$clusterTime"] = new BsonDocument { { "clusterTime", time }, { "signature", UnsignedSignature.DeepClone() } },
        };
        return stamped;
    }

    /// <summary>The <c>afterClusterTime</c> a command's read concern names, or null; a malformed one is the client's error.</summary>
    public static BsonTimestamp? AfterClusterTime(BsonDocument command)
    {
        if (!command.TryGetValue("readConcern", out var rc)) return null;
        if (rc is not BsonDocument readConcern)
            throw new ReplicaException(ErrorCode.TypeMismatch, "readConcern must be a document");
        if (!readConcern.TryGetValue("afterClusterTime", out var after)) return null;
        return after as BsonTimestamp
               ?? throw new ReplicaException(ErrorCode.TypeMismatch, $"readConcern.afterClusterTime must be a Timestamp, not {after.BsonType}");
    }

    /// <summary>
    /// Returns once the member has applied (for majority and snapshot reads: majority-committed) an oplog entry at
    /// or past <paramref name="after"/>. As mongod, it waits only as long as the client asked: until the command's
    /// <c>maxTimeMS</c> (then <see cref="ErrorCode.MaxTimeMSExpired"/>), or without a limit when it names none (or 0),
    /// until <paramref name="cancellationToken"/> says the client hung up or the member is stopping.
    /// </summary>
    public async Task WaitForAsync(BsonDocument command, BsonTimestamp after, CancellationToken cancellationToken)
    {
        var majority = command["readConcern"].AsBsonDocument.GetValue("level", "local") is BsonString { Value: "majority" or "snapshot" or "linearizable" };
        var limit = MaxTime(command);
        var deadline = limit is { } wait ? DateTime.UtcNow + wait : DateTime.MaxValue;
        var field = majority ? "lastCommittedOpTime" : "appliedOpTime";
        while (true)
        {
            var status = await member.AskForItselfAsync("admin", new BsonDocument("replSetGetStatus", 1), cancellationToken).ConfigureAwait(false);
            var reached = new CommandReply(status).EnsureOk()["optimes"][field]["ts"].AsBsonTimestamp;
            if (reached >= after) return;
            if (DateTime.UtcNow >= deadline)
                throw new ReplicaException(ErrorCode.MaxTimeMSExpired,
                    $"readConcern.afterClusterTime {Show(after)} was not reached within the command's maxTimeMS ({limit!.Value.TotalMilliseconds:0.###} ms): this member's {(majority ? "majority-committed" : "applied")} optime is at {Show(reached)}");
            // The member announces no optime progress to the wire layer, so a waiting read looks again after a short pause.
            await Task.Delay(pollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The command's <c>maxTimeMS</c>, or null for none (absent, or 0 as mongod reads it).</summary>
    private static TimeSpan? MaxTime(BsonDocument command)
    {
        if (!command.TryGetValue("maxTimeMS", out var max) || max.IsBsonNull) return null;
        if (!max.IsNumeric || max.ToDouble() < 0 || max.ToDouble() > int.MaxValue)
            throw new ReplicaException(ErrorCode.BadValue, $"maxTimeMS must be a number of milliseconds from 0 (no limit) to {int.MaxValue}, got {max}");
        return max.ToDouble() == 0 ? null : TimeSpan.FromMilliseconds(max.ToDouble());
    }

    private static string Show(BsonTimestamp ts) => $"Timestamp({ts.Timestamp}, {ts.Increment})";
}
