using Akka.Configuration;
using MongoDB.Bson;
using ReplicaActors.Config;
using ReplicaActors.Member;
using ReplicaActors.Member.Core;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;

namespace ReplicaActors.Cluster.Tests.Simulation;

/// <summary>
/// N member cores over a simulated network and clock, every choice drawn from one seed: message delay, loss,
/// duplication and reordering; step-downs asked of a member (with or without force and a catch-up wait, handing the
/// election to a caught-up secondary); members of equal or different priorities (so priority takeovers run); partitions (one member cut off, a minority/majority split, a bridge member that sees
/// both sides, one-way cuts, slow links whose messages outlast an election round); crashes and restarts from the persisted journal, between steps or part way through one
/// (losing the journal write not yet on disk and everything after it); pauses; clock skew between members.
/// A client writes through whichever member is primary, at w:1 and w:majority, retries writes (the same write id, to
/// whichever member is primary then), and reads from any member at local, majority and linearizable read concern. The invariants are checked after every step and every answer; after the faults heal, the set must
/// settle on one primary with every other member SECONDARY and equal oplogs.
/// </summary>
public sealed class ReplicaSetSimulator
{
    private static readonly DateTimeOffset Epoch = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);

    /// <summary>A member's settings as reference.conf has them (recovery backoff, sync-source limits), with small fetch batches and waits.</summary>
    private static readonly MemberSettings Settings =
        MemberSettings.From(ConfigurationFactory.ParseString("replica-actors.member.replSet = sim").WithFallback(ReferenceConfig.Value))
            with { FetchBatchEntries = 50, FetchAwaitData = TimeSpan.FromMilliseconds(500) };

    /// <summary>Far above what a run takes (about 20,000 steps per simulated member-minute): more means messages breed messages.</summary>
    private const long MaxCoreSteps = 500_000;

    private readonly Random _random;
    private readonly int _seed;
    private readonly ReplicaSetConfig _config;
    private readonly SimMember[] _members;
    private readonly PriorityQueue<InFlight, (long, long)> _network = new();
    private readonly HashSet<(int From, int To)> _cut = [];
    // Links whose messages take this long: longer than an election round, so answers arrive after their round ended.
    private readonly Dictionary<(int From, int To), TimeSpan> _slow = new();
    private readonly Dictionary<long, int> _primaryOfTerm = new();
    private readonly Dictionary<BsonValue, OpTime> _acknowledged = new();
    private readonly Dictionary<BsonValue, TimeSpan> _writeInvokedAt = new();
    // Acknowledged writes in the order their acknowledgements arrived, with the time of each.
    private readonly List<(BsonValue WriteId, TimeSpan At)> _ackOrder = [];
    // Writes a majority or linearizable read returned: each must be in the set's history for good.
    private readonly HashSet<BsonValue> _committedReads = [];
    // Writes seen by completed linearizable reads, in the order first seen.
    private readonly List<BsonValue> _linearizableSeen = [];
    private readonly HashSet<BsonValue> _linearizableSeenSet = [];
    private readonly Dictionary<long, PendingRead> _pendingReads = new();
    private long _reads;
    private int _readsAnswered;
    private readonly List<string> _trace = [];
    private OpTime _newestCommitted = OpTime.Null;
    private TimeSpan _now;
    private long _sequence;
    private int _writes;
    // Every write id issued, in order, and whether it asked for w:majority (a retry keeps its first write concern).
    private readonly List<BsonValue> _issued = [];
    private readonly Dictionary<BsonValue, bool> _majority = new();
    private int _w1Acknowledged;
    private long _stepDowns;
    private double _loss;
    private double _duplication;

    private sealed record InFlight(int From, int To, IReplicaMessage Message);

    /// <summary>A read as the client issued it: what had been acknowledged and seen by then, for the linearizability checks.</summary>
    private sealed record PendingRead(ReadLevel Level, int Member, TimeSpan InvokedAt, int AcknowledgedBefore, int SeenBefore);

    private sealed class SimMember(int id, TimeSpan skew)
    {
        public int Id { get; } = id;
        public TimeSpan Skew { get; } = skew;
        public List<IMemberEvent> Journal { get; } = [];
        public MemberCore? Core { get; set; }
        public TimeSpan DownUntil { get; set; }
        public TimeSpan PausedUntil { get; set; }
        public OpTime LastCommitPoint { get; set; } = OpTime.Null;

        /// <summary>The write ids in its oplog: a write must never be applied twice, however often it is retried.</summary>
        public HashSet<BsonValue> WriteIds { get; set; } = [];

        /// <summary>Set when the member is to die in the middle of its next step that writes to its journal, down for this long.</summary>
        public TimeSpan? CrashDuringStep { get; set; }
        public int Steps { get; set; }
    }

    public ReplicaSetSimulator(int seed, int members)
    {
        _seed = seed;
        _random = new Random(seed);
        // Half the seeds give the members different priorities, so a higher-priority member takes over once caught up.
        var priorities = _random.Next(2) == 0;
        _config = new ReplicaSetConfig("rs0", 1, 1,
            Enumerable.Range(0, members).Select(i => new MemberConfig(i, $"127.0.0.{i + 1}:27017") { Priority = priorities ? 1 + _random.Next(3) : 1 }).ToList(),
            ReplicaSetSettings.Default with { HeartbeatIntervalMillis = 200, HeartbeatTimeoutSecs = 2, ElectionTimeoutMillis = 1000 });
        _members = Enumerable.Range(0, members)
            .Select(i => new SimMember(i, TimeSpan.FromMilliseconds(_random.Next(-3000, 3000))))
            .ToArray();
        // The set as initiate leaves it: every member holds the initiating entry.
        var initiating = new OplogEntry(new OpTime(new Timestamp((uint)Epoch.ToUnixTimeSeconds(), 1), 0), Epoch.ToUnixTimeMilliseconds(),
            OpType.Noop, "", new BsonDocument("msg", "initiating set"), null);
        foreach (var member in _members)
        {
            member.Journal.Add(new OplogAppended([initiating]));
            Start(member);
        }
    }

    /// <summary>How many steps the cores took and invariant checks passed.</summary>
    public long StepsTaken => _members.Sum(m => m.Steps);

    public int AcknowledgedWrites => _acknowledged.Count;

    /// <summary>Writes acknowledged at w:1 (which a rollback may undo).</summary>
    public int W1Acknowledged => _w1Acknowledged;

    /// <summary>Reads answered without error, each checked against the history.</summary>
    public int ReadsAnswered => _readsAnswered;

    /// <summary>Runs faults for <paramref name="faulty"/>, heals everything, and gives the set <paramref name="settle"/> to converge.</summary>
    /// <returns>Null when every invariant held and the set converged; otherwise what broke, with the last trace lines.</returns>
    public string? Run(TimeSpan faulty, TimeSpan settle)
    {
        try
        {
            var nextFault = TimeSpan.FromSeconds(2);
            var nextWrite = TimeSpan.Zero;
            var nextRead = TimeSpan.Zero;
            while (_now < faulty + settle)
            {
                if (_now < faulty && _now >= nextFault)
                {
                    InjectFault();
                    nextFault = _now + TimeSpan.FromMilliseconds(_random.Next(500, 4000));
                }
                if (_now >= faulty && _now < faulty + Step) HealAll();
                // The client stops writing well before the end, so the oplogs can become equal.
                if (_now >= nextWrite && _now < faulty + settle / 2)
                {
                    ClientWrite();
                    nextWrite = _now + TimeSpan.FromMilliseconds(_random.Next(5, 60));
                }
                if (_now >= nextRead && _now < faulty + settle / 2)
                {
                    ClientRead();
                    nextRead = _now + TimeSpan.FromMilliseconds(_random.Next(20, 120));
                }
                Deliver();
                foreach (var member in _members) RunStep(member, Tick.Instance);
                _now += Step;
                if (StepsTaken > MaxCoreSteps) throw new InvariantBroken($"{StepsTaken} core steps by {_now.TotalMilliseconds:0} ms: a message storm");
            }
            return Converged();
        }
        catch (InvariantBroken e)
        {
            return $"{e.Message}\n  last events:\n    {string.Join("\n    ", _trace.TakeLast(25))}";
        }
    }

    // ---- Faults ----------------------------------------------------------------------------------

    private void InjectFault()
    {
        var n = _members.Length;
        switch (_random.Next(11))
        {
            case 0:
                Cut(_random.Next(n), "isolated");
                break;
            case 1:
                var minority = Enumerable.Range(0, n).OrderBy(_ => _random.Next()).Take((n - 1) / 2).ToHashSet();
                foreach (var a in minority)
                    foreach (var b in Enumerable.Range(0, n).Where(b => !minority.Contains(b))) CutBoth(a, b);
                Note($"split {{{string.Join(",", minority)}}} from the rest");
                break;
            case 2 when n >= 3:
                // A bridge: two sides that cannot hear each other, and one member that hears both.
                var order = Enumerable.Range(0, n).OrderBy(_ => _random.Next()).ToList();
                var bridge = order[0];
                var left = order.Skip(1).Take((n - 1) / 2).ToList();
                foreach (var a in left)
                    foreach (var b in order.Skip(1).Except(left)) CutBoth(a, b);
                Note($"bridge {bridge} between {{{string.Join(",", left)}}} and the rest");
                break;
            case 3:
                var from = _random.Next(n);
                var to = (from + 1 + _random.Next(n - 1)) % n;
                _cut.Add((from, to));
                Note($"one-way cut {from} -> {to}");
                break;
            case 4:
                var victim = _members[_random.Next(n)];
                var downFor = TimeSpan.FromMilliseconds(_random.Next(200, 3000));
                // Half the crashes come between steps; the others in the middle of one, so a journal write may be lost.
                if (_random.Next(2) == 0) Crash(victim, downFor);
                else victim.CrashDuringStep = downFor;
                break;
            case 5:
                var paused = _members[_random.Next(n)];
                paused.PausedUntil = _now + TimeSpan.FromMilliseconds(_random.Next(300, 4000));
                Note($"pause {paused.Id} until {paused.PausedUntil.TotalMilliseconds:0}");
                break;
            case 6:
                _loss = _random.NextDouble() * 0.3;
                _duplication = _random.NextDouble() * 0.1;
                Note($"loss {_loss:0.00}, duplication {_duplication:0.00}");
                break;
            case 7:
                var slowFrom = _random.Next(n);
                var slowTo = (slowFrom + 1 + _random.Next(n - 1)) % n;
                _slow[(slowFrom, slowTo)] = TimeSpan.FromMilliseconds(_random.Next(500, 3000));
                Note($"slow link {slowFrom} -> {slowTo}: {_slow[(slowFrom, slowTo)].TotalMilliseconds:0} ms");
                break;
            case 8:
                // Mostly the primary (as operators ask it), sometimes whichever member, to exercise the refusal.
                var primary = _members.FirstOrDefault(m => m.Core?.State == MemberState.Primary);
                StepDown(primary is not null && _random.Next(4) > 0 ? primary : _members[_random.Next(n)]);
                break;
            default:
                _cut.Clear();
                _slow.Clear();
                Note("heal the network");
                break;
        }
    }

    /// <summary>replSetStepDown, as an operator or a rolling upgrade asks it.</summary>
    private void StepDown(SimMember member)
    {
        var stepDownSecs = _random.Next(2, 8);
        var request = new StepDownRequest(++_stepDowns, stepDownSecs, CatchUpSecs: _random.Next(0, Math.Min(stepDownSecs, 4)), Force: _random.Next(2) == 0);
        Note($"ask {member.Id} to step down: {request}");
        RunStep(member, new ClientStepDown(request));
    }

    private void Cut(int member, string why)
    {
        foreach (var other in Enumerable.Range(0, _members.Length).Where(o => o != member)) CutBoth(member, other);
        Note($"{why} {member}");
    }

    private void CutBoth(int a, int b)
    {
        _cut.Add((a, b));
        _cut.Add((b, a));
    }

    private void Crash(SimMember member, TimeSpan downFor)
    {
        if (member.Core is null) return;
        member.Core = null;
        member.CrashDuringStep = null;
        member.DownUntil = _now + downFor;
        Note($"crash {member.Id} (journal of {member.Journal.Count} events kept)");
    }

    private void HealAll()
    {
        _cut.Clear();
        _slow.Clear();
        _loss = 0;
        _duplication = 0;
        foreach (var member in _members)
        {
            member.PausedUntil = TimeSpan.Zero;
            if (member.Core is null) member.DownUntil = _now;
        }
        Note("heal everything");
    }

    private void Start(SimMember member)
    {
        member.Core = new MemberCore(_config, member.Id, _random.Next(), Settings, member.Journal, MemberNow(member));
        member.WriteIds = member.Core.Log.Where(e => e.WriteId is not null).Select(e => e.WriteId!).ToHashSet();
        member.LastCommitPoint = OpTime.Null;
    }

    private DateTimeOffset MemberNow(SimMember member) => Epoch + _now + member.Skew;

    // ---- Steps -----------------------------------------------------------------------------------

    private void ClientWrite()
    {
        var target = _members[_random.Next(_members.Length)];
        if (target.Core is not { State: MemberState.Primary }) return;
        // A quarter of the writes retry a recent one (lost answer, refusal, timeout): it must not be applied twice.
        if (_issued.Count > 0 && _random.Next(4) == 0)
        {
            var retried = _issued[_issued.Count - 1 - _random.Next(Math.Min(_issued.Count, 50))];
            RunStep(target, new ClientWrite(retried, _majority[retried]));
            return;
        }
        var writeId = new BsonString($"w{++_writes}");
        _writeInvokedAt[writeId] = _now;
        _issued.Add(writeId);
        _majority[writeId] = _random.Next(3) > 0;
        RunStep(target, new ClientWrite(writeId, _majority[writeId]));
    }

    private void ClientRead()
    {
        var target = _members[_random.Next(_members.Length)];
        if (target.Core is null || _now < target.PausedUntil) return;
        var level = _random.Next(5) switch { 0 => ReadLevel.Local, 1 or 2 => ReadLevel.Majority, _ => ReadLevel.Linearizable };
        var id = ++_reads;
        _pendingReads[id] = new PendingRead(level, target.Id, _now, _ackOrder.Count, _linearizableSeen.Count);
        RunStep(target, new ClientRead(id, level));
    }

    private void Deliver()
    {
        while (_network.TryPeek(out var message, out var at) && at.Item1 <= _now.Ticks)
        {
            var to = _members[message.To];
            if (to.Core is null)
            {
                _network.Dequeue();
                continue;
            }
            // A paused member's messages wait in its socket buffer until it runs again.
            if (_now < to.PausedUntil) break;
            _network.Dequeue();
            RunStep(to, new Received(message.From, message.Message));
        }
    }

    private void RunStep(SimMember member, CoreInput input)
    {
        if (member.Core is null)
        {
            if (_now >= member.DownUntil)
            {
                Start(member);
                Note($"restart {member.Id}");
            }
            return;
        }
        if (_now < member.PausedUntil) return;
        var before = member.Core.State;
        var effects = member.Core.Step(input, MemberNow(member));
        member.Steps++;
        // The crash waits for a step that writes to the journal, so that the write can be the one lost.
        if (member.CrashDuringStep is { } downFor && effects.Any(e => e is Persist))
        {
            // The caller carries effects in order, each persist durable before the next effect: a crash part way
            // through leaves the effects before it done and loses the rest, an unsynced journal write among them.
            var done = _random.Next(effects.Count + 1);
            foreach (var effect in effects.Take(done)) Carry(member, effect);
            member.CrashDuringStep = null;
            Note($"crash {member.Id} during a step, after {done} of its {effects.Count} effects");
            Crash(member, downFor);
            return;
        }
        foreach (var effect in effects) Carry(member, effect);
        Check(member, before, effects);
    }

    private void Carry(SimMember member, CoreEffect effect)
    {
        switch (effect)
        {
            case Persist { Event: var e }:
                member.Journal.Add(e);
                if (e is OplogAppended appended)
                    foreach (var id in appended.Entries.Where(entry => entry.WriteId is not null).Select(entry => entry.WriteId!))
                        if (!member.WriteIds.Add(id))
                            throw new InvariantBroken($"member {member.Id} applied the write {id} twice");
                break;
            case Send send:
                if (_cut.Contains((member.Id, send.To)) || _random.NextDouble() < _loss) break;
                Enqueue(member.Id, send);
                if (_random.NextDouble() < _duplication) Enqueue(member.Id, send);
                break;
            case WriteAnswered { Error: null } answered when !_majority[answered.WriteId]:
                _w1Acknowledged++;
                break;
            case WriteAnswered { Error: null } answered:
                _acknowledged[answered.WriteId] = answered.At;
                _ackOrder.Add((answered.WriteId, _now));
                if (answered.At > _newestCommitted) _newestCommitted = answered.At;
                break;
            case RolledBackEntries rolledBack:
                foreach (var entry in rolledBack.Undone)
                {
                    if (entry.WriteId is not { } id) continue;
                    // A write whose first attempt never replicated and whose retry a newer primary applied is in the history
                    // once, at the retry's entry: only the entry the acknowledgement named must never be undone.
                    if (_acknowledged.TryGetValue(id, out var acknowledgedAt) && acknowledgedAt == entry.OpTime)
                        throw new InvariantBroken($"member {member.Id} rolled back the acknowledged w:majority write {id} at {entry.OpTime}");
                    member.WriteIds.Remove(id);
                }
                Note($"{member.Id} rolled back {rolledBack.Undone.Count} entries to {rolledBack.CommonPoint}");
                break;
            case ReadAnswered read:
                CheckRead(member, read);
                break;
            case StepDownAnswered answered:
                Note($"{member.Id} answered step-down {answered.RequestId}: {answered.Error?.ToString() ?? "ok"}, {answered.Message}");
                break;
            case StateChanged changed:
                Note($"{member.Id} {changed.State.ToDisplay()} (term {member.Core!.Term}): {changed.Reason}");
                break;
        }
    }

    private void Enqueue(int from, Send send)
    {
        // Delays from 1 to 30 ms reorder messages between the same members too.
        var at = _now + TimeSpan.FromMilliseconds(1 + _random.Next(30)) + _slow.GetValueOrDefault((from, send.To));
        _network.Enqueue(new InFlight(from, send.To, send.Message), (at.Ticks, ++_sequence));
    }

    // ---- Invariants ------------------------------------------------------------------------------

    private void Check(SimMember member, MemberState before, IReadOnlyList<CoreEffect> effects)
    {
        var core = member.Core!;
        // A rollback ends only by finishing (its entries undone) or by giving up into RECOVERING, which retries.
        if (before == MemberState.Rollback && core.State == MemberState.Secondary && !effects.Any(e => e is RolledBackEntries))
            throw new InvariantBroken($"member {member.Id} left ROLLBACK for SECONDARY without finishing the rollback: " +
                effects.OfType<StateChanged>().LastOrDefault()?.Reason);
        if (core.State == MemberState.Primary)
        {
            if (_primaryOfTerm.TryGetValue(core.Term, out var other) && other != member.Id)
                throw new InvariantBroken($"two primaries in term {core.Term}: members {other} and {member.Id}");
            _primaryOfTerm[core.Term] = member.Id;
            if (before == MemberState.Primary && core.CommitPoint > _newestCommitted) _newestCommitted = core.CommitPoint;
            if (before != MemberState.Primary && !_newestCommitted.IsNull && OplogSearch.IndexOf(core.Log, _newestCommitted) < 0)
                throw new InvariantBroken($"member {member.Id} became primary in term {core.Term} without the majority-committed entry {_newestCommitted}");
        }
        if (core.CommitPoint < member.LastCommitPoint)
            throw new InvariantBroken($"member {member.Id}'s commit point moved back from {member.LastCommitPoint} to {core.CommitPoint}");
        member.LastCommitPoint = core.CommitPoint;
        if (!core.CommitPoint.IsNull && OplogSearch.IndexOf(core.Log, core.CommitPoint) < 0)
            throw new InvariantBroken($"member {member.Id}'s commit point {core.CommitPoint} is not on its own oplog (newest {core.LastOpTime})");
    }

    /// <summary>
    /// A majority or linearizable read returns only writes that stay in the set's history: the OpTime it read at is
    /// majority-committed, so every later primary must hold it (checked with the other majority-committed entries),
    /// and the oplogs the set converges on hold every write it returned. (One member may still undo such an entry it
    /// got before the entry was committed, while it syncs from a member on an older branch that is ahead of it: the
    /// history keeps the entry, and the member fetches it again.) A linearizable read (the set of
    /// writes is a grow-only set) also returns every write acknowledged before it was issued, every write a linearizable
    /// read completed before it was issued returned, and, with a write it returns, every write acknowledged before that
    /// write was issued.
    /// </summary>
    private void CheckRead(SimMember member, ReadAnswered answered)
    {
        if (!_pendingReads.Remove(answered.ReadId, out var read) || answered.Error is not null) return;
        _readsAnswered++;
        if (read.Level == ReadLevel.Local) return;
        var what = $"member {member.Id}'s {read.Level.ToString().ToLowerInvariant()} read r{answered.ReadId} (issued at {read.InvokedAt.TotalMilliseconds:0} ms, at {answered.At})";
        _committedReads.UnionWith(answered.Seen);
        if (answered.At > _newestCommitted) _newestCommitted = answered.At;
        if (read.Level != ReadLevel.Linearizable) return;
        var seen = answered.Seen.ToHashSet();
        for (var i = 0; i < read.AcknowledgedBefore; i++)
            if (!seen.Contains(_ackOrder[i].WriteId))
                throw new InvariantBroken($"{what} misses the write {_ackOrder[i].WriteId}, acknowledged before the read was issued");
        for (var i = 0; i < read.SeenBefore; i++)
            if (!seen.Contains(_linearizableSeen[i]))
                throw new InvariantBroken($"{what} misses the write {_linearizableSeen[i]}, which an earlier linearizable read returned");
        var newestIssued = answered.Seen.Select(id => _writeInvokedAt[id]).DefaultIfEmpty(TimeSpan.Zero).Max();
        foreach (var (id, at) in _ackOrder.TakeWhile(a => a.At < newestIssued))
            if (!seen.Contains(id))
                throw new InvariantBroken($"{what} returns a write issued at {newestIssued.TotalMilliseconds:0} ms but misses {id}, acknowledged before that");
        foreach (var id in answered.Seen)
            if (_linearizableSeenSet.Add(id)) _linearizableSeen.Add(id);
    }

    private string? Converged()
    {
        var running = _members.Where(m => m.Core is not null).ToList();
        if (running.Count != _members.Length) return Failed("a member is still down after the heal");
        var primaries = running.Where(m => m.Core!.State == MemberState.Primary).ToList();
        if (primaries.Count != 1) return Failed($"{primaries.Count} primaries after the faults healed");
        if (running.FirstOrDefault(m => m.Core!.State != MemberState.Primary && m.Core.State != MemberState.Secondary) is { } stuck)
            return Failed($"member {stuck.Id} is {stuck.Core!.State.ToDisplay()} after the faults healed: {stuck.Core.InfoMessage}");
        var reference = primaries[0].Core!.Log.Select(e => e.OpTime).ToList();
        var kept = primaries[0].Core!.Log.Where(e => e.WriteId is not null).Select(e => e.WriteId!).ToHashSet();
        if (_committedReads.FirstOrDefault(id => !kept.Contains(id)) is { } lost)
            return $"the write {lost}, returned by a majority or linearizable read, is not in the oplog the set converged on";
        if (_acknowledged.Keys.FirstOrDefault(id => !kept.Contains(id)) is { } dropped)
            return $"the acknowledged w:majority write {dropped} is not in the oplog the set converged on";
        if (running.FirstOrDefault(m => !m.Core!.Log.Select(e => e.OpTime).SequenceEqual(reference)) is { } behind)
            return Failed($"member {behind.Id}'s oplog (newest {behind.Core!.LastOpTime}) differs from the primary's (newest {reference[^1]})");
        return null;
    }

    private string Failed(string what) =>
        $"liveness: {what}\n  states: {string.Join(", ", _members.Select(m => $"{m.Id}={m.Core?.State.ToDisplay() ?? "DOWN"} t{m.Core?.Term} last {m.Core?.LastOpTime}"))}" +
        $"\n  last events:\n    {string.Join("\n    ", _trace.TakeLast(25))}";

    private void Note(string what)
    {
        _trace.Add($"{_now.TotalMilliseconds,7:0} ms  {what}");
        if (Environment.GetEnvironmentVariable("SIM_TRACE") is { } file) File.AppendAllText(file, _trace[^1] + "\n");
        if (_trace.Count > 200) _trace.RemoveRange(0, 100);
    }

    private sealed class InvariantBroken(string message) : Exception(message);

    /// <summary>The command that replays one seed, as a failing run prints it.</summary>
    public static string ReplayCommand(int seed, int members) =>
        $"SIM_SEED={seed} SIM_MEMBERS={members} dotnet test tests/ReplicaActors.Cluster.Tests -c Release --filter FullyQualifiedName~ReplicaSetSimulationTests";

    public override string ToString() => $"seed {_seed}";
}
