using ReplicaActors.Storage;

namespace ReplicaActors.Tests.Storage;

/// <summary>A spec over its own temporary store, deleted afterwards.</summary>
public abstract class StoreSpec : IDisposable
{
    protected readonly DocumentStore store = DocumentStore.OpenTemporary();

    public void Dispose()
    {
        store.Dispose();
        GC.SuppressFinalize(this);
    }
}
