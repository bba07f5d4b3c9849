using Microsoft.Extensions.Configuration;
using MongoDB.Driver;

namespace ReplicaActors.Hosting;

/// <summary>
/// The user the registered IMongoClient logs in as, from the <c>ReplicaSet:Client</c> configuration section
/// (appsettings.json, environment, a secret store): <c>Username</c>, and <c>Password</c> or <c>PasswordFile</c> (as the
/// 0600 file <c>launch --auth</c> writes), and <c>AuthenticationDatabase</c> (admin by default). It is read only from
/// configuration, so a password never needs to be written in code.
/// </summary>
public static class ClientLogin
{
    public const string SectionName = ReplicaSetMemberOptions.SectionName + ":Client";

    /// <summary>The credential <paramref name="configuration"/> names, or null when it names no user.</summary>
    /// <exception cref="InvalidOperationException">The section is incomplete or contradicts itself; the message names the keys.</exception>
    public static MongoCredential? From(IConfiguration? configuration)
    {
        var section = configuration?.GetSection(SectionName);
        var user = section?["Username"];
        var password = section?["Password"];
        var passwordFile = section?["PasswordFile"];
        var source = section?["AuthenticationDatabase"] is { Length: > 0 } database ? database : "admin";
        if (string.IsNullOrEmpty(user))
        {
            if (password is not null || passwordFile is not null)
                throw new InvalidOperationException($"{SectionName}:Password or :PasswordFile is set without {SectionName}:Username, the user it belongs to");
            return null;
        }
        if (password is not null && passwordFile is not null)
            throw new InvalidOperationException($"{SectionName}: set Password or PasswordFile, not both");
        return MongoCredential.CreateCredential(source, user, password ?? ReadPasswordFile(passwordFile));
    }

    private static string ReadPasswordFile(string? path)
    {
        if (path is null)
            throw new InvalidOperationException($"{SectionName}:Username is set without {SectionName}:Password or {SectionName}:PasswordFile");
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{SectionName}:PasswordFile {Path.GetFullPath(path)} cannot be read: {e.Message}", e);
        }
    }
}
