using Akka.Actor;
using Akka.Event;
using MongoDB.Bson;
using ReplicaActors.Config;
using ReplicaActors.Protocol;

namespace ReplicaActors.Member;

/// <summary><c>replSetReconfig</c>: a safe change on the primary, or a forced one anywhere; heartbeats spread the result.</summary>
public sealed partial class ReplicaMember
{
    /// <summary>MongoDB's forced-version jump: far enough ahead that a forced config beats any config a primary is making meanwhile.</summary>
    private const int ForcedVersionJump = 10_000;
    private const int ForcedVersionRandomJump = 100_000;

    private void Reconfig(CommandRequest request)
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
        ConfigValidator.ValidateReconfig(current, proposed, force, IsCommitted(current));

        var replyTo = Sender;
        Persist(new ConfigInstalled(proposed), installed =>
        {
            _durable = _durable.Apply(installed);
            _log.Info("{0}reconfig installed config version {1} (term {2}): {3}", force ? "forced " : "", proposed.Version, proposed.Term, proposed);
            replyTo.Tell(CommandReply.Success(new BsonDocument()));
            OnConfigKnown(proposed);
        });
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

    /// <summary>Committed: a majority of the config's voters (this member included) report holding it in their heartbeats.</summary>
    private bool IsCommitted(ReplicaSetConfig current)
    {
        var holding = current.Voters.Count(v =>
            v.Host == _settings.Host
            || (_peers.TryGetValue(v.Id, out var peer) && peer.Up && peer.ConfigVersionAndTerm == current.VersionAndTerm));
        return holding >= current.MajorityVoteCount;
    }

    /// <summary>The version and term of the config a heartbeat carries, read without parsing the whole document.</summary>
    private static ConfigVersionAndTerm? ReportedConfig(MemberReport report) =>
        report.Config is { } config
            ? new ConfigVersionAndTerm(config.GetValue("version", 0).ToInt64(), config.GetValue("term", ConfigVersionAndTerm.ForcedTerm).ToInt64())
            : null;
}
