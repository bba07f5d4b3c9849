using System.Data.Common;
using Akka.Actor.Setup;
using Akka.Persistence.Sql.Config;
using LinqToDB;
using LinqToDB.Interceptors;
using ReplicaActors.Storage;

namespace ReplicaActors.Server;

/// <summary>
/// The member's journal file as SQLite sees it: the journal's connections never checkpoint inside a
/// commit (a write would stall behind copying the WAL), and a background checkpointer keeps the WAL short.
/// Each connection keeps SQLite's default synchronous=FULL, so every journal commit is fsynced.
/// </summary>
public sealed class JournalDatabase : IDisposable
{
    private readonly WalCheckpointer _checkpointer;

    public JournalDatabase(string dbPath)
    {
        ReplicaActorsConfig.PrepareJournal(dbPath);
        var file = ReplicaActorsConfig.JournalPath(dbPath);
        Setup = new DataOptionsSetup(new DataOptions()
            .UseConnectionString(ProviderName.SQLiteMS, ReplicaActorsConfig.JournalConnectionString(dbPath))
            .UseInterceptors(new PragmaOnOpen(WalCheckpointer.DisableAutomaticCheckpoints)));
        _checkpointer = new WalCheckpointer(file, TimeSpan.FromSeconds(1));
    }

    /// <summary>Hands the journal plugin its connection options; add it to the ActorSystem's setup.</summary>
    public Setup Setup { get; }

    public void Dispose() => _checkpointer.Dispose();

    private sealed class PragmaOnOpen(string pragma) : ConnectionInterceptor
    {
        public override void ConnectionOpened(ConnectionEventData eventData, DbConnection connection)
        {
            using var command = connection.CreateCommand();
            command.CommandText = pragma;
            command.ExecuteNonQuery();
        }

        public override async Task ConnectionOpenedAsync(ConnectionEventData eventData, DbConnection connection, CancellationToken cancellationToken)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = pragma;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
