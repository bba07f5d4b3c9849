using Akka.Actor;
using Akka.Event;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using ReplicaActors.Consensus;
using ReplicaActors.Member.Core;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;

namespace ReplicaActors.Member;

/// <summary>
/// Rollback: this member holds entries its sync source never got (it was primary, or followed one, when
/// they were written). It finds the newest entry both have, undoes everything after it in the store,
/// writes the undone documents to DBPATH/rollback/, and journals a marker that voids those entries.
/// Never past the majority commit point: w:majority writes are never rolled back. The search and the
/// retries are the tailing flow's (<see cref="Tailing"/>): a rollback that cannot finish sends the member
/// RECOVERING, from where it tries again (another source, after a pause).
/// </summary>
public sealed partial class ReplicaMember
{
    /// <summary>
    /// The common point is found (<see cref="Tailing"/>): undo what follows it in the store, save the undone documents,
    /// journal the rollback, and rejoin. A store that refuses (its undo history no longer reaches the common point)
    /// changed nothing, and the member goes RECOVERING to try again.
    /// </summary>
    private void RollBackTo(OplogEntry common, int sourceId)
    {
        IReadOnlyDictionary<Namespace, IReadOnlyList<BsonDocument>> undone;
        try
        {
            undone = _store.RollbackTo(common.OpTime);
        }
        catch (ReplicaException e)
        {
            Replicate(_tailing.RollbackFailed(DateTimeOffset.UtcNow, e.Message, sourceId));
            return;
        }
        var files = WriteRollbackFiles(undone);
        Persist(new RollbackApplied(common.OpTime, common.WallMillis), e =>
        {
            RolledBack(e);
            _metrics.RolledBack();
            _lastIssued = e.CommonPoint.Ts;
            _positions.Forget(Me!.Id);
            LearnPosition(SelfPosition());
            _log.Warning("rolled back to {0}: {1} document(s) undone{2}", e.CommonPoint, undone.Values.Sum(d => d.Count),
                files.Count > 0 ? "; saved in " + string.Join(", ", files) : "");
            Replicate(_tailing.Rejoin($"rolled back to {e.CommonPoint}"));
        });
    }

    /// <summary>One JSON file per collection, so an operator can see and re-apply what was undone.</summary>
    private List<string> WriteRollbackFiles(IReadOnlyDictionary<Namespace, IReadOnlyList<BsonDocument>> undone)
    {
        var written = new List<string>();
        if (undone.Count == 0) return written;
        var folder = Path.Combine(Path.GetFullPath(_settings.DbPath), "rollback");
        Directory.CreateDirectory(folder);
        var stamp = DateTimeOffset.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'");
        var settings = new JsonWriterSettings { OutputMode = JsonOutputMode.RelaxedExtendedJson, Indent = true };
        foreach (var (ns, documents) in undone)
        {
            var path = Path.Combine(folder, $"{ns.Full}.{stamp}.json");
            File.WriteAllText(path, new BsonArray(documents).ToJson(settings));
            written.Add(path);
        }
        return written;
    }
}
