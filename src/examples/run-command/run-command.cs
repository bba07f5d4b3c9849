#:package MongoDB.Driver
// Runs one database command through MongoDB.Driver and prints the reply as JSON: for what rsctl does not send over
// the wire, such as creating the first user with the localhost exception.
// Usage: dotnet run src/examples/run-command/run-command.cs -- CONNECTION_STRING DATABASE COMMAND_JSON
using MongoDB.Bson;
using MongoDB.Driver;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: run-command CONNECTION_STRING DATABASE COMMAND_JSON");
    return 2;
}
try
{
    var reply = await new MongoClient(args[0]).GetDatabase(args[1]).RunCommandAsync<BsonDocument>(BsonDocument.Parse(args[2]));
    Console.WriteLine(reply.ToJson());
    return 0;
}
catch (Exception e) when (e is MongoException or FormatException or TimeoutException)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
