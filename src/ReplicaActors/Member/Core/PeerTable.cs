using ReplicaActors.Config;
using ReplicaActors.Consensus;
using ReplicaActors.Protocol;

namespace ReplicaActors.Member.Core;

public enum ReportOutcome
{
    /// <summary>From a member not in this member's config: ignored.</summary>
    UnknownMember,

    Heard,

    /// <summary>From the primary of this member's term: its commit point may be learned, and no election is due.</summary>
    FromPrimary,

    /// <summary>The sender is in a newer term: this member moves to it.</summary>
    NewerTerm,
}

/// <summary>
/// What this member has heard from each other member through heartbeats, and which of them it takes for the primary.
/// Pure (the time comes in as an argument); the member actor and <see cref="MemberCore"/> share it.
/// </summary>
public sealed class PeerTable
{
    private readonly Dictionary<int, PeerView> _peers = new();
    private int? _primaryId;

    public IReadOnlyCollection<PeerView> All => _peers.Values;

    public PeerView? Find(int id) => _peers.GetValueOrDefault(id);

    public void Set(PeerView view) => _peers[view.Id] = view;

    /// <summary>Keeps a view for every member of <paramref name="config"/> but this one, dropping members no longer in it.</summary>
    public void Reset(ReplicaSetConfig config, int? selfId)
    {
        foreach (var id in _peers.Keys.Where(id => config.FindById(id) is null || id == selfId).ToList()) _peers.Remove(id);
        foreach (var member in config.Members.Where(m => m.Id != selfId))
            if (!_peers.ContainsKey(member.Id)) _peers[member.Id] = PeerView.NeverHeard(member.Id);
    }

    public IReadOnlyList<MemberView> Views() => _peers.Values.Select(p => p.ToMemberView()).ToList();

    /// <summary>This member became primary (its own id) or stopped being one (null).</summary>
    public void SetPrimary(int? id) => _primaryId = id;

    /// <summary>The primary this member follows: itself when primary, else the primary of its term it heard last, while that one is up.</summary>
    public int? HealthyPrimaryId(MemberState ownState, int? selfId) =>
        ownState == MemberState.Primary ? selfId
        : _primaryId is { } id && _peers.TryGetValue(id, out var peer) && peer.Up ? id : null;

    /// <summary>The id of the member this one took for the primary, up or not.</summary>
    public int? LastPrimaryId => _primaryId;

    /// <summary>A member not heard from within <paramref name="timeout"/> (counted from <paramref name="listeningSince"/> for one never heard) is down.</summary>
    public void MarkSilentDown(DateTimeOffset now, TimeSpan timeout, DateTimeOffset listeningSince)
    {
        foreach (var peer in _peers.Values.ToList())
            if (peer.Up && now - (peer.LastHeartbeatReceived ?? listeningSince) > timeout)
                _peers[peer.Id] = peer with { Up = false, Message = $"no heartbeat for {timeout.TotalSeconds:0.#} s" };
    }

    /// <summary>
    /// Folds a heartbeat (or its reply, with the round trip in <paramref name="pingMillis"/>) into the sender's view,
    /// and says what follows for this member in <paramref name="ownTerm"/>.
    /// </summary>
    public ReportOutcome Hear(MemberReport report, double? pingMillis, ConfigVersionAndTerm? reportedConfig, long ownTerm, int? selfId, DateTimeOffset now)
    {
        if (!_peers.TryGetValue(report.MemberId, out var peer)) return ReportOutcome.UnknownMember;
        _peers[report.MemberId] = peer with
        {
            State = report.State,
            Up = true,
            LastHeartbeat = pingMillis is null ? peer.LastHeartbeat : now,
            LastHeartbeatReceived = now,
            Applied = report.Applied,
            Durable = report.Durable,
            PingMillis = pingMillis ?? peer.PingMillis,
            SyncSourceId = report.SyncSourceId,
            Term = report.Term,
            ElectionMillis = report.ElectionMillis,
            Message = "",
            UpSince = peer.Up ? peer.UpSince : now,
            ConfigVersionAndTerm = reportedConfig,
        };
        if (report.Term > ownTerm) return ReportOutcome.NewerTerm;
        if (report.State == MemberState.Primary && report.Term == ownTerm && report.MemberId != selfId)
        {
            _primaryId = report.MemberId;
            return ReportOutcome.FromPrimary;
        }
        if (_primaryId == report.MemberId) _primaryId = null;
        return ReportOutcome.Heard;
    }
}
