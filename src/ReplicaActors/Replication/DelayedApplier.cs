using Akka.Actor;
using ReplicaActors.Protocol;

namespace ReplicaActors.Replication;

/// <summary>Entries journaled by a delayed member, to be applied when due.</summary>
public sealed record DelayEntries(IReadOnlyList<OplogEntry> Entries);

/// <summary>Entries whose wall time plus the delay has passed: the member applies them to its store now.</summary>
public sealed record ApplyDue(IReadOnlyList<OplogEntry> Entries);

/// <summary>
/// A delayed member's apply clock: holds journaled entries and hands them back, oldest first, once
/// their wall time plus <c>secondaryDelaySecs</c> has passed. It only keeps time; the member does the
/// IO. Losing it loses nothing: the entries are in the journal, and the member re-seeds a new one with
/// everything after the store's applied OpTime.
/// </summary>
public sealed class DelayedApplier : ReceiveActor, IWithTimers
{
    private const string DueTimer = "due";
    private readonly Queue<OplogEntry> _pending = new();
    private readonly TimeSpan _delay;

    public DelayedApplier(TimeSpan delay)
    {
        _delay = delay;
        Receive<DelayEntries>(delayed =>
        {
            foreach (var entry in delayed.Entries) _pending.Enqueue(entry);
            Release();
        });
        Receive<Due>(_ => Release());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TimeSpan delay) => Akka.Actor.Props.Create(() => new DelayedApplier(delay));

    private void Release()
    {
        var now = DateTimeOffset.UtcNow;
        var due = new List<OplogEntry>();
        while (_pending.TryPeek(out var next) && DueAt(next) <= now) due.Add(_pending.Dequeue());
        if (due.Count > 0) Context.Parent.Tell(new ApplyDue(due));
        if (_pending.TryPeek(out var first))
            Timers.StartSingleTimer(DueTimer, Due.Instance, DueAt(first) - now);
    }

    private DateTimeOffset DueAt(OplogEntry entry) => DateTimeOffset.FromUnixTimeMilliseconds(entry.WallMillis) + _delay;

    private sealed class Due
    {
        public static readonly Due Instance = new();
    }
}
