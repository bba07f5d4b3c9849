using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Persistence;
using Akka.Routing;
using MongoDB.Bson;
using ReplicaActors.Config;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;
using ReplicaActors.Storage;
using ReplicaActors.Storage.Commands;

namespace ReplicaActors.Member;

/// <summary>
/// One replica-set member: the persistent actor whose journal is the oplog (plus terms, votes and
/// configs). It is a thin shell: config rules live in Config/, write validation in Storage/, and
/// each member state is a behavior switched with Become.
/// </summary>
public sealed partial class ReplicaMember : ReceivePersistentActor
{
    private readonly MemberSettings _settings;
    private readonly DocumentStore _store;
    private readonly WriteCommandExecutor _writer;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;
    private readonly List<OplogEntry> _unappliedTail = [];
    private readonly GroupCommit _groupCommit;
    private IActorRef _readers = ActorRefs.Nobody;
    private MemberDurableState _durable = MemberDurableState.Empty;
    private MemberState _state = MemberState.Startup;
    private Timestamp _lastIssued = Timestamp.Zero;
    private DateTimeOffset? _electionDate;

    public ReplicaMember(MemberSettings settings, DocumentStore store)
    {
        _settings = settings;
        _store = store;
        _writer = new WriteCommandExecutor(settings.MaxDocumentBytes);
        _groupCommit = new GroupCommit(settings.MaxWritesPerBatch);

        Recover<OplogAppended>(e =>
        {
            _durable = _durable.Apply(e);
            var applied = _store.AppliedOpTime;
            _unappliedTail.AddRange(e.Entries.Where(entry => entry.OpTime > applied));
        });
        Recover<TermChanged>(e => _durable = _durable.Apply(e));
        Recover<ConfigInstalled>(e => _durable = _durable.Apply(e));
        Recover<RecoveryCompleted>(_ => OnRecovered());
        Command<CommandRequest>(_ => Stash.Stash());
    }

    public override string PersistenceId => "replica-member";

    public static Props Props(MemberSettings settings, DocumentStore store) =>
        Akka.Actor.Props.Create(() => new ReplicaMember(settings, store)).WithDispatcher("akka.actor.storage-dispatcher");

    protected override void PreStart()
    {
        _readers = Context.ActorOf(
            ReaderActor.Props(new ReadCommandExecutor(_store))
                .WithRouter(new RoundRobinPool(_settings.ReaderCount))
                .WithDispatcher("akka.actor.reader-dispatcher"),
            "readers");
        base.PreStart();
    }

    /// <summary>Readers are stateless; a failed read is answered with an error already, so restart.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(Decider.From(Directive.Restart));

    protected override void PostStop()
    {
        _groupCommit.Abandon();
        base.PostStop();
    }

    private void OnRecovered()
    {
        // Entries the journal made durable but the store had not committed when the process died.
        if (_unappliedTail.Count > 0)
        {
            using var batch = _store.BeginBatch();
            foreach (var entry in _unappliedTail) batch.Apply(entry);
            batch.Commit();
            _log.Info("re-applied {0} oplog entries from the journal after {1}", _unappliedTail.Count, _unappliedTail[0].OpTime);
            _unappliedTail.Clear();
        }
        _lastIssued = _durable.LastOpTime.Ts;
        _log.Info("member {0} recovered: term {1}, last oplog entry {2}, config version {3}",
            _settings.Host, _durable.Term, _durable.LastOpTime, _durable.Config?.Version.ToString() ?? "none");
        if (_durable.Config is { } config) OnConfigKnown(config);
        else Become(Startup);
        Stash.UnstashAll();
    }

    // ---- Behaviors -------------------------------------------------------------------------------

    /// <summary>STARTUP: no config yet. Only hello, status and replSetInitiate mean anything.</summary>
    private void Startup()
    {
        _state = MemberState.Startup;
        Command<CommandRequest>(request =>
        {
            if (request.Name == "replSetInitiate") Initiate(request);
            else HandleCommon(request);
        });
    }

    /// <summary>SECONDARY: holds data and serves reads; writes go to the primary.</summary>
    private void Secondary()
    {
        _state = MemberState.Secondary;
        Command<CommandRequest>(HandleCommon);
    }

    /// <summary>REMOVED: the installed config does not name this member; it serves nothing.</summary>
    private void Removed()
    {
        _state = MemberState.Removed;
        Command<CommandRequest>(HandleCommon);
    }

    /// <summary>PRIMARY: takes writes through group commit.</summary>
    private void Primary()
    {
        _state = MemberState.Primary;
        Command<CommandRequest>(request =>
        {
            if (WriteCommandExecutor.IsWrite(request.Name)) Write(new PendingWrite(request, Sender));
            else HandleCommon(request);
        });
    }

    // ---- Commands every state answers ----------------------------------------------------------

    private void HandleCommon(CommandRequest request)
    {
        try
        {
            switch (request.Name)
            {
                case "hello" or "isMaster" or "ismaster":
                    Sender.Tell(CommandReply.Success(Hello()));
                    break;
                case "ping":
                    Sender.Tell(CommandReply.Success(new BsonDocument()));
                    break;
                case "replSetGetStatus":
                    Sender.Tell(CommandReply.Success(Status()));
                    break;
                case "replSetGetConfig":
                    var config = _durable.Config ?? throw NotYetInitialized();
                    Sender.Tell(CommandReply.Success(new BsonDocument("config", config.ToBson())));
                    break;
                case "replSetInitiate":
                    throw new ReplicaException(ErrorCode.AlreadyInitialized, $"already initialized: this member has config version {_durable.Config?.Version} of set '{_durable.Config?.Name}'");
                case var name when WriteCommandExecutor.IsWrite(name):
                    throw NotWritable();
                case var name when ReadCommandExecutor.IsRead(name):
                    if (!_state.IsReadable())
                        throw new ReplicaException(ErrorCode.NotPrimaryOrSecondary, $"this member is in {_state.ToDisplay()} and serves no reads{(_state == MemberState.Startup ? ": run 'rs initiate' first" : "")}");
                    _readers.Tell(new AdmittedRead(request, null, Sender));
                    break;
                default:
                    throw new ReplicaException(ErrorCode.CommandNotFound, $"no such command: '{request.Name}'");
            }
        }
        catch (ReplicaException e)
        {
            Sender.Tell(CommandReply.Error(e));
        }
    }

    private ReplicaException NotWritable() => _state == MemberState.Startup
        ? new ReplicaException(ErrorCode.NotWritablePrimary, "not primary: this member has no replica set config yet; run 'rs initiate' first")
        : new ReplicaException(ErrorCode.NotWritablePrimary, $"not primary: this member is {_state.ToDisplay()}");

    private static ReplicaException NotYetInitialized() =>
        new(ErrorCode.NotYetInitialized, "no replset config has been received: run 'rs initiate' first");

    // ---- Config and elections -------------------------------------------------------------------

    private void Initiate(CommandRequest request)
    {
        ReplicaSetConfig config;
        try
        {
            config = InitiateConfig(request.Command[0]);
        }
        catch (ReplicaException e)
        {
            Sender.Tell(CommandReply.Error(e));
            return;
        }
        Persist(new ConfigInstalled(config), e =>
        {
            _durable = _durable.Apply(e);
            _log.Info("initiated set '{0}' with config version {1}: {2} member(s)", config.Name, config.Version, config.Members.Count);
            Sender.Tell(CommandReply.Success(new BsonDocument("info", $"initiated set '{config.Name}'")));
            OnConfigKnown(config);
        });
    }

    /// <summary>The config an initiate asks for: the one given, or a set of just this member.</summary>
    private ReplicaSetConfig InitiateConfig(BsonValue argument)
    {
        var document = argument switch
        {
            BsonDocument given => given,
            { IsBsonNull: true } or { IsNumeric: true } => new BsonDocument
            {
                { "_id", _settings.ReplSetName },
                { "version", 1 },
                { "members", new BsonArray { new BsonDocument { { "_id", 0 }, { "host", _settings.Host } } } },
            },
            _ => throw new ReplicaException(ErrorCode.TypeMismatch, $"replSetInitiate takes a config document (or nothing), got {argument.BsonType}"),
        };
        if (!document.Contains("version")) document = new BsonDocument(document) { { "version", 1 } };
        var settings = document.TryGetValue("settings", out var s) && s.IsBsonDocument ? new BsonDocument(s.AsBsonDocument) : new BsonDocument();
        foreach (var entry in _settings.ConfigDefaults.AsEnumerable())
            if (!settings.Contains(entry.Key)) settings[entry.Key] = BsonValue.Create(ConfigDefault(entry.Key));
        document = new BsonDocument(document) { ["settings"] = settings };

        var config = ReplicaSetConfig.FromBson(document);
        ConfigValidator.ValidateInitiate(config, _settings.Host, _settings.ReplSetName);
        return config with { Settings = config.Settings with { ReplicaSetId = ObjectId.GenerateNewId() } };
    }

    private object ConfigDefault(string key) => key switch
    {
        "chainingAllowed" => _settings.ConfigDefaults.GetBoolean(key),
        _ => _settings.ConfigDefaults.GetLong(key),
    };

    private void OnConfigKnown(ReplicaSetConfig config)
    {
        JoinCluster(config);
        if (config.FindByHost(_settings.Host) is not { } self)
        {
            Become(Removed);
            return;
        }
        Become(Secondary);
        // A set whose only voter is this member needs nobody else's vote.
        if (config.MajorityVoteCount == 1 && self.IsElectable)
            StandUnopposed(self);
    }

    private void JoinCluster(ReplicaSetConfig config)
    {
        var seeds = config.Members
            .Select(m => MemberAddress(m.Host))
            .ToList();
        Cluster.Get(Context.System).JoinSeedNodes(seeds);
    }

    private static Address MemberAddress(string host)
    {
        var colon = host.LastIndexOf(':');
        return new Address("akka.tcp", ReplicaActorsConfig.SystemName, host[..colon], int.Parse(host[(colon + 1)..]));
    }

    private void StandUnopposed(MemberConfig self)
    {
        Persist(new TermChanged(_durable.Term + 1, self.Id), e =>
        {
            _durable = _durable.Apply(e);
            _electionDate = DateTimeOffset.UtcNow;
            _log.Info("elected PRIMARY in term {0}", _durable.Term);
            Become(Primary);
            Write(new PendingWrite(null, ActorRefs.Nobody, new BsonDocument("msg", "new primary")));
        });
    }

    private Func<OpTime> NextOpTime(DateTimeOffset now) => () =>
    {
        _lastIssued = OpTimeClock.Next(_lastIssued, now.ToUnixTimeSeconds());
        return new OpTime(_lastIssued, _durable.Term);
    };
}
