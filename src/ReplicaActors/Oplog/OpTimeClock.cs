using ReplicaActors.Protocol;

namespace ReplicaActors.Oplog;

/// <summary>
/// Hands out oplog timestamps: the current second, with an increment that keeps them unique and
/// increasing even when the wall clock stalls or steps back.
/// </summary>
public static class OpTimeClock
{
    public static Timestamp Next(Timestamp last, long nowUnixSeconds)
    {
        var now = (uint)Math.Max(0, nowUnixSeconds);
        return now > last.Seconds ? new Timestamp(now, 1) : new Timestamp(last.Seconds, last.Increment + 1);
    }
}
