using ReplicaActors.Config;
using ReplicaActors.Protocol;

namespace ReplicaActors.Member.Core;

/// <summary>Where a newly elected primary's catch-up stands: over (and why), or going on, tailing <see cref="Follow"/> if it must change source.</summary>
public sealed record CatchUpStep(string? DoneBecause, int? Follow);

/// <summary>
/// A newly elected primary's catch-up, as MongoDB does it: before it takes writes, it tails a fresher member (one
/// that got entries of the old primary it never got), so fewer acknowledged w:1 writes are rolled back. It is
/// PRIMARY to the others meanwhile, so they hold no election, which makes ending it a liveness matter: it ends as
/// soon as no member it can hear from is fresher (the fresher one may have gone away), or at the config's
/// <c>catchUpTimeoutMillis</c> (-1: no limit, 0: no catch-up at all). A catch-up that waited for one member's
/// OpTime alone never ended while that member was cut off, and the set took no writes for as long. Pure; the
/// member actor and <see cref="MemberCore"/> share it.
/// </summary>
public sealed class CatchUp
{
    private DateTimeOffset? _deadline;

    public bool Running { get; private set; }

    /// <summary>At the win: the member to tail, or null when none is fresher and the primary takes writes at once.</summary>
    public int? Start(ReplicaSetConfig config, IEnumerable<PeerView> peers, OpTime lastOpTime, DateTimeOffset now)
    {
        var limit = config.Settings.CatchUpTimeoutMillis;
        if (limit == 0 || Fresher(config, peers, lastOpTime) is not { } fresher) return null;
        Running = true;
        _deadline = limit > 0 ? now + TimeSpan.FromMilliseconds(limit) : null;
        return fresher.Id;
    }

    /// <summary>After each appended batch and on each tick, while <see cref="Running"/>.</summary>
    /// <param name="tailing">The member being tailed now, if any (a silent one is given up by the tail's deadline).</param>
    public CatchUpStep Check(ReplicaSetConfig config, IEnumerable<PeerView> peers, OpTime lastOpTime, DateTimeOffset now, int? tailing)
    {
        if (_deadline is { } deadline && now >= deadline)
            return new CatchUpStep($"catch-up timed out at {lastOpTime}", null);
        if (Fresher(config, peers, lastOpTime) is not { } fresher)
            return new CatchUpStep($"caught up to {lastOpTime}: no member this one hears from is fresher", null);
        return new CatchUpStep(null, tailing is null ? fresher.Id : null);
    }

    public void End()
    {
        Running = false;
        _deadline = null;
    }

    /// <summary>The freshest data-bearing member heard from as up, if it is fresher than this one.</summary>
    private static PeerView? Fresher(ReplicaSetConfig config, IEnumerable<PeerView> peers, OpTime lastOpTime) =>
        peers.Where(p => p.Up && p.Applied > lastOpTime && config.FindById(p.Id) is { ArbiterOnly: false }).MaxBy(p => p.Applied);
}
