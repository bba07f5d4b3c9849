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
        AbandonCandidacy();
        _tail.Probe(sourceId);
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
        // Unanswered by the deadline, the rollback is abandoned (CheckTailDeadline) and retried from RECOVERING.
        var deadline = DateTimeOffset.UtcNow + _settings.Recovery.RollbackProbeTimeout;
        MemberSelection(source.Host).Tell(_tail.Request(Me!.Id, probed, _durable.Term, deadline), Self);
    }

    /// <summary>The source's answer to the probe in flight (<see cref="OplogTail"/> dropped answers to earlier ones).</summary>
    private void OnRollbackProbeAnswer(OplogBatch batch)
    {
        if (_state != MemberState.Rollback || _rollback is not { NextProbe: { } probed } run) return;
        ProbeNext(run.Record(batch.Holds(probed)));
    }

    private void FinishRollback(RollbackRun run)
    {
        _rollback = null;
        StopFetcher("the common point is found");
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
