using System.Diagnostics;
using MongoDB.Bson;
using ReplicaActors.Client;
using ReplicaActors.Protocol;

namespace ReplicaActors.Node;

/// <summary>
/// Real work for the launcher's demo: inserts, updates and reads back documents, checking every answer. It goes
/// through the replica-set client, as an application would, so an election during the demo costs a retry, not the run.
/// </summary>
internal static class DemoWorkload
{
    private const int BatchSize = 100;

    public static async Task RunAsync(IReplicaSetClient client, int count)
    {
        var clock = Stopwatch.StartNew();
        var runId = ObjectId.GenerateNewId().ToString();
        for (var start = 0; start < count; start += BatchSize)
        {
            var docs = new BsonArray(Enumerable.Range(start, Math.Min(BatchSize, count - start)).Select(i => new BsonDocument
            {
                { "run", runId }, { "seq", i }, { "sku", $"sku-{i:D6}" }, { "qty", i % 17 }, { "price", Math.Round(1 + i % 100 * 0.25, 2) },
            }));
            await Send(client, "demo", new BsonDocument { { "insert", "orders" }, { "documents", docs } });
        }
        var inserted = clock.Elapsed;
        var updated = await Send(client, "demo", BsonDocument.Parse(
            $"{{ update: 'orders', updates: [{{ q: {{ run: '{runId}', qty: {{ $lt: 5 }} }}, u: {{ $inc: {{ qty: 10 }}, $set: {{ restocked: true }} }}, multi: true }}] }}"));
        var counted = await Send(client, "demo", BsonDocument.Parse($"{{ count: 'orders', query: {{ run: '{runId}' }} }}"));
        if (counted["n"].ToInt64() != count)
            throw new ReplicaException(ErrorCode.InternalError, $"demo read back {counted["n"]} documents, expected {count}");
        Console.WriteLine($"demo: inserted {count} documents in {inserted.TotalSeconds:0.00} s ({count / inserted.TotalSeconds:0} docs/s), " +
                          $"restocked {updated["nModified"]}, read back {counted["n"]}; database 'demo', collection 'orders', run {runId}");
    }

    private static async Task<BsonDocument> Send(IReplicaSetClient client, string db, BsonDocument command)
    {
        var reply = (await client.RunCommandAsync(new CommandRequest(db, command))).EnsureOk();
        if (reply.TryGetValue("writeErrors", out var errors))
            throw new ReplicaException(ErrorCode.InternalError, $"demo write failed: {errors}");
        return reply;
    }
}
