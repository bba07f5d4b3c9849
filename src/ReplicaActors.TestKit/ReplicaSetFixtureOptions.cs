using Xunit.Abstractions;

namespace ReplicaActors.TestKit;

/// <summary>Where a fixture's members keep their oplog journal.</summary>
public enum FixtureJournal
{
    /// <summary>The real SQLite journal in each member's folder: data survives a kill and restart.</summary>
    Sqlite,

    /// <summary>Akka's in-memory journal and a temporary store: fast, and a restarted member starts empty.</summary>
    InMemory,
}

/// <summary>How <see cref="ReplicaSetFixture"/> builds its set.</summary>
public sealed record ReplicaSetFixtureOptions
{
    /// <summary>
    /// Timings fast enough for tests but, per the failure-detector measurements on 2 cores,
    /// not so tight that thread-pool hiccups look like crashes.
    /// </summary>
    public const string FastProfile = """
        replica-actors.config-defaults {
          heartbeatIntervalMillis = 200
          heartbeatTimeoutSecs = 2
          electionTimeoutMillis = 1000
          catchUpTimeoutMillis = 2000
          catchUpTakeoverDelayMillis = 3000
        }
        akka.scheduler.tick-duration = 10ms
        akka.cluster.failure-detector {
          heartbeat-interval = 250ms
          acceptable-heartbeat-pause = 2s
        }
        """;

    /// <summary>Data-bearing members.</summary>
    public int Members { get; init; } = 3;

    /// <summary>Adds one arbiter after the data-bearing members (it is the last in <see cref="ReplicaSetFixture.Members"/>).</summary>
    public bool Arbiter { get; init; }

    public FixtureJournal Journal { get; init; } = FixtureJournal.Sqlite;

    /// <summary>HOCON for timings; replace it to test other profiles.</summary>
    public string Profile { get; init; } = FastProfile;

    /// <summary>HOCON over the profile, for every member (it cannot move a member's port or folder).</summary>
    public string ExtraHocon { get; init; } = "";

    public string SetName { get; init; } = "rs0";

    /// <summary>
    /// On: members run as <c>launch --auth</c> makes them, with mutual TLS on remoting, a TLS-only wire port and logins,
    /// from certificates the fixture makes; once the set is initiated the fixture creates <c>root</c> with a generated
    /// password. <see cref="ReplicaSetFixture.ConnectionString"/> then logs in as root over TLS, and
    /// <see cref="ReplicaSetFixture.MongoClientSettings"/> trusts the fixture's CA.
    /// </summary>
    public bool Secure { get; init; }

    /// <summary>Off: members start but nobody runs replSetInitiate (to test the transport or Akka cluster alone).</summary>
    public bool Initiate { get; init; } = true;

    /// <summary>Receives the fixture's own steps and every member's Akka log.</summary>
    public ITestOutputHelper? Output { get; init; }

    /// <summary>How long one command may take before the fixture gives up on it.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long StartAsync waits for the first primary.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(30);

    internal int MemberCount => Members + (Arbiter ? 1 : 0);

    internal void Validate()
    {
        if (Members < 1) throw new ArgumentOutOfRangeException(nameof(Members), Members, "a replica set needs at least one data-bearing member");
        if (string.IsNullOrWhiteSpace(SetName)) throw new ArgumentException("the set needs a name", nameof(SetName));
    }
}
