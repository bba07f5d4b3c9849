using System.CommandLine;
using ReplicaActors.Protocol;

namespace ReplicaActors.Cli.Arguments;

/// <summary>
/// Reads "db.collection" and database names from the command line. Only the database name is checked here:
/// the collection rules differ for reads (local.oplog.rs is readable) and writes, and the server applies them.
/// </summary>
public static class NamespaceArgument
{
    public static Argument<string> Create() => new("NS") { Description = "Namespace: database.collection" };

    public static Argument<string> CreateDatabase() => new("DB") { Description = "Database name" };

    public static Namespace Parse(string ns)
    {
        var dot = ns.IndexOf('.');
        if (dot <= 0 || dot == ns.Length - 1)
            throw new ReplicaException(ErrorCode.InvalidNamespace, $"NS '{ns}' is not a namespace: expected 'database.collection'");
        var result = new Namespace(ns[..dot], ns[(dot + 1)..]);
        Namespace.ValidateDb(result.Db);
        return result;
    }

    public static string Database(string db)
    {
        Namespace.ValidateDb(db);
        return db;
    }
}
