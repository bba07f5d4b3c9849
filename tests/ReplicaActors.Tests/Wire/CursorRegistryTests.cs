using MongoDB.Bson;
using ReplicaActors.Protocol;
using ReplicaActors.Wire;

namespace ReplicaActors.Tests.Wire;

public sealed class CursorRegistryTests
{
    private static readonly DateTime Start = new(2026, 12, 7, 0, 0, 0, DateTimeKind.Utc);
    private static readonly List<BsonValue> Results = Enumerable.Range(0, 250).Select(i => (BsonValue)new BsonDocument("_id", i)).ToList();

    private static CursorRegistry Registry() => new(101, 16 * 1024 * 1024, TimeSpan.FromMinutes(10));

    private static IEnumerable<int> Ids(BsonValue batch) => batch.AsBsonArray.Select(d => d["_id"].AsInt32);

    [Fact]
    public void A_cursor_hands_out_the_default_first_batch_then_the_rest()
    {
        var cursors = Registry();

        var first = cursors.Open("d.c", Results, batchSize: null, singleBatch: false, Start);
        var second = cursors.Next(first["id"].AsInt64, "d.c", batchSize: 100, Start);
        var last = cursors.Next(first["id"].AsInt64, "d.c", batchSize: null, Start);

        Assert.Equal(Enumerable.Range(0, 101), Ids(first["firstBatch"]));
        Assert.Equal(Enumerable.Range(101, 100), Ids(second["nextBatch"]));
        Assert.Equal(Enumerable.Range(201, 49), Ids(last["nextBatch"]));
        Assert.Equal(0L, last["id"].AsInt64);
        Assert.Equal(0, cursors.Count);
    }

    [Theory]
    [InlineData(300, false, 250, true)]
    [InlineData(10, true, 10, true)]
    [InlineData(0, false, 0, false)]
    public void Small_results_single_batches_and_empty_first_batches(int batchSize, bool singleBatch, int firstBatch, bool exhausted)
    {
        var cursor = Registry().Open("d.c", Results, batchSize, singleBatch, Start);

        Assert.Equal(firstBatch, cursor["firstBatch"].AsBsonArray.Count);
        Assert.Equal(exhausted, cursor["id"].AsInt64 == 0);
    }

    [Fact]
    public void A_batch_stops_at_the_byte_limit_but_holds_at_least_one_document()
    {
        var cursors = new CursorRegistry(101, 20, TimeSpan.FromMinutes(10));

        var cursor = cursors.Open("d.c", Results, batchSize: null, singleBatch: false, Start);

        Assert.Single(cursor["firstBatch"].AsBsonArray);
    }

    [Fact]
    public void An_idle_cursor_is_closed_and_then_not_found()
    {
        var cursors = Registry();
        var id = cursors.Open("d.c", Results, 10, false, Start)["id"].AsInt64;
        cursors.Next(id, "d.c", 10, Start.AddMinutes(5));

        Assert.Equal(0, cursors.CloseIdle(Start.AddMinutes(14)));
        Assert.Equal(1, cursors.CloseIdle(Start.AddMinutes(15)));
        Assert.Equal(ErrorCode.CursorNotFound, Assert.Throws<ReplicaException>(() => cursors.Next(id, "d.c", 10, Start.AddMinutes(15))).Code);
    }

    [Fact]
    public void Kill_reports_which_cursors_were_open()
    {
        var cursors = Registry();
        var id = cursors.Open("d.c", Results, 10, false, Start)["id"].AsInt64;

        var (killed, notFound) = cursors.Kill([id, 12345]);

        Assert.Equal([id], killed);
        Assert.Equal([12345L], notFound);
    }

    [Fact]
    public void A_get_more_on_another_namespace_is_refused()
    {
        var cursors = Registry();
        var id = cursors.Open("d.c", Results, 10, false, Start)["id"].AsInt64;

        Assert.Equal(ErrorCode.Unauthorized, Assert.Throws<ReplicaException>(() => cursors.Next(id, "d.other", 10, Start)).Code);
    }
}
