using Akka.Actor;
using Akka.Event;
using MongoDB.Bson;
using ReplicaActors.Config;
using ReplicaActors.Consensus;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;

namespace ReplicaActors.Member;

/// <summary><c>replSetReconfig</c>: a safe change on the primary, or a forced one anywhere; heartbeats spread the result.</summary>
public sealed partial class ReplicaMember
{
    /// <summary>MongoDB's forced-version jump: far enough ahead that a forced config beats any config a primary is making meanwhile.</summary>
    private const int ForcedVersionJump = 10_000;
    private const int ForcedVersionRandomJump = 100_000;

    private readonly List<AwaitingCommitment> _reconfigsAwaitingCommitment = [];

    /// <summary>A safe reconfig waiting for the current config to be committed, until its deadline.</summary>
    private sealed record AwaitingCommitment(CommandRequest Request, IActorRef ReplyTo, DateTimeOffset Deadline);

    private void Reconfig(CommandRequest request) => Reconfig(request, Sender, DateTimeOffset.UtcNow + _settings.ReconfigCommitmentWait);

    /// <summary>
    /// Every rule is checked at once; only the current config's commitment is waited for (a new primary's first entry
    /// is usually majority-committed within a heartbeat), up to <paramref name="deadline"/>.
    /// </summary>
    private void Reconfig(CommandRequest request, IActorRef replyTo, DateTimeOffset deadline)
    {
        var current = Config ?? throw NotYetInitialized();
        var force = request.Command.TryGetValue("force", out var f) && f.ToBoolean();
        if (!force && _state != MemberState.Primary) throw NotWritable();
        if (request.Command[0] is not BsonDocument document)
            throw new ReplicaException(ErrorCode.TypeMismatch, $"replSetReconfig takes a config document, got {request.Command[0].BsonType}");

        var proposed = Stamp(ReplicaSetConfig.FromBson(WithCurrentSettings(document, current)), current, force);
        if (proposed.FindByHost(_settings.Host) is not { } self)
            throw new ReplicaException(ErrorCode.NodeNotFound, $"this member ({_settings.Host}) is not in the new config; run the reconfig on a member that stays");
        if (!force && !self.IsElectable)
            throw new ReplicaException(ErrorCode.NewReplicaSetConfigurationIncompatible,
                $"{self.Describe()} is the primary and would not be electable under the new config; step it down first");
        ConfigValidator.ValidateReconfig(current, proposed, force, whyCurrentNotCommitted: null);
        var uncommitted = force ? null
            : ConfigCommitment.WhyNotCommitted(current, Me!.Id, _peers.All.Where(p => p.Up).ToDictionary(p => p.Id, p => p.ConfigVersionAndTerm), _commitPoint, _durable.Term);
        if (uncommitted is not null && DateTimeOffset.UtcNow < deadline)
        {
            _reconfigsAwaitingCommitment.Add(new AwaitingCommitment(request, replyTo, deadline));
            return;
        }
        ConfigValidator.ValidateReconfig(current, proposed, force, uncommitted);

        Persist(new ConfigInstalled(proposed), installed =>
        {
            _durable = _durable.Apply(installed);
            _log.Info("{0}reconfig installed config version {1} (term {2}): {3}", force ? "forced " : "", proposed.Version, proposed.Term, proposed);
            replyTo.Tell(CommandReply.Success(new BsonDocument()));
            OnConfigKnown(proposed);
        });
    }

    /// <summary>Each housekeeping tick: reconfigs waiting for the current config's commitment try again.</summary>
    private void RetryReconfigsAwaitingCommitment()
    {
        if (_reconfigsAwaitingCommitment.Count == 0) return;
        var waiting = _reconfigsAwaitingCommitment.ToList();
        _reconfigsAwaitingCommitment.Clear();
        foreach (var reconfig in waiting)
        {
            try
            {
                Reconfig(reconfig.Request, reconfig.ReplyTo, reconfig.Deadline);
            }
            catch (ReplicaException e)
            {
                reconfig.ReplyTo.Tell(CommandReply.Error(e));
            }
        }
    }

    /// <summary>A safe reconfig takes the primary's term; a forced one has no term and jumps its version far ahead.</summary>
    private ReplicaSetConfig Stamp(ReplicaSetConfig proposed, ReplicaSetConfig current, bool force)
    {
        if (!force) return proposed with { Term = _durable.Term };
        var version = Math.Max(proposed.Version, current.Version) + ForcedVersionJump + _random.Next(ForcedVersionRandomJump);
        return proposed with { Version = version, Term = ConfigVersionAndTerm.ForcedTerm };
    }

    /// <summary>Settings the new document leaves out keep their current values (the replicaSetId among them).</summary>
    private static BsonDocument WithCurrentSettings(BsonDocument document, ReplicaSetConfig current)
    {
        var settings = current.ToBson()["settings"].AsBsonDocument.DeepClone().AsBsonDocument;
        if (document.TryGetValue("settings", out var given) && given.IsBsonDocument)
            foreach (var element in given.AsBsonDocument) settings[element.Name] = element.Value;
        return new BsonDocument(document) { ["settings"] = settings };
    }

    /// <summary>The version and term of the config a heartbeat carries, read without parsing the whole document.</summary>
    private static ConfigVersionAndTerm? ReportedConfig(MemberReport report) =>
        report.Config is { } config
            ? new ConfigVersionAndTerm(config.GetValue("version", 0).ToInt64(), config.GetValue("term", ConfigVersionAndTerm.ForcedTerm).ToInt64())
            : null;
}
