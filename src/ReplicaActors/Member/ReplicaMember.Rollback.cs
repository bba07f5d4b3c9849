using Akka.Actor;
using Akka.Event;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using ReplicaActors.Consensus;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;

namespace ReplicaActors.Member;

/// <summary>The sync source's answer to one step of the common-point search: whether it holds the probed candidate.</summary>
internal sealed record RollbackProbe(RollbackSearch Search, bool Holds, string? Error);

/// <summary>
/// Rollback: this member holds entries its sync source never got (it was primary, or followed one, when
/// they were written). It finds the newest entry both have, undoes everything after it in the store,
/// writes the undone documents to DBPATH/rollback/, and journals a marker that voids those entries.
/// Never past the majority commit point: w:majority writes are never rolled back. A rollback that cannot
/// finish sends the member RECOVERING, from where it tries again (another source, after a pause).
/// </summary>
public sealed partial class ReplicaMember
{
    private IReadOnlyList<OplogEntry> _rollbackCandidates = [];
    private int _rollbackSourceId;

    private void StartRollback(int sourceId, OpTime sourceOldest)
    {
        // The commit point this member knows may belong to the new branch (learned by heartbeat): it
        // bounds the undo below, not the search.
        var lower = sourceOldest;
        _rollbackCandidates = _window.From(lower);
        _rollbackSourceId = sourceId;
        _log.Warning("rolling back: this member's newest entry {0} is not in member {1}'s oplog; searching {2} entries from {3} for the common point",
            _durable.LastOpTime, sourceId, _rollbackCandidates.Count, lower);
        Become(Rollback);
        ProbeNext(RollbackSearch.Over(_rollbackCandidates.Count));
    }

    private void ProbeNext(RollbackSearch search)
    {
        if (search.Done)
        {
            FinishRollback(search.Best);
            return;
        }
        if (Config?.FindById(_rollbackSourceId) is not { } source)
        {
            GoRecovering("rollback abandoned: the sync source left the config", _rollbackSourceId);
            return;
        }
        var probed = _rollbackCandidates[search.Probe].OpTime;
        MemberSelection(source.Host)
            .Ask<OplogBatch>(new FetchOplog(Me!.Id, probed, _durable.Term), _settings.Recovery.RollbackProbeTimeout)
            .PipeTo(Self,
                success: batch => new RollbackProbe(search, batch.Holds(probed), null),
                failure: e => new RollbackProbe(search, false, e.Message));
    }

    private void OnRollbackProbe(RollbackProbe probe)
    {
        if (probe.Error is { } error)
        {
            GoRecovering($"rollback abandoned: the sync source did not answer ({error})", _rollbackSourceId);
            return;
        }
        ProbeNext(probe.Search.Record(probe.Search.Probe, probe.Holds));
    }

    private void FinishRollback(int best)
    {
        if (best < 0)
        {
            GoRecovering("cannot roll back: no entry in this member's oplog window is shared with the sync source; a resync is needed", _rollbackSourceId);
            return;
        }
        var common = _rollbackCandidates[best];
        // Undoing a majority-committed entry of this member's own history would lose an acknowledged write.
        if (_commitPoint > common.OpTime && _window.After(_commitPoint, 0) is not null)
        {
            GoRecovering($"refusing to roll back past the majority commit point {_commitPoint} (common point {common.OpTime}); a resync is needed", _rollbackSourceId);
            return;
        }
        IReadOnlyDictionary<Namespace, IReadOnlyList<BsonDocument>> undone;
        try
        {
            undone = _store.RollbackTo(common.OpTime);
        }
        catch (ReplicaException e)
        {
            // The store refused (its undo history no longer reaches the common point) and changed nothing.
            GoRecovering(e.Message, _rollbackSourceId);
            return;
        }
        var files = WriteRollbackFiles(undone);
        Persist(new RollbackApplied(common.OpTime, common.WallMillis), e =>
        {
            RolledBack(e);
            _lastIssued = e.CommonPoint.Ts;
            _positions.Forget(Me!.Id);
            LearnPosition(SelfPosition());
            _log.Warning("rolled back to {0}: {1} document(s) undone{2}", e.CommonPoint, undone.Values.Sum(d => d.Count),
                files.Count > 0 ? "; saved in " + string.Join(", ", files) : "");
            _rollbackCandidates = [];
            Rejoined();
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
