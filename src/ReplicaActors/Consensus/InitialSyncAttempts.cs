using ReplicaActors.Protocol;

namespace ReplicaActors.Consensus;

/// <summary>
/// Initial sync's attempt accounting (MongoDB's <c>numInitialSyncAttempts</c>): how many attempts failed, on
/// which sources, and why the last one did. A failed source is avoided while another eligible member exists.
/// </summary>
public sealed record InitialSyncAttempts(int Failed, int MaxAttempts, IReadOnlyList<int> FailedSources, string? LastFailure)
{
    public static InitialSyncAttempts Start(int maxAttempts) =>
        maxAttempts > 0
            ? new(0, maxAttempts, [], null)
            : throw new ArgumentOutOfRangeException(nameof(maxAttempts), maxAttempts, "at least one initial sync attempt");

    /// <summary>The attempt running or about to run, counted from 1.</summary>
    public int Current => Failed + 1;

    public bool Exhausted => Failed >= MaxAttempts;

    public InitialSyncAttempts AfterFailure(int? sourceId, string reason) => this with
    {
        Failed = Failed + 1,
        FailedSources = sourceId is { } id ? [.. FailedSources.Where(s => s != id), id] : FailedSources,
        LastFailure = reason,
    };

    /// <summary>
    /// The sync source rules with nothing fetched yet; sources that failed an earlier attempt are left out,
    /// unless no other member is eligible, and then the one that failed longest ago is preferred.
    /// </summary>
    public SyncSourceChoice ChooseSource(SyncSourceRequest request)
    {
        var fresh = request with { LastFetched = OpTime.Null, Others = request.Others.Where(v => !FailedSources.Contains(v.Id)).ToList() };
        var choice = SyncSourceSelector.Choose(fresh);
        if (choice.SourceId is not null || FailedSources.Count == 0) return choice;
        foreach (var failed in FailedSources)
        {
            var retry = SyncSourceSelector.Choose(fresh with { Others = request.Others.Where(v => v.Id == failed).ToList() });
            if (retry.SourceId is not null) return retry with { Reason = $"{retry.Reason}; it failed an earlier attempt, but no other member is eligible" };
        }
        return choice;
    }

    /// <summary>The infoMessage of a member that gave up.</summary>
    public string GaveUpMessage() =>
        $"initial sync failed after {Failed} attempt(s); last failure: {LastFailure}. Run 'rs resync' on this member to try again";
}
