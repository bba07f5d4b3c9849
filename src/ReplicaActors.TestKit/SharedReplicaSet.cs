using Xunit;

namespace ReplicaActors.TestKit;

/// <summary>
/// One replica set for a whole test class: derive from it (override <see cref="Options"/> to shape the set)
/// and use the derived type as an <c>IClassFixture&lt;T&gt;</c>. Tests that kill or partition members
/// should leave the set as they found it, or use <see cref="ReplicaSetSpec"/> instead.
/// </summary>
public class SharedReplicaSet : IAsyncLifetime
{
    protected virtual ReplicaSetFixtureOptions Options => new();

    public ReplicaSetFixture ReplicaSet { get; private set; } = null!;

    public async Task InitializeAsync() => ReplicaSet = await ReplicaSetFixture.StartAsync(Options).ConfigureAwait(false);

    public async Task DisposeAsync()
    {
        if (ReplicaSet is not null) await ReplicaSet.DisposeAsync().ConfigureAwait(false);
    }
}
