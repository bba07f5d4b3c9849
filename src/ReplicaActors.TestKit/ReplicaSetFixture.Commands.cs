using MongoDB.Bson;
using ReplicaActors.Protocol;

namespace ReplicaActors.TestKit;

/// <summary>Talking to members: commands, and waiting for the set to settle on a primary.</summary>
public sealed partial class ReplicaSetFixture
{
    private static readonly TimeSpan DefaultWaitTimeout = TimeSpan.FromSeconds(30);

    /// <summary>A single hello must not eat the whole deadline of a wait when one member hangs.</summary>
    private static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(2);

    public Task<CommandReply> SendAsync(FixtureMember member, string db, BsonDocument command) =>
        SendAsync(member.Host, db, command);

    public Task<CommandReply> SendAsync(FixtureMember member, string db, string command) =>
        SendAsync(member.Host, db, BsonDocument.Parse(command));

    public Task<CommandReply> SendAsync(string host, string db, string command) =>
        SendAsync(host, db, BsonDocument.Parse(command));

    public Task<CommandReply> SendAsync(string host, string db, BsonDocument command) =>
        _transport.SendAsync(host, new CommandRequest(db, command), Options.CommandTimeout);

    /// <summary>
    /// Polls hello on the running members (those <paramref name="where"/> accepts) until exactly one of them
    /// says it is the writable primary, and returns it. On timeout the exception shows each member's last hello.
    /// </summary>
    public Task<FixtureMember> WaitForPrimaryAsync(TimeSpan? timeout = null, Func<FixtureMember, bool>? where = null) =>
        Eventually.UntilAsync("a single writable primary", timeout ?? DefaultWaitTimeout, async () =>
        {
            var candidates = _members.Where(m => m.IsRunning && (where?.Invoke(m) ?? true)).ToList();
            var hellos = await Task.WhenAll(candidates.Select(HelloAsync)).ConfigureAwait(false);
            var primaries = hellos.Where(h => h.Hello?.GetValue("isWritablePrimary", false).AsBoolean == true).ToList();
            var seen = hellos.Length == 0
                ? "no running member matches"
                : string.Join(Environment.NewLine, hellos.Select(h => $"  {h.Member}: {h.Hello?.ToString() ?? h.Error}"));
            return (primaries.Count == 1 ? primaries[0].Member : null, seen);
        });

    /// <summary>Asks the primary to step down (<c>replSetStepDown: 60, force: true</c>) and returns the member that was primary.</summary>
    public async Task<FixtureMember> StepDownAsync()
    {
        var primary = await WaitForPrimaryAsync().ConfigureAwait(false);
        Log($"stepping down {primary}");
        (await SendAsync(primary, "admin", "{ replSetStepDown: 60, force: true }").ConfigureAwait(false)).EnsureOk();
        return primary;
    }

    private async Task<(FixtureMember Member, BsonDocument? Hello, string? Error)> HelloAsync(FixtureMember member)
    {
        try
        {
            var reply = await _transport.SendAsync(member.Host, new CommandRequest("admin", new BsonDocument(CommandCatalog.Hello, 1)), HelloTimeout).ConfigureAwait(false);
            return reply.Ok ? (member, reply.Body, null) : (member, null, $"error {reply.Body}");
        }
        catch (ReplicaException e)
        {
            return (member, null, $"{e.Code}: {e.Message}");
        }
    }
}
