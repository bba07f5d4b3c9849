using ReplicaActors.Oplog;
using ReplicaActors.Protocol;

namespace ReplicaActors.Member.Core;

/// <summary>
/// The fetches waiting for entries (a tailable cursor's awaitData): one with nothing new yet (<see cref="OplogWindow.Fetch"/>
/// gave none) is parked until entries arrive or its wait ends, then answered, empty if need be, so the fetching member
/// learns the commit point and that its source is alive. Pure; the member actor (replying to an actor) and
/// <see cref="MemberCore"/> (replying to a member id) share it.
/// </summary>
public sealed class ParkedFetches<TReplyTo>
{
    private readonly List<(FetchOplog Fetch, TReplyTo ReplyTo, DateTimeOffset Deadline)> _parked = [];

    public void Park(FetchOplog fetch, TReplyTo replyTo, DateTimeOffset deadline) => _parked.Add((fetch, replyTo, deadline));

    /// <summary>
    /// Offers each parked fetch to <paramref name="answer"/> (fetch, reply-to, answer even if empty: its wait is over),
    /// which returns whether it answered; those answered are no longer parked.
    /// </summary>
    public void AnswerDue(DateTimeOffset now, Func<FetchOplog, TReplyTo, bool, bool> answer)
    {
        if (_parked.Count == 0) return;
        _parked.RemoveAll(parked => answer(parked.Fetch, parked.ReplyTo, parked.Deadline <= now));
    }
}
