using Microsoft.Extensions.Diagnostics.HealthChecks;
using MongoDB.Bson;
using ReplicaActors.Client;
using ReplicaActors.Hosting;
using ReplicaActors.Protocol;

namespace ReplicaActors.Tests.Hosting;

public class ReplicaSetMemberHealthCheckTests
{
    private const string Host = "127.0.0.1:27601";

    public static TheoryData<string, HealthStatus, string> Hellos => new()
    {
        { """{"isWritablePrimary": true, "secondary": false, "setName": "rs0", "hosts": ["127.0.0.1:27601"]}""", HealthStatus.Healthy, "PRIMARY" },
        { """{"isWritablePrimary": false, "secondary": true, "setName": "rs0", "primary": "127.0.0.1:27602"}""", HealthStatus.Healthy, "SECONDARY" },
        { """{"isWritablePrimary": false, "secondary": false, "setName": "rs0", "arbiterOnly": true}""", HealthStatus.Healthy, "ARBITER" },
        { """{"isWritablePrimary": false, "secondary": false, "isreplicaset": true}""", HealthStatus.Degraded, "STARTUP" },
        { """{"isWritablePrimary": false, "secondary": false, "setName": "rs0"}""", HealthStatus.Degraded, "neither PRIMARY nor SECONDARY" },
    };

    [Theory]
    [MemberData(nameof(Hellos))]
    public async Task Maps_the_members_hello_to_a_health_status(string hello, HealthStatus expected, string state)
    {
        var check = new ReplicaSetMemberHealthCheck(new FakeTransport(_ => CommandReply.Success(BsonDocument.Parse(hello))), new MemberEndpoint(Host));

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(expected, result.Status);
        Assert.StartsWith(state, (string)result.Data["state"]);
        Assert.Contains(Host, result.Description);
    }

    [Fact]
    public async Task A_member_that_does_not_answer_is_unhealthy()
    {
        var check = new ReplicaSetMemberHealthCheck(
            new FakeTransport(_ => throw new ReplicaException(ErrorCode.HostUnreachable, $"cannot connect to {Host}: ConnectionRefused")),
            new MemberEndpoint(Host));

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("ConnectionRefused", result.Description);
    }

    private sealed class FakeTransport(Func<CommandRequest, CommandReply> answer) : ICommandTransport
    {
        public Task<CommandReply> SendAsync(string host, CommandRequest request, TimeSpan timeout, CancellationToken cancellationToken = default) =>
            Task.FromResult(host == Host && request.Name == "hello" ? answer(request) : CommandReply.Error(ErrorCode.BadValue, $"unexpected {request.Name} to {host}"));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
