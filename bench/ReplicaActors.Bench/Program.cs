using MongoDB.Bson;
using ReplicaActors.Bench;
using ReplicaActors.Client;

// Load generator and failover prober for a running replica set; each mode prints one JSON line.
//   insert   --hosts h1,h2,h3 --clients 16 --seconds 10 --warmup 2 --w majority [--rounds N: N back-to-back rounds, one line each]
//   driver-insert (the same load through MongoDB.Driver over the wire protocol; same options)
//   failover --hosts h1,h2,h3 --pids p1,p2,p3 --trials 5
//   new-primary-insert --hosts h1,h2,h3 --pids p1,p2,p3 --clients 1 --seconds 5 --rounds 2 (kill -9 the primary, load its successor at once)
//   first-write --hosts h1,h2,h3 --t0-file F (start it before the set; F gets the set's start time in Unix ms)
//   initial-sync --hosts h1,h2,h3 --docs 100000 --doc-bytes 1024 --new-member h4 -- dotnet ReplicaActors.Node.dll --replSet rs0 --port P4 --dbpath D4
//   lag      --hosts h1,h2,h3 --rate 1000 --seconds 10 --warmup 2
//   change-streams --hosts h1,h2,h3 --pids p1,p2,p3 --clients 16 --watchers 100 --seconds 5 --warmup 1 --rounds 3
//            (event latency after a w:majority ack, then driver-insert ops/s without and with N watchers; one line per step, the summary last)
if (args.Length == 0 || args[0] is not ("insert" or "driver-insert" or "failover" or "new-primary-insert" or "first-write" or "initial-sync" or "lag" or "change-streams"))
{
    await Console.Error.WriteLineAsync("usage: ReplicaActors.Bench insert|driver-insert|failover|new-primary-insert|first-write|initial-sync|lag|change-streams --hosts h1,h2,h3 [options]");
    return 2;
}
var options = BenchOptions.Parse(args);
await using var transport = new AkkaCommandTransport();
await using var client = new ReplicaSetClient(options.Hosts, transport, new ReplicaSetClientOptions
{
    HeartbeatFrequency = TimeSpan.FromMilliseconds(200),
    ServerSelectionTimeout = TimeSpan.FromSeconds(30),
    // A failover probe must give up on the dead primary quickly so that later probes see the new one.
    CommandTimeout = args[0] is "failover" or "new-primary-insert" ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(10),
});
// first-write's caller starts the set only after this line, so the wait below includes the whole start.
if (args[0] == "first-write") await Console.Error.WriteLineAsync("first-write: waiting for a primary");
await client.WaitForTopologyAsync(t => t.Primary is not null).WaitAsync(TimeSpan.FromSeconds(60));

BsonDocument result = args[0] switch
{
    "insert" => await InsertLoad.RunAsync(client, options),
    "driver-insert" => await InsertLoad.RunDriverAsync(options),
    "change-streams" => await ChangeStreamRun.RunAsync(options),
    "initial-sync" => await InitialSyncRun.RunAsync(client, transport, args),
    "lag" => await LagProbe.RunAsync(client, transport, options),
    "new-primary-insert" => await FailoverTrials.RunNewPrimaryLoadAsync(client, transport, options),
    "first-write" => await FirstWrite.RunAsync(client, options),
    _ => await FailoverTrials.RunAsync(client, transport, options),
};
Console.WriteLine(result.ToJson());
return 0;
