using Akka.Actor;
using Akka.Event;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using ReplicaActors.Consensus;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;

namespace ReplicaActors.Member;

/// <summary>The sync source's answer to one step of <paramref name="Run"/>'s common-point search: whether it holds the probed candidate.</summary>
internal sealed record RollbackProbe(RollbackRun Run, bool Holds, string? Error);

/// <summary>
/// Rollback: this member holds entries its sync source never got (it was primary, or followed one, when
/// they were written). It finds the newest entry both have, undoes everything after it in the store,
/// writes the undone documents to DBPATH/rollback/, and journals a marker that voids those entries.
/// Never past the majority commit point: w:majority writes are never rolled back. A rollback that cannot
/// finish sends the member RECOVERING, from where it tries again (another source, after a pause).
/// </summary>
public sealed partial class ReplicaMember
{
    private RollbackRun? _rollback;

    private void StartRollback(int sourceId, OpTime sourceOldest)
    {
        // The commit point this member knows may belong to the new branch (learned by heartbeat): it
        // bounds the undo below, not the search.
        var run = RollbackRun.Start(sourceId, _window.From(sourceOldest));
        _log.Warning("rolling back: this member's newest entry {0} is not in member {1}'s oplog; searching {2} entries from {3} for the common point",
            _durable.LastOpTime, sourceId, run.Candidates.Count, sourceOldest);
        Become(Rollback);
        ProbeNext(run);
    }

    private void ProbeNext(RollbackRun run)
    {
        _rollback = run;
        if (run.NextProbe is not { } probed)
        {
            FinishRollback(run);
            return;
        }
        if (Config?.FindById(run.SourceId) is not { } source)
        {
            GoRecovering("rollback abandoned: the sync source left the config", run.SourceId);
            return;
        }
        MemberSelection(source.Host)
            .Ask<OplogBatch>(new FetchOplog(Me!.Id, probed, _durable.Term), _settings.Recovery.RollbackProbeTimeout)
            .PipeTo(Self,
                success: batch => new RollbackProbe(run, batch.Holds(probed), null),
                failure: e => new RollbackProbe(run, false, e.Message));
    }

    private void OnRollbackProbe(RollbackProbe probe)
    {
        // An answer to an earlier rollback's probe, come after that rollback ended.
        if (!ReferenceEquals(probe.Run, _rollback)) return;
        if (probe.Error is { } error)
        {
            GoRecovering($"rollback abandoned: the sync source did not answer ({error})", probe.Run.SourceId);
            return;
        }
        ProbeNext(probe.Run.Record(probe.Holds));
    }

    private void FinishRollback(RollbackRun run)
    {
        _rollback = null;
        var verdict = run.Verdict(_commitPoint, _window.After(_commitPoint, 0) is not null);
        if (verdict.CommonPoint is not { } common)
        {
            GoRecovering(verdict.Refusal!, run.SourceId);
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
            GoRecovering(e.Message, run.SourceId);
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
