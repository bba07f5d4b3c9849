using Xunit;
using Xunit.Abstractions;

namespace ReplicaActors.TestKit;

/// <summary>
/// Base for specs that want a fresh replica set per test: xunit builds the class per test, so each test
/// starts its own set (members log to the test's output) and disposes it afterwards.
/// </summary>
public abstract class ReplicaSetSpec(ITestOutputHelper output) : IAsyncLifetime
{
    protected ITestOutputHelper Output { get; } = output;

    /// <summary>The set each test gets; override to change its shape. The test's output is filled in.</summary>
    protected virtual ReplicaSetFixtureOptions Options => new();

    protected ReplicaSetFixture ReplicaSet { get; private set; } = null!;

    public async Task InitializeAsync() =>
        ReplicaSet = await ReplicaSetFixture.StartAsync(Options with { Output = Output }).ConfigureAwait(false);

    public async Task DisposeAsync()
    {
        if (ReplicaSet is not null) await ReplicaSet.DisposeAsync().ConfigureAwait(false);
    }
}
