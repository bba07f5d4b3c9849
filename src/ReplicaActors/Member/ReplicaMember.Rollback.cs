using Akka.Actor;
using Akka.Event;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;

namespace ReplicaActors.Member;

/// <summary>One step of the search for the common point: does the sync source hold candidate <paramref name="Probe"/>?</summary>
internal sealed record RollbackProbe(int Low, int High, int Probe, bool Found, string? Error);

/// <summary>
/// Rollback: this member holds entries its sync source never got (it was primary, or followed one, when
/// they were written). It finds the newest entry both have, undoes everything after it in the store,
/// writes the undone documents to DBPATH/rollback/, and journals a marker that voids those entries.
/// Never past the majority commit point: w:majority writes are never rolled back.
/// </summary>
public sealed partial class ReplicaMember
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);
    private IReadOnlyList<OplogEntry> _rollbackCandidates = [];
    private int _rollbackSourceId;
    private int _rollbackBest;

    private void StartRollback(int sourceId, OpTime sourceOldest)
    {
        // The commit point this member knows may belong to the new branch (learned by heartbeat): it
        // bounds the undo below, not the search.
        var lower = sourceOldest;
        _rollbackCandidates = _window.From(lower);
        _rollbackSourceId = sourceId;
        _rollbackBest = -1;
        _log.Warning("rolling back: this member's newest entry {0} is not in member {1}'s oplog; searching {2} entries from {3} for the common point",
            _durable.LastOpTime, sourceId, _rollbackCandidates.Count, lower);
        Become(Rollback);
        ProbeNext(0, _rollbackCandidates.Count - 1);
    }

    /// <summary>Binary search: entries up to the common point are in the source's oplog, the ones after it are not.</summary>
    private void ProbeNext(int low, int high)
    {
        if (low > high)
        {
            FinishRollback();
            return;
        }
        var probe = (low + high) / 2;
        if (Config?.FindById(_rollbackSourceId) is not { } source)
        {
            GoRecovering("rollback abandoned: the sync source left the config");
            return;
        }
        MemberSelection(source.Host)
            .Ask<OplogBatch>(new FetchOplog(Me!.Id, _rollbackCandidates[probe].OpTime, _durable.Term), ProbeTimeout)
            .PipeTo(Self,
                success: batch => new RollbackProbe(low, high, probe, !batch.AfterNotFound, null),
                failure: e => new RollbackProbe(low, high, probe, false, e.Message));
    }

    private void OnRollbackProbe(RollbackProbe probe)
    {
        if (probe.Error is { } error)
        {
            GoRecovering($"rollback abandoned: the sync source did not answer ({error})");
            return;
        }
        if (probe.Found)
        {
            _rollbackBest = probe.Probe;
            ProbeNext(probe.Probe + 1, probe.High);
        }
        else
        {
            ProbeNext(probe.Low, probe.Probe - 1);
        }
    }

    private void FinishRollback()
    {
        if (_rollbackBest < 0)
        {
            GoRecovering("cannot roll back: no entry in this member's oplog window is shared with the sync source; a resync is needed");
            return;
        }
        var common = _rollbackCandidates[_rollbackBest];
        // Undoing a majority-committed entry of this member's own history would lose an acknowledged write.
        if (_commitPoint > common.OpTime && _window.After(_commitPoint, 0) is not null)
        {
            GoRecovering($"refusing to roll back past the majority commit point {_commitPoint} (common point {common.OpTime}); a resync is needed");
            return;
        }
        var undone = _store.RollbackTo(common.OpTime);
        var files = WriteRollbackFiles(undone);
        Persist(new RollbackApplied(common.OpTime, common.WallMillis), e =>
        {
            RolledBack(e);
            _lastIssued = e.CommonPoint.Ts;
            _positions.Remove(Me!.Id);
            LearnPosition(SelfPosition());
            _log.Warning("rolled back to {0}: {1} document(s) undone{2}", e.CommonPoint, undone.Values.Sum(d => d.Count),
                files.Count > 0 ? "; saved in " + string.Join(", ", files) : "");
            _infoMessage = null;
            _rollbackCandidates = [];
            BecomeSecondary();
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
