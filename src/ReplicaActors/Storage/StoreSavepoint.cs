using ReplicaActors.Protocol;

namespace ReplicaActors.Storage;

/// <summary>
/// A SAVEPOINT inside a batch: <see cref="Release"/> keeps what was done since it was taken; disposing
/// without releasing undoes exactly that, leaving the batch's earlier writes in place.
/// </summary>
public sealed class StoreSavepoint : IDisposable
{
    private readonly StoreBatch batch;
    private readonly string name;
    private readonly OpTime? newestBefore;
    private bool done;

    internal StoreSavepoint(StoreBatch batch, string name)
    {
        this.batch = batch;
        this.name = name;
        newestBefore = batch.NewestApplied;
        batch.Transaction.Save(name);
    }

    public void Release()
    {
        ObjectDisposedException.ThrowIf(done, this);
        done = true;
        batch.Transaction.Release(name);
    }

    /// <summary>Undoes the writes since the savepoint, unless released or the batch has already ended.</summary>
    public void Dispose()
    {
        if (done || batch.IsClosed) return;
        done = true;
        batch.RollbackToSavepoint(name, newestBefore);
    }
}
