using Microsoft.Extensions.Diagnostics.HealthChecks;
using MongoDB.Bson;
using ReplicaActors.Client;
using ReplicaActors.Protocol;

namespace ReplicaActors.Hosting;

/// <summary>
/// Reports the embedded member's state from its <c>hello</c>: Healthy when it serves (PRIMARY, SECONDARY, ARBITER),
/// Degraded when it is up but not serving (no config yet, STARTUP2, RECOVERING, ROLLBACK, a new primary catching up),
/// Unhealthy when it does not answer.
/// </summary>
public sealed class ReplicaSetMemberHealthCheck(ICommandTransport transport, MemberEndpoint member) : IHealthCheck
{
    public const string Name = "replica-set-member";

    private static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        BsonDocument hello;
        try
        {
            var reply = await transport.SendAsync(member.Host, new CommandRequest("admin", new BsonDocument(CommandCatalog.Hello, 1)), HelloTimeout, cancellationToken).ConfigureAwait(false);
            hello = reply.EnsureOk();
        }
        catch (ReplicaException e)
        {
            return HealthCheckResult.Unhealthy($"member {member.Host} did not answer hello: {e.Message}", e);
        }
        return Classify(member.Host, HelloReply.Parse(hello));
    }

    public static HealthCheckResult Classify(string host, HelloReply hello)
    {
        var data = new Dictionary<string, object> { ["host"] = host };
        if (hello.SetName is { } setName) data["setName"] = setName;
        if (hello.Primary is { } primary) data["primary"] = primary;
        var (status, state) = hello switch
        {
            { IsWritablePrimary: true } => (HealthStatus.Healthy, "PRIMARY"),
            { Secondary: true } => (HealthStatus.Healthy, "SECONDARY"),
            { ArbiterOnly: true } => (HealthStatus.Healthy, "ARBITER"),
            { SetName: null } => (HealthStatus.Degraded, "STARTUP (no replica set config yet: run rs initiate)"),
            _ => (HealthStatus.Degraded, "neither PRIMARY nor SECONDARY (STARTUP2, RECOVERING, ROLLBACK or a primary catching up)"),
        };
        data["state"] = state;
        return new HealthCheckResult(status, $"member {host}: {state}", data: data);
    }
}
