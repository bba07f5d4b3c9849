using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using ReplicaActors.Client;
using ReplicaActors.Hosting;
using ReplicaActors.Protocol;

var builder = WebApplication.CreateBuilder(args);
// mongod's flags, bound into the ReplicaSet section like appsettings.json would be.
builder.Configuration.AddCommandLine(args, new Dictionary<string, string>
{
    ["--replSet"] = "ReplicaSet:ReplSetName",
    ["--port"] = "ReplicaSet:Port",
    ["--dbpath"] = "ReplicaSet:DbPath",
    ["--bind_ip"] = "ReplicaSet:BindIp",
    ["--profile"] = "ReplicaSet:Profile",
});
builder.Services.AddReplicaSetMember(builder.Configuration);
var app = builder.Build();

const string Db = "shop";
const string Collection = "items";

// Writes go through the client to whichever member is primary, so any instance takes them.
app.MapPost("/items", async (HttpRequest request, IReplicaSetClient client) =>
{
    using var reader = new StreamReader(request.Body);
    var document = BsonDocument.Parse(await reader.ReadToEndAsync());
    if (!document.Contains("_id")) document.InsertAt(0, new BsonElement("_id", ObjectId.GenerateNewId()));
    var insert = new BsonDocument { { "insert", Collection }, { "documents", new BsonArray { document } } };
    (await client.RunCommandAsync(new CommandRequest(Db, insert))).EnsureOk();
    var id = document["_id"].ToString();
    return Results.Created($"/items/{id}", new { id });
});

app.MapGet("/items/{id}", async (string id, IReplicaSetClient client) =>
{
    BsonValue key = ObjectId.TryParse(id, out var objectId) ? objectId : new BsonString(id);
    var find = new BsonDocument { { "find", Collection }, { "filter", new BsonDocument("_id", key) }, { "limit", 1 } };
    var reply = (await client.RunCommandAsync(new CommandRequest(Db, find), new ReadPreference(ReadPreferenceMode.PrimaryPreferred))).EnsureOk();
    var batch = reply["cursor"]["firstBatch"].AsBsonArray;
    return batch.Count == 0
        ? Results.NotFound()
        : Results.Text(batch[0].AsBsonDocument.ToJson(new JsonWriterSettings { OutputMode = JsonOutputMode.RelaxedExtendedJson }), "application/json");
});

app.MapHealthChecks("/health", new HealthCheckOptions
{
    ResponseWriter = (context, report) => context.Response.WriteAsJsonAsync(new
    {
        status = report.Status.ToString(),
        members = report.Entries.Select(e => new { check = e.Key, status = e.Value.Status.ToString(), e.Value.Description }),
    }),
});

app.Run();
