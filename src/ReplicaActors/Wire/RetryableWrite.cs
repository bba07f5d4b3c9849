using MongoDB.Bson;

namespace ReplicaActors.Wire;

/// <summary>
/// A driver's retryable write carries its session (<c>lsid</c>) and a per-session <c>txnNumber</c>, the same on
/// the retry as on the first try. Both together become the member's <c>writeId</c>, which the member records
/// with the write's oplog entries, so the retry is recognised on whichever member is primary by then.
/// </summary>
public static class RetryableWrite
{
    /// <summary>The write id for a command, or null when it is no retryable write (no session or no txnNumber).</summary>
    public static BsonValue? WriteId(BsonDocument command) =>
        command.TryGetValue("lsid", out var lsid) && lsid is BsonDocument session && session.TryGetValue("id", out var id)
        && command.TryGetValue("txnNumber", out var txn) && txn.IsNumeric
            ? new BsonDocument { { "lsid", id }, { "txnNumber", txn.ToInt64() } }
            : null;

    /// <summary>Whether the command is a retryable write (the driver will retry it once on a labelled error).</summary>
    public static bool IsRetryable(BsonDocument command) => WriteId(command) is not null && !command.Contains("autocommit");
}
