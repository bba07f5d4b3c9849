#:package MongoDB.Driver
// Runs one database command through MongoDB.Driver and prints the reply as JSON: for what rsctl does not send over
// the wire, such as creating the first user with the localhost exception.
// Usage: dotnet run src/examples/run-command/run-command.cs -- CONNECTION_STRING DATABASE COMMAND_JSON
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MongoDB.Bson;
using MongoDB.Driver;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: run-command CONNECTION_STRING DATABASE COMMAND_JSON");
    return 2;
}
try
{
    var settings = MongoClientSettings.FromConnectionString(args[0]);
    if (TlsCaFile(args[0]) is { } caFile) settings.SslSettings = new SslSettings { ServerCertificateValidationCallback = SignedBy(caFile) };
    var reply = await new MongoClient(settings).GetDatabase(args[1]).RunCommandAsync<BsonDocument>(BsonDocument.Parse(args[2]));
    Console.WriteLine(reply.ToJson());
    return 0;
}
catch (Exception e) when (e is MongoException or FormatException or TimeoutException or IOException or System.Security.Cryptography.CryptographicException)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}

// MongoDB.Driver for .NET reads no tlsCAFile from a connection string (mongosh and other drivers do), so this
// program reads it: a member's certificate must chain to that CA, and its host name is checked as usual.
static string? TlsCaFile(string connectionString) =>
    connectionString.Split('?', 2) is [_, var query]
        ? query.Split('&').Select(o => o.Split('=', 2)).Where(o => o.Length == 2 && o[0].Equals("tlsCAFile", StringComparison.OrdinalIgnoreCase))
            .Select(o => Uri.UnescapeDataString(o[1])).LastOrDefault()
        : null;

static RemoteCertificateValidationCallback SignedBy(string caFile)
{
    var authorities = new X509Certificate2Collection();
    authorities.ImportFromPemFile(caFile);
    return (_, certificate, _, errors) =>
    {
        if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None || certificate is null) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate as X509Certificate2 ?? new X509Certificate2(certificate));
    };
}
