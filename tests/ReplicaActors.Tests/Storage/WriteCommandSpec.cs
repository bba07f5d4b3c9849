using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Storage.Commands;
using static ReplicaActors.Tests.Storage.Ops;

namespace ReplicaActors.Tests.Storage;

/// <summary>A spec that runs write commands against <c>shop.items</c> in its own store, as the primary runs them.</summary>
public abstract class WriteCommandSpec : StoreSpec
{
    protected static readonly Namespace Items = Namespace.Parse("shop.items");
    private readonly WriteCommandExecutor _writer = new(16 * 1024 * 1024);
    private uint _clock;

    /// <summary>The commands run one after another in one batch, as the primary runs a batch of writes.</summary>
    protected List<WriteOutcome> Run(params string[] commands)
    {
        _clock = Math.Max(_clock, 10);
        using var batch = store.BeginBatch();
        var outcomes = commands.Select(c => _writer.Execute(new CommandRequest("shop", Doc(c)), batch, () => At(++_clock), DateTime.UtcNow)).ToList();
        batch.Commit();
        return outcomes;
    }

    protected BsonDocument? Stored(int id) => store.Reader.FindById(Items, id);
}
