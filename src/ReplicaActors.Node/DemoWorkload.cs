using System.Diagnostics;
using MongoDB.Bson;
using ReplicaActors.Client;
using ReplicaActors.Protocol;

namespace ReplicaActors.Node;

/// <summary>Real work for the launcher's demo: inserts, updates and reads back documents, checking every answer.</summary>
internal static class DemoWorkload
{
    private const int BatchSize = 100;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(ICommandTransport transport, string primary, int count)
    {
        var clock = Stopwatch.StartNew();
        var runId = ObjectId.GenerateNewId().ToString();
        for (var start = 0; start < count; start += BatchSize)
        {
            var docs = new BsonArray(Enumerable.Range(start, Math.Min(BatchSize, count - start)).Select(i => new BsonDocument
            {
                { "run", runId }, { "seq", i }, { "sku", $"sku-{i:D6}" }, { "qty", i % 17 }, { "price", Math.Round(1 + i % 100 * 0.25, 2) },
            }));
            await Send(transport, primary, "demo", new BsonDocument { { "insert", "orders" }, { "documents", docs } });
        }
        var inserted = clock.Elapsed;
        var updated = await Send(transport, primary, "demo", BsonDocument.Parse(
            $"{{ update: 'orders', updates: [{{ q: {{ run: '{runId}', qty: {{ $lt: 5 }} }}, u: {{ $inc: {{ qty: 10 }}, $set: {{ restocked: true }} }}, multi: true }}] }}"));
        var counted = await Send(transport, primary, "demo", BsonDocument.Parse($"{{ count: 'orders', query: {{ run: '{runId}' }} }}"));
        if (counted["n"].ToInt64() != count)
            throw new ReplicaException(ErrorCode.InternalError, $"demo read back {counted["n"]} documents, expected {count}");
        Console.WriteLine($"demo: inserted {count} documents in {inserted.TotalSeconds:0.00} s ({count / inserted.TotalSeconds:0} docs/s), " +
                          $"restocked {updated["nModified"]}, read back {counted["n"]}; database 'demo', collection 'orders', run {runId}");
    }

    private static async Task<BsonDocument> Send(ICommandTransport transport, string host, string db, BsonDocument command)
    {
        var reply = (await transport.SendAsync(host, new CommandRequest(db, command), Timeout)).EnsureOk();
        if (reply.TryGetValue("writeErrors", out var errors))
            throw new ReplicaException(ErrorCode.InternalError, $"demo write failed: {errors}");
        return reply;
    }
}
