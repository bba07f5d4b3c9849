using MongoDB.Bson;

namespace ReplicaActors.Protocol;

/// <summary>
/// The client protocol: a command is a BSON document in MongoDB's command shape
/// (<c>{ insert: "coll", documents: [...] }</c>, <c>{ replSetGetStatus: 1 }</c>, ...) addressed to a database.
/// Replies are BSON documents too: <c>{ ok: 1, ... }</c> or <c>{ ok: 0, code, codeName, errmsg }</c>.
/// </summary>
public sealed record CommandRequest(string Db, BsonDocument Command) : IReplicaMessage
{
    /// <summary>The command's name: its first field.</summary>
    public string Name => Command.ElementCount == 0 ? "" : Command.GetElement(0).Name;
}

/// <summary>
/// A command the member's own wire layer asks for itself (its topology watch, cluster time, serverStatus): served as
/// <paramref name="Request"/> is, but not counted as a client's. In-process only, so it is no <see cref="IReplicaMessage"/>.
/// </summary>
public sealed record InternalCommand(CommandRequest Request);

public sealed record CommandReply(BsonDocument Body) : IReplicaMessage
{
    public bool Ok => Body.TryGetValue("ok", out var ok) && ok.ToDouble() == 1.0;

    public static CommandReply Success(BsonDocument body)
    {
        var reply = new BsonDocument(body);
        reply.Set("ok", 1.0);
        return new CommandReply(reply);
    }

    public static CommandReply Error(ErrorCode code, string message) => new(new BsonDocument
    {
        { "ok", 0.0 },
        { "errmsg", message },
        { "code", (int)code },
        { "codeName", code.ToString() },
    });

    public static CommandReply Error(ReplicaException e) => Error(e.Code, e.Message);

    /// <summary>Throws the reply's error as a <see cref="ReplicaException"/> if it is one.</summary>
    public BsonDocument EnsureOk()
    {
        if (Ok) return Body;
        var code = Body.TryGetValue("code", out var c) ? (ErrorCode)c.ToInt32() : ErrorCode.InternalError;
        var message = Body.TryGetValue("errmsg", out var m) ? m.AsString : "command failed";
        throw new ReplicaException(code, message);
    }
}
