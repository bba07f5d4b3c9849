using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Linq;

namespace ReplicaActors.Cluster.Tests.Wire;

public sealed class Order
{
    public int Id { get; set; }
    public List<OrderLine> Lines { get; set; } = [];
}

public sealed class OrderLine
{
    public string Sku { get; set; } = "";
    public int Qty { get; set; }
}

/// <summary>Positional updates as the driver's builders and LINQ emit them: <c>$</c>, <c>$[]</c> and <c>$[id]</c> with arrayFilters.</summary>
public sealed partial class DriverSpec
{
    [Fact]
    public async Task Positional_updates_from_the_builders_are_stored_and_replicated_as_resolved()
    {
        var orders = Collection<Order>("positional");
        await orders.InsertManyAsync(
        [
            new Order { Id = 1, Lines = [new() { Sku = "a", Qty = 1 }, new() { Sku = "b", Qty = 2 }, new() { Sku = "c", Qty = 3 }] },
            new Order { Id = 2, Lines = [new() { Sku = "c", Qty = 4 }, new() { Sku = "a", Qty = 5 }] },
        ]);
        var update = Builders<Order>.Update;
        using var session = await _client.StartSessionAsync(new ClientSessionOptions { CausalConsistency = true });

        // $ : the line the filter's $elemMatch matched; $[]: every line; $[i] with arrayFilters: the lines filter i accepts.
        var first = await orders.UpdateOneAsync(session, o => o.Id == 1 && o.Lines.Any(l => l.Sku == "b"),
            update.Set(o => o.Lines.FirstMatchingElement().Qty, 20));
        var all = await orders.UpdateManyAsync(session, FilterDefinition<Order>.Empty, update.Inc(o => o.Lines.AllElements().Qty, 100));
        var filtered = await orders.UpdateManyAsync(session, FilterDefinition<Order>.Empty, update.Set("Lines.$[i].Qty", 0),
            new UpdateOptions { ArrayFilters = [new BsonDocumentArrayFilterDefinition<BsonDocument>(new BsonDocument("i.Sku", "c"))] });
        var returned = await orders.FindOneAndUpdateAsync<Order, Order>(session, o => o.Id == 2, update.Mul(o => o.Lines.AllMatchingElements("big").Qty, 2),
            new FindOneAndUpdateOptions<Order, Order>
            {
                ArrayFilters = [new BsonDocumentArrayFilterDefinition<BsonDocument>(BsonDocument.Parse("{ 'big.Qty': { $gt: 100 } }"))],
                ReturnDocument = ReturnDocument.After,
            });
        var unused = await Assert.ThrowsAsync<MongoWriteException>(() => orders.UpdateOneAsync(session, o => o.Id == 1, update.Set(o => o.Lines.AllElements().Qty, 0),
            new UpdateOptions { ArrayFilters = [new BsonDocumentArrayFilterDefinition<BsonDocument>(new BsonDocument("x", 1))] }));
        var noMatch = await Assert.ThrowsAsync<MongoWriteException>(() => orders.UpdateOneAsync(session, o => o.Id == 1,
            update.Set(o => o.Lines.FirstMatchingElement().Qty, 0)));

        Assert.Equal((1, 1), (first.MatchedCount, first.ModifiedCount));
        Assert.Equal((2, 2), (all.MatchedCount, all.ModifiedCount));
        Assert.Equal((2, 2), (filtered.MatchedCount, filtered.ModifiedCount));
        Assert.Equal([0, 210], returned.Lines.Select(l => l.Qty));
        Assert.Equal((9, "The array filter for identifier 'x' was not used in the update"), (unused.WriteError.Code, unused.WriteError.Message[..62]));
        Assert.Equal((2, "The positional operator did not find the match needed from the query."), (noMatch.WriteError.Code, noMatch.WriteError.Message));

        // The causal session makes the secondary wait for these writes; majority read concern serves only what a majority holds.
        var stored = await orders.WithReadPreference(ReadPreference.Secondary).WithReadConcern(ReadConcern.Majority)
            .Find(session, FilterDefinition<Order>.Empty).SortBy(o => o.Id).ToListAsync();
        Assert.Equal([[("a", 101), ("b", 120), ("c", 0)], [("c", 0), ("a", 210)]],
            stored.Select(o => o.Lines.Select(l => (l.Sku, l.Qty)).ToList()).ToList());
    }
}
