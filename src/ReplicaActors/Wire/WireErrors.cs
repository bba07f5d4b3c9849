using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.Wire;

/// <summary>Errors as MongoDB shapes them on the wire, and the labels drivers act on.</summary>
public static class WireErrors
{
    public const string RetryableWriteError = "RetryableWriteError";

    /// <summary>
    /// The codes after which a retryable write may be retried (the server's RetriableError category as the
    /// retryable-writes spec lists it: network, not-primary, stepdown and shutdown errors).
    /// </summary>
    private static readonly HashSet<int> RetryableCodes = [6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436];

    public static BsonDocument Error(ErrorCode code, string message) => CommandReply.Error(code, message).Body;

    /// <summary>
    /// Adds <c>RetryableWriteError</c> where mongod would: on a retryable write whose error, or whose write concern
    /// error, is in the retryable category. Drivers talking to a 4.4+ server trust only the server's label.
    /// </summary>
    public static BsonDocument Labelled(BsonDocument reply, bool retryableWrite)
    {
        if (!retryableWrite) return reply;
        var ok = reply.TryGetValue("ok", out var value) && value.IsNumeric && value.ToDouble() == 1.0;
        var code = !ok && reply.TryGetValue("code", out var c) && c.IsNumeric ? c.ToInt32()
            : reply.TryGetValue("writeConcernError", out var wce) && wce is BsonDocument concern && concern.TryGetValue("code", out var wc) && wc.IsNumeric ? wc.ToInt32()
            : (int?)null;
        if (code is not { } found || !RetryableCodes.Contains(found)) return reply;
        var labelled = new BsonDocument(reply);
        var labels = labelled.TryGetValue("errorLabels", out var existing) && existing.IsBsonArray ? existing.AsBsonArray : new BsonArray();
        if (!labels.Contains(RetryableWriteError)) labels.Add(RetryableWriteError);
        labelled["errorLabels"] = labels;
        return labelled;
    }

    public const string ResumableChangeStreamError = "ResumableChangeStreamError";

    /// <summary>
    /// The codes after which a driver resumes a change stream on any member (the change streams spec's list, which
    /// mongod 4.4+ turns into the <c>ResumableChangeStreamError</c> label drivers act on): network, not-primary,
    /// shutdown and cursor-lost errors.
    /// </summary>
    private static readonly HashSet<int> ResumableChangeStreamCodes =
        [6, 7, 43, 63, 89, 91, 133, 150, 189, 234, 262, 9001, 10107, 11600, 11602, 13388, 13435, 13436];

    /// <summary>Adds <c>ResumableChangeStreamError</c> to an error of a change stream's aggregate or getMore whose code says "try another member".</summary>
    public static BsonDocument LabelledForChangeStream(BsonDocument reply)
    {
        if (IsOk(reply) || !reply.TryGetValue("code", out var code) || !code.IsNumeric || !ResumableChangeStreamCodes.Contains(code.ToInt32())) return reply;
        var labelled = new BsonDocument(reply);
        var labels = labelled.TryGetValue("errorLabels", out var existing) && existing.IsBsonArray ? existing.AsBsonArray : new BsonArray();
        if (!labels.Contains(ResumableChangeStreamError)) labels.Add(ResumableChangeStreamError);
        labelled["errorLabels"] = labels;
        return labelled;
    }

    public static bool IsOk(BsonDocument reply) => reply.TryGetValue("ok", out var ok) && ok.IsNumeric && ok.ToDouble() == 1.0;
}
