using System.Security.Cryptography.X509Certificates;
using MongoDB.Bson;
using MongoDB.Driver;
using ReplicaActors.Protocol;
using ReplicaActors.Security;

namespace ReplicaActors.Node;

/// <summary>
/// The first user of a set <c>launch --auth</c> runs: <c>root</c>, created through the localhost exception on the wire
/// port (TLS, the set's CA), with a generated password kept in a file only this user can read.
/// </summary>
public static class LaunchAuth
{
    public const string RootUser = "root";

    /// <summary>
    /// Makes sure root exists with the password in <paramref name="passwordFile"/>: a new password (written before the
    /// user is created, so it is never lost) on a fresh set, the file's on a set a previous launch secured. Proves it by
    /// logging in with the connection string that is printed, and returns that string.
    /// </summary>
    public static async Task<string> EnsureRootAsync(IReadOnlyList<string> hosts, string setName, string caFile, string passwordFile)
    {
        var known = File.Exists(passwordFile);
        var password = known ? (await File.ReadAllTextAsync(passwordFile)).Trim() : WireLogins.NewPassword();
        if (!known) SetCertificates.WritePrivate(passwordFile, password + "\n");
        var authorities = TlsConfig.LoadAuthorities(caFile, "the set's CA file");
        try
        {
            using var anonymous = Client(WireLogins.ConnectionString(hosts, setName, caFile, credentials: null), authorities);
            await anonymous.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument
            {
                { "createUser", RootUser }, { "pwd", password }, { "roles", new BsonArray { "root" } },
            });
        }
        catch (MongoCommandException e) when (e.Code == (int)ErrorCode.Unauthorized)
        {
            // Users exist already, so the localhost exception is closed: only the file's password can be root's.
            if (!known)
            {
                File.Delete(passwordFile);
                throw new ReplicaException(ErrorCode.Unauthorized,
                    $"the set has users already, and {passwordFile} (root's password from the launch that made them) is gone: log in as one of them, or use a new --dbpath");
            }
        }
        catch (Exception e) when (e is MongoException or TimeoutException)
        {
            if (!known) File.Delete(passwordFile);
            throw new ReplicaException(ErrorCode.HostUnreachable, $"could not create the first user, {RootUser}: {e.Message}");
        }
        var printed = WireLogins.ConnectionString(hosts, setName, caFile, (RootUser, password));
        try
        {
            using var root = Client(printed, authorities);
            await root.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("connectionStatus", 1));
        }
        catch (MongoAuthenticationException)
        {
            throw new ReplicaException(ErrorCode.AuthenticationFailed,
                $"{RootUser} cannot log in with the password in {passwordFile}: it was changed since; log in as a user you know, or use a new --dbpath");
        }
        return printed;
    }

    /// <summary>A MongoDB.Driver client for <paramref name="connectionString"/> that trusts members whose certificates the set's CA signed.</summary>
    private static MongoClient Client(string connectionString, X509Certificate2Collection authorities)
    {
        var settings = MongoClientSettings.FromConnectionString(connectionString);
        settings.SslSettings = new SslSettings { ServerCertificateValidationCallback = WireTls.TrustedBy(authorities) };
        settings.ServerSelectionTimeout = TimeSpan.FromSeconds(30);
        return new MongoClient(settings);
    }
}
