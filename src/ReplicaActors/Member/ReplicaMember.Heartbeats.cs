using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Remote;
using ReplicaActors.Config;
using ReplicaActors.Member.Core;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;

namespace ReplicaActors.Member;

/// <summary>Heartbeats: who is alive, in which state, how far along; configs and terms spread with them.</summary>
public sealed partial class ReplicaMember
{
    private readonly PeerTable _peers = new();
    private readonly MajorityWatch _majority = new();

    private void ResetPeers(ReplicaSetConfig config) => _peers.Reset(config, config.FindByHost(_settings.Host)?.Id);

    private IReadOnlyList<Consensus.MemberView> OtherViews() => _peers.Views();

    private MemberReport Report() => new(
        Config?.Name ?? _settings.ReplSetName,
        Me?.Id ?? -1,
        _durable.Term,
        _state,
        // An initial-syncing member reports no optimes (MongoDB's rule): what it holds may yet be discarded.
        _state == MemberState.Startup2 ? OpTime.Null : _store.AppliedOpTime,
        _state == MemberState.Startup2 ? OpTime.Null : _durable.LastOpTime,
        _commitPoint,
        _tailing.SyncSourceId,
        _electionDate?.ToUnixTimeMilliseconds() ?? 0,
        Config?.ToBson());

    private void OnHeartbeatTick()
    {
        if (Config is not { } config) return;
        var report = Report();
        var now = Stopwatch.GetTimestamp();
        foreach (var member in config.Members)
            if (member.Host != _settings.Host)
                MemberSelection(member.Host).Tell(new Heartbeat(report, now), Self);
        _peers.MarkSilentDown(DateTimeOffset.UtcNow, TimeSpan.FromSeconds(config.Settings.HeartbeatTimeoutSecs), _startedAt);
        Replicate(_tailing.Heartbeat(TailView(), DateTimeOffset.UtcNow));
        if (_state == MemberState.Secondary) ConsiderTakeover();
    }

    private void OnHeartbeat(Heartbeat heartbeat)
    {
        OnReport(heartbeat.From, ping: null);
        Sender.Tell(new HeartbeatReply(Report(), heartbeat.SentTicks));
    }

    private void OnHeartbeatReply(HeartbeatReply reply) =>
        OnReport(reply.From, Stopwatch.GetElapsedTime(reply.EchoTicks).TotalMilliseconds);

    private void OnReport(MemberReport report, double? ping)
    {
        if (report.SetName != (Config?.Name ?? _settings.ReplSetName)) return;
        // A member still in STARTUP learns who is who only once the config it adopts is installed; one that holds a config
        // reads the report as usual, so a primary's config stamp does not cost a heartbeat of hearing the primary.
        var hadConfig = Config is not null;
        if (report.Config is { } offered && AdoptConfig(offered) && !hadConfig) return;
        if (Config is null) return;
        var outcome = _peers.Hear(report, ping, ReportedConfig(report), _durable.Term, Me?.Id, DateTimeOffset.UtcNow);
        if (outcome == ReportOutcome.UnknownMember) return;
        if (outcome == ReportOutcome.NewerTerm)
        {
            UpdateTerm(report.Term, $"member {report.MemberId} is in term {report.Term}");
            return;
        }
        LearnPosition(new MemberPosition(report.MemberId, report.Applied, report.Durable, report.Term));
        if (outcome == ReportOutcome.FromPrimary)
        {
            LearnCommitPoint(report.CommitPoint);
            _elections.HeardPrimary(ElectionView(), DateTimeOffset.UtcNow);
            WakeForElections();
        }
    }

    /// <summary>A newer config seen in a heartbeat is installed (or the first one, on a member still in STARTUP).</summary>
    private bool AdoptConfig(MongoDB.Bson.BsonDocument offered)
    {
        // Every heartbeat carries the sender's config; almost always it is this member's own. Compare
        // version and term first, and parse and validate only a config that may be newer.
        if (Config is { } current && offered.TryGetValue("version", out var version) && version.IsNumeric
            && !(new ConfigVersionAndTerm(version.ToInt64(), offered.GetValue("term", ReplicaSetConfig.UninitializedTerm).ToInt64()) > current.VersionAndTerm)
            && !(current.Term == ConfigVersionAndTerm.ForcedTerm && offered.GetValue("term", ReplicaSetConfig.UninitializedTerm).ToInt64() > current.Term))
            return false;
        ReplicaSetConfig config;
        try
        {
            config = ReplicaSetConfig.FromBson(offered);
            ConfigValidator.Validate(config);
        }
        catch (ReplicaException e)
        {
            _log.Warning("ignoring an invalid config seen in a heartbeat: {0}", e.Message);
            return false;
        }
        // A forced config (term -1) compares by version alone, so its stamp by the next primary (same version) is newer too.
        var newer = Config is null
            ? config.Name == _settings.ReplSetName && config.FindByHost(_settings.Host) is not null
            : config.VersionAndTerm > Config.VersionAndTerm
              || (config.Version == Config.Version && Config.Term == ConfigVersionAndTerm.ForcedTerm && config.Term > Config.Term);
        if (!newer) return false;
        Persist(new ConfigInstalled(config), e =>
        {
            _durable = _durable.Apply(e);
            _log.Info("installed config version {0} of set '{1}' learned from a heartbeat", config.Version, config.Name);
            OnConfigKnown(config);
        });
        return true;
    }

    /// <summary>A primary that cannot see a majority of voters for an election timeout steps down.</summary>
    private void StepDownIfMajorityLost()
    {
        if (Config is not { } config || Me is not { } self) return;
        if (_majority.ShouldStepDown(config, self.Id, OtherViews(), DateTimeOffset.UtcNow)) StepDown("cannot see a majority of voters");
    }

    private void OnUnreachable(ClusterEvent.UnreachableMember unreachable)
    {
        if (Config is { } config && PeerAt(config, unreachable.Member.Address) is (_, var peer))
            _peers.Set(peer with { Up = false, Message = "unreachable (Akka failure detector)" });
    }

    /// <summary>
    /// A closed connection marks the peer down at once: a killed process closes its sockets, so waiting out
    /// the heartbeat timeout would only confirm what TCP already said. Akka remoting closes a connection only
    /// when the peer's process or remoting ends, never because heartbeats are late under load, so this adds no
    /// false alarm the failure detector would not raise anyway. A secondary that lost its primary this way
    /// stands for election in its turn among the electable secondaries (the dry run still decides), and
    /// leaves a sync source that is gone.
    /// </summary>
    private void OnDisassociated(DisassociatedEvent closed)
    {
        if (Config is not { } config || PeerAt(config, closed.RemoteAddress) is not (var member, var peer) || !peer.Up) return;
        _peers.Set(peer with { Up = false, Message = "connection closed" });
        if (_state != MemberState.Secondary) return;
        if (_peers.LastPrimaryId == member.Id && Me is not null)
        {
            _log.Info("the connection to the primary {0} closed: standing for election without waiting for the election timeout", member.Host);
            _elections.PrimaryConnectionLost(ElectionView(), DateTimeOffset.UtcNow);
            WakeForElections();
        }
        Replicate(_tailing.ChooseSource(TailView(), DateTimeOffset.UtcNow));
    }

    /// <summary>The other member at an Akka address, with this member's view of it.</summary>
    private (MemberConfig Member, PeerView Peer)? PeerAt(ReplicaSetConfig config, Address address) =>
        config.Members.FirstOrDefault(m => m.Host == RemotingEndpoint.HostOf(address.Host!, address.Port ?? 0, _settings.RemotingPortOffset)) is { } member && _peers.Find(member.Id) is { } peer
            ? (member, peer)
            : null;

    private int? HealthyPrimaryId() => _peers.HealthyPrimaryId(_state, Me?.Id);

    private string? PrimaryHost =>
        HealthyPrimaryId() is { } id ? Config?.FindById(id)?.Host : null;
}
