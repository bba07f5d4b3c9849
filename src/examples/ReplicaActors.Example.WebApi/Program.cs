using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Driver;
using ReplicaActors.Hosting;

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

// The registered MongoDB.Driver client finds the primary for writes, so any instance takes them.
static IMongoCollection<BsonDocument> Items(IMongoClient mongo) => mongo.GetDatabase("shop").GetCollection<BsonDocument>("items");

app.MapPost("/items", async (HttpRequest request, IMongoClient mongo) =>
{
    using var reader = new StreamReader(request.Body);
    var document = BsonDocument.Parse(await reader.ReadToEndAsync());
    if (!document.Contains("_id")) document.InsertAt(0, new BsonElement("_id", ObjectId.GenerateNewId()));
    await Items(mongo).InsertOneAsync(document);
    var id = document["_id"].ToString();
    return Results.Created($"/items/{id}", new { id });
});

app.MapGet("/items/{id}", async (string id, IMongoClient mongo) =>
{
    BsonValue key = ObjectId.TryParse(id, out var objectId) ? objectId : new BsonString(id);
    var document = await Items(mongo).WithReadPreference(ReadPreference.PrimaryPreferred).Find(new BsonDocument("_id", key)).FirstOrDefaultAsync();
    return document is null
        ? Results.NotFound()
        : Results.Text(document.ToJson(new JsonWriterSettings { OutputMode = JsonOutputMode.RelaxedExtendedJson }), "application/json");
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
