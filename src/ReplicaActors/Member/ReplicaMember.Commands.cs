using Akka.Actor;
using Akka.Event;
using MongoDB.Bson;
using ReplicaActors.Config;
using ReplicaActors.Consensus;
using ReplicaActors.Oplog;
using ReplicaActors.Protocol;
using ReplicaActors.Storage.Commands;

namespace ReplicaActors.Member;

/// <summary>The result of asking every other member of a proposed config whether it can join.</summary>
internal sealed record InitiateChecked(ReplicaSetConfig Config, IReadOnlyList<string> Problems, IActorRef ReplyTo);

/// <summary>Client commands: admission by state, read preference and read concern; admin commands.</summary>
public sealed partial class ReplicaMember
{
    private static readonly TimeSpan InitiateCheckTimeout = TimeSpan.FromSeconds(5);

    private void HandleCommand(CommandRequest request)
    {
        try
        {
            switch (request.Name)
            {
                case CommandCatalog.Hello or CommandCatalog.IsMaster or CommandCatalog.IsMasterLowercase:
                    Sender.Tell(CommandReply.Success(Hello()));
                    break;
                case CommandCatalog.Ping:
                    Sender.Tell(CommandReply.Success(new BsonDocument()));
                    break;
                case CommandCatalog.ReplSetGetStatus:
                    Sender.Tell(CommandReply.Success(Status()));
                    break;
                case CommandCatalog.ServerStatus:
                    Sender.Tell(CommandReply.Success(ServerStatus()));
                    break;
                case CommandCatalog.ReplSetGetConfig:
                    Sender.Tell(CommandReply.Success(new BsonDocument("config", (Config ?? throw NotYetInitialized()).ToBson())));
                    break;
                case CommandCatalog.ReplSetInitiate:
                    throw new ReplicaException(ErrorCode.AlreadyInitialized, $"already initialized: this member has config version {Config?.Version} of set '{Config?.Name}'");
                case CommandCatalog.ReplSetReconfig:
                    Reconfig(request);
                    break;
                case CommandCatalog.ReplSetStepDown:
                    StepDownCommand(request);
                    break;
                case CommandCatalog.ReplSetFreeze:
                    Freeze(request);
                    break;
                case CommandCatalog.ReplSetStepUp:
                    StepUp();
                    break;
                case CommandCatalog.ReplSetSyncFrom:
                    SyncFrom(request);
                    break;
                case CommandCatalog.Resync:
                    Resync();
                    break;
                case var name when CommandCatalog.IsWrite(name):
                    throw NotWritable();
                case var name when CommandCatalog.IsRead(name):
                    AdmitRead(request, Sender);
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

    /// <summary>
    /// Reads need a readable state; a secondary serves only reads that say they accept one
    /// (a read preference other than primary), so a client never mistakes it for the primary.
    /// </summary>
    private void AdmitRead(CommandRequest request, IActorRef replyTo)
    {
        if (!_state.IsReadable())
            throw new ReplicaException(ErrorCode.NotPrimaryOrSecondary,
                $"this member is in {_state.ToDisplay()} and serves no reads{(_state == MemberState.Startup ? ": run 'rs initiate' first" : "")}");
        if (_state == MemberState.Secondary && !AllowsSecondary(request.Command))
            throw new ReplicaException(ErrorCode.NotPrimaryNoSecondaryOk,
                "not primary and the read does not allow secondaries: give a read preference such as secondaryPreferred");

        var level = request.Command.TryGetValue("readConcern", out var rc) && rc.IsBsonDocument && rc.AsBsonDocument.TryGetValue("level", out var l)
            ? l.AsString : "local";
        switch (level)
        {
            case "local" or "available":
                _readers.Tell(new AdmittedRead(request, null, replyTo));
                break;
            case "majority" or "snapshot":
                if (_commitPoint.IsNull)
                    throw new ReplicaException(ErrorCode.ReadConcernMajorityNotAvailableYet, "no majority commit point is known yet on this member");
                _readers.Tell(new AdmittedRead(request, _commitPoint, replyTo));
                break;
            case "linearizable":
                if (_state != MemberState.Primary)
                    throw new ReplicaException(ErrorCode.NotWritablePrimary, "linearizable reads are served by the primary only");
                // A no-op after the read's start, majority-committed, proves no newer primary had taken writes. The read then
                // runs at the commit point, which has passed the barrier: writes after it that are not majority-committed
                // yet (and could still be rolled back) stay unseen.
                Write(new PendingWrite(null, ActorRefs.Nobody, new BsonDocument("msg", "linearizable read"),
                    WriteConcern.Majority with { WTimeoutMillis = (long)_settings.LinearizableTimeout.TotalMilliseconds },
                    (progress, _) =>
                    {
                        if (progress.Satisfied) _readers.Tell(new AdmittedRead(request, _commitPoint, replyTo));
                        else replyTo.Tell(CommandReply.Error(ErrorCode.MaxTimeMSExpired, "linearizable read: the no-op barrier was not majority-committed in time"));
                    }));
                break;
            default:
                throw new ReplicaException(ErrorCode.InvalidOptions, $"unknown read concern level '{level}' (local, available, majority, linearizable, snapshot)");
        }
    }

    private static bool AllowsSecondary(BsonDocument command) =>
        command.TryGetValue("$readPreference", out var pref) && pref.IsBsonDocument
        && pref.AsBsonDocument.TryGetValue("mode", out var mode) && mode.IsString && mode.AsString != "primary";

    private ReplicaException NotWritable() => _state == MemberState.Startup
        ? new ReplicaException(ErrorCode.NotWritablePrimary, "not primary: this member has no replica set config yet; run 'rs initiate' first")
        : new ReplicaException(ErrorCode.NotWritablePrimary, $"not primary: this member is {_state.ToDisplay()}{(PrimaryHost is { } p ? $"; the primary is {p}" : "")}");

    private static ReplicaException NotYetInitialized() =>
        new(ErrorCode.NotYetInitialized, "no replset config has been received: run 'rs initiate' first");

    // ---- Initiate ---------------------------------------------------------------------------------

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
        var others = config.Members.Where(m => m.Host != _settings.Host).ToList();
        if (others.Count == 0)
        {
            InstallInitiatedConfig(config, Sender);
            return;
        }
        // Every other member must answer and belong to no set yet; asked in parallel, answered as one message.
        var replyTo = Sender;
        var checks = others.Select(async member =>
        {
            try
            {
                var reply = await MemberSelection(member.Host).Ask<CommandReply>(new CommandRequest("admin", new BsonDocument("hello", 1)), InitiateCheckTimeout);
                var hello = reply.EnsureOk();
                return hello.TryGetValue("setName", out var setName)
                    ? $"{member.Describe()} already belongs to set '{setName}' (config version {hello.GetValue("setVersion", 0)})"
                    : null;
            }
            catch (Exception e) when (e is AskTimeoutException or ReplicaException)
            {
                return $"{member.Describe()} did not answer: {(e is AskTimeoutException ? "no reply within 5 s" : e.Message)}";
            }
        });
        Task.WhenAll(checks).PipeTo(Self, success: problems => new InitiateChecked(config, problems.OfType<string>().ToList(), replyTo));
    }

    private void OnInitiateChecked(InitiateChecked result)
    {
        if (result.Problems.Count > 0)
        {
            result.ReplyTo.Tell(CommandReply.Error(ErrorCode.NodeNotFound, "replSetInitiate refused: " + string.Join("; ", result.Problems)));
            return;
        }
        InstallInitiatedConfig(result.Config, result.ReplyTo);
    }

    /// <summary>
    /// The config, then MongoDB's "initiating set" no-op: the set's first oplog entry, which the other
    /// members fetch from here, so that every member holds data and can be elected.
    /// </summary>
    private void InstallInitiatedConfig(ReplicaSetConfig config, IActorRef replyTo)
    {
        Persist(new ConfigInstalled(config), installed =>
        {
            _durable = _durable.Apply(installed);
            var now = DateTimeOffset.UtcNow;
            var noop = new OplogEntry(NextOpTime(now)(), now.ToUnixTimeMilliseconds(), OpType.Noop, "", new BsonDocument("msg", "initiating set"), null);
            Persist(new OplogAppended([noop]), appended =>
            {
                ApplyToStore([noop]);
                Journaled(appended);
                _log.Info("initiated set '{0}' with config version {1}: {2} member(s)", config.Name, config.Version, config.Members.Count);
                replyTo.Tell(CommandReply.Success(new BsonDocument("info", $"initiated set '{config.Name}'")));
                OnConfigKnown(config);
            });
        });
    }

    /// <summary>The config an initiate asks for: the one given, or a set of just this member; defaults from HOCON.</summary>
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
        // MongoDB's initiate term is 0; each elected primary stamps the config with its own term.
        return config with { Term = 0, Settings = config.Settings with { ReplicaSetId = ObjectId.GenerateNewId() } };
    }

    private object ConfigDefault(string key) => key switch
    {
        "chainingAllowed" => _settings.ConfigDefaults.GetBoolean(key),
        _ => _settings.ConfigDefaults.GetLong(key),
    };
}
