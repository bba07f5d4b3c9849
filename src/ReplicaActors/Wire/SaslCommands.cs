using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Security;

namespace ReplicaActors.Wire;

/// <summary>
/// saslStart and saslContinue for SCRAM-SHA-256 (the driver authentication spec), with <c>skipEmptyExchange</c>,
/// and the same saslStart carried by hello's <c>speculativeAuthenticate</c>. One conversation per connection, id 1;
/// a new saslStart replaces the one under way, and any failure ends it.
/// </summary>
public sealed class SaslCommands(UserStore users)
{
    private const int ConversationId = 1;
    private const string Sha1 = "SCRAM-SHA-1";

    /// <param name="db">The user's database: the saslStart's <c>$db</c> (the driver's authSource).</param>
    public async Task<BsonDocument> StartAsync(string db, BsonDocument command, ClientSession session, CancellationToken cancellationToken)
    {
        session.Sasl = null;
        var mechanism = command.GetValue("mechanism", BsonNull.Value);
        if (mechanism != ScramCredential.Mechanism && mechanism != Sha1)
            throw Unavailable(mechanism);
        var first = ScramClientFirst.Parse(Payload(command));
        var user = await users.FindAsync(db, first.User, cancellationToken).ConfigureAwait(false);
        if (user?.Credential is not { } credential) throw new ReplicaException(ErrorCode.AuthenticationFailed, ScramConversation.FailedMessage);
        // Drivers fall back to SCRAM-SHA-1 for a user hello did not name mechanisms for, an unknown one: that is
        // AuthenticationFailed above, as in mongod; only a user who exists hears that the mechanism is missing.
        if (mechanism == Sha1) throw Unavailable(mechanism);
        var conversation = new ScramConversation(first, credential);
        var skipEmpty = command.GetValue("options", BsonNull.Value) is BsonDocument options && options.GetValue("skipEmptyExchange", false).ToBoolean();
        session.Sasl = new SaslState(conversation, user, skipEmpty);
        return Step(done: false, conversation.ServerFirst);
    }

    public BsonDocument Continue(BsonDocument command, ClientSession session)
    {
        var state = session.Sasl ?? throw new ReplicaException(ErrorCode.ProtocolError, "No SASL session state found: saslContinue needs a saslStart on this connection first");
        // Whatever happens next, this step is the conversation's last unless it asks for the empty exchange.
        session.Sasl = null;
        if (command.GetValue("conversationId", BsonNull.Value) is not { IsNumeric: true } id || id.ToInt64() != ConversationId)
            throw new ReplicaException(ErrorCode.ProtocolError, $"saslContinue's conversationId must be {ConversationId}, this connection's conversation");
        var payload = Payload(command);
        if (state.AwaitingEmpty)
        {
            if (payload.Length != 0) throw new ReplicaException(ErrorCode.AuthenticationFailed, "Authentication failed: the last saslContinue must be empty.");
            session.User = state.User;
            return Step(done: true, []);
        }
        var serverFinal = state.Conversation.Finish(payload);
        if (state.SkipEmptyExchange)
        {
            session.User = state.User;
            return Step(done: true, serverFinal);
        }
        state.AwaitingEmpty = true;
        session.Sasl = state;
        return Step(done: false, serverFinal);
    }

    private static ReplicaException Unavailable(BsonValue mechanism) => new(ErrorCode.MechanismUnavailable,
        $"Received authentication for mechanism {mechanism} which is not enabled: this server offers {ScramCredential.Mechanism} only");

    private static byte[] Payload(BsonDocument command) => command.GetValue("payload", BsonNull.Value) switch
    {
        BsonBinaryData binary => binary.Bytes,
        // Some clients send the payload as a string.
        BsonString text => System.Text.Encoding.UTF8.GetBytes(text.Value),
        _ => throw new ReplicaException(ErrorCode.BadValue, "the SASL payload is missing: 'payload' must be binary data"),
    };

    private static BsonDocument Step(bool done, byte[] payload) => CommandReply.Success(new BsonDocument
    {
        { "conversationId", ConversationId },
        { "done", done },
        { "payload", new BsonBinaryData(payload) },
    }).Body;
}
