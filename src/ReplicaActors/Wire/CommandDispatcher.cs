using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Security;

namespace ReplicaActors.Wire;

/// <summary>
/// Sends each command to the family that serves it: most go to the member as they are (the wire layer
/// translates, the member decides, findAndModify included); hello, cursors, aggregation, distinct and the probes
/// drivers and mongosh send at start are shaped here; change streams are served here (<see cref="ChangeStreamCommands"/>);
/// authentication and users too (<see cref="SaslCommands"/>, <see cref="UserCommands"/>), and with authorization on,
/// every command is first put to <see cref="Admission"/>. Every failure becomes a MongoDB-shaped error reply.
/// </summary>
public sealed class CommandDispatcher(MemberChannel member, CursorRegistry cursors, ChangeStreamCommands changeStreams, TopologyWatch topology, ServerStatus status, WireSettings settings, UserStore users, AuthSettings auth)
{
    /// <summary>Errors that say the member's role just changed (the SDAM spec's not-primary and node-is-recovering codes).</summary>
    private static readonly HashSet<int> StateChangeCodes = [91, 189, 10058, 10107, 11600, 11602, 13435, 13436];

    private readonly HelloCommand _hello = new(member, topology, settings);
    private readonly QueryCommands _queries = new(member, cursors, changeStreams);
    private readonly ClusterTime _clusterTime = new(member, settings.AfterClusterTimePollInterval);
    private readonly SaslCommands _sasl = new(users);
    private readonly UserCommands _userCommands = new(users, auth);

    /// <param name="session">Who the connection is; its user and SASL conversation change with authentication commands.</param>
    public async Task<BsonDocument> RunAsync(WireRequest request, ClientSession session, CancellationToken cancellationToken = default)
    {
        BsonDocument reply;
        status.Count(request);
        var stream = request.Name == "getMore" && request.Command.ElementCount > 0 && request.Command[0] is BsonInt64 id ? changeStreams.Find(id.Value) : null;
        var changeStream = stream is not null || request.Name == "aggregate" && ChangeStreamSpec.IsChangeStream(request.Command);
        try
        {
            if (request.Command.ElementCount == 0)
                throw new ReplicaException(ErrorCode.FailedToParse, "the command document is empty: its first field names the command");
            if (request.Command.Contains("startTransaction") || request.Command.Contains("autocommit"))
                throw new ReplicaException(ErrorCode.OperationNotSupportedInTransaction, "multi-document transactions are not supported by ReplicaActors");
            if (auth.Enabled) await AdmitAsync(request, session, cancellationToken).ConfigureAwait(false);
            if (ClusterTime.AfterClusterTime(request.Command) is { } after)
                await _clusterTime.WaitForAsync(request.Command, after, cancellationToken).ConfigureAwait(false);
            reply = request.Name switch
            {
                var name when HelloDocument.IsHello(name) => await HelloAsync(request, session, cancellationToken).ConfigureAwait(false),
                "saslStart" => await _sasl.StartAsync(request.Db, request.Command, session, cancellationToken).ConfigureAwait(false),
                "saslContinue" => _sasl.Continue(request.Command, session),
                "logout" => Logout(session),
                "connectionStatus" => ConnectionStatus(session),
                var name when UserCommands.Serves(name) => await _userCommands.RunAsync(request, session, cancellationToken).ConfigureAwait(false),
                var name when ServerCommands.Serves(name) => ServerCommands.Run(request),
                "serverStatus" => await status.RunAsync(cancellationToken).ConfigureAwait(false),
                "find" => await _queries.FindAsync(request, cancellationToken).ConfigureAwait(false),
                "aggregate" when changeStream => await changeStreams.OpenAsync(request, cancellationToken).ConfigureAwait(false),
                "aggregate" => await _queries.AggregateAsync(request, cancellationToken).ConfigureAwait(false),
                "getMore" when stream is not null => await changeStreams.GetMoreAsync(stream, request, cancellationToken).ConfigureAwait(false),
                "distinct" => await _queries.DistinctAsync(request, cancellationToken).ConfigureAwait(false),
                "getMore" => _queries.GetMore(request),
                "killCursors" => _queries.KillCursors(request),
                "replSetInitiate" => await member.AskAsync(request.Db, InitiateForMember(request), cancellationToken).ConfigureAwait(false),
                "commitTransaction" or "abortTransaction" =>
                    throw new ReplicaException(ErrorCode.NoSuchTransaction, "multi-document transactions are not supported by ReplicaActors"),
                _ => await member.AskAsync(request.Db, request.ForMember(), cancellationToken).ConfigureAwait(false),
            };
        }
        catch (ReplicaException e)
        {
            reply = CommandReply.Error(e).Body;
        }
        catch (Exception e) when (e is InvalidCastException or KeyNotFoundException or ArgumentException or FormatException or OverflowException)
        {
            // A field of the wrong type somewhere the command is read: the client's mistake, answered, never a crash.
            reply = CommandReply.Error(ErrorCode.BadValue, $"'{request.Name}' could not be read: {e.Message}").Body;
        }
        // Such an error carries no topologyVersion, so drivers never judge it stale and re-check the member at
        // once; the watch looks again too, so monitors waiting on hello hear of the change.
        if (!WireErrors.IsOk(reply) && reply.GetValue("code", 0) is { IsNumeric: true } code && StateChangeCodes.Contains(code.ToInt32())) topology.Poke();
        // Drivers take no cluster time from monitoring (hello), so it goes without the extra question to the member.
        if (!HelloDocument.IsHello(request.Name) && await _clusterTime.OperationTimeAsync().ConfigureAwait(false) is { } time)
            reply = ClusterTime.Stamped(reply, time);
        // A getMore whose cursor is gone may have been a change stream's: drivers resume those, and ignore the label on others.
        if (changeStream || request.Name == "getMore") reply = WireErrors.LabelledForChangeStream(reply);
        return WireErrors.Labelled(reply, request.IsRetryableWrite);
    }

    /// <summary>Throws the refusal if the connection's user may not run the command (the localhost exception looked up only when it could matter).</summary>
    private async Task AdmitAsync(WireRequest request, ClientSession session, CancellationToken cancellationToken)
    {
        var collection = request.Command[0] is BsonString { Value: var name } ? name : null;
        var localhostException = session.User is null && session.FromLoopback && request.Name == "createUser"
                                 && !await users.AnyAsync(cancellationToken).ConfigureAwait(false);
        if (Admission.Refusal(request.Name, request.Db, collection, session.User?.Roles, localhostException) is { } refusal) throw refusal;
    }

    /// <summary>
    /// hello, plus what drivers ask of it for authentication: the mechanisms of the user named in
    /// <c>saslSupportedMechs</c> (none for an unknown user, as mongod), and the answer to a <c>speculativeAuthenticate</c>
    /// saslStart (left out when it fails, so the driver runs the conversation itself and hears why).
    /// </summary>
    private async Task<BsonDocument> HelloAsync(WireRequest request, ClientSession session, CancellationToken cancellationToken)
    {
        var reply = await _hello.RunAsync(request, cancellationToken).ConfigureAwait(false);
        if (!WireErrors.IsOk(reply)) return reply;
        if (request.Command.TryGetValue("saslSupportedMechs", out var named))
        {
            var dot = named.IsString ? named.AsString.IndexOf('.') : -1;
            if (dot <= 0) throw new ReplicaException(ErrorCode.BadValue, "hello's saslSupportedMechs must name a user as '<db>.<user>'");
            if (await users.FindAsync(named.AsString[..dot], named.AsString[(dot + 1)..], cancellationToken).ConfigureAwait(false) is { Credential: not null })
                reply["saslSupportedMechs"] = new BsonArray { ScramCredential.Mechanism };
        }
        if (request.Command.GetValue("speculativeAuthenticate", BsonNull.Value) is BsonDocument { ElementCount: > 0 } start && start.GetElement(0).Name == "saslStart")
        {
            try
            {
                var answer = await _sasl.StartAsync(start.GetValue("db", request.Db).AsString, start, session, cancellationToken).ConfigureAwait(false);
                answer.Remove("ok");
                reply["speculativeAuthenticate"] = answer;
            }
            catch (Exception e) when (e is ReplicaException or InvalidCastException or FormatException)
            {
                // The driver runs saslStart itself when hello carries no answer, and hears the reason then.
            }
        }
        return reply;
    }

    /// <summary>Who the connection is logged in as, and with which roles (mongosh's <c>db.runCommand({connectionStatus: 1})</c>).</summary>
    private static BsonDocument ConnectionStatus(ClientSession session) => CommandReply.Success(new BsonDocument("authInfo", new BsonDocument
    {
        { "authenticatedUsers", new BsonArray(session.User is { } user ? [new BsonDocument { { "user", user.User }, { "db", user.Db } }] : Array.Empty<BsonDocument>()) },
        { "authenticatedUserRoles", new BsonArray(session.User?.Roles.Select(r => r.ToBson()) ?? []) },
    })).Body;

    private static BsonDocument Logout(ClientSession session)
    {
        session.User = null;
        session.Sasl = null;
        return CommandReply.Success(new BsonDocument()).Body;
    }

    /// <summary>mongosh's <c>rs.initiate()</c> sends an empty config, meaning what the member's null means: a set of itself.</summary>
    private static BsonDocument InitiateForMember(WireRequest request)
    {
        var command = request.ForMember();
        if (command[0] is BsonDocument { ElementCount: 0 }) command[0] = BsonNull.Value;
        return command;
    }
}
