using Microsoft.Data.Sqlite;

namespace ReplicaActors.Storage;

/// <summary>
/// A connection and, when writing, its open transaction: every command on a connection with a transaction
/// must name it, so the storage tables take this pair instead of a bare connection.
/// </summary>
internal sealed class SqlSession(SqliteConnection connection, SqliteTransaction? transaction)
{
    public SqliteTransaction? Transaction => transaction;

    public int Execute(string sql, params (string Name, object? Value)[] args)
    {
        using var command = Command(sql, args);
        return command.ExecuteNonQuery();
    }

    public object? Scalar(string sql, params (string Name, object? Value)[] args)
    {
        using var command = Command(sql, args);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    /// <summary>Reads every row before returning, so the caller may write while it walks the result.</summary>
    public List<T> Query<T>(string sql, Func<SqliteDataReader, T> row, params (string Name, object? Value)[] args)
    {
        using var command = Command(sql, args);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(row(reader));
        return rows;
    }

    /// <summary>Reads rows as the caller walks them: for readers on their own connection, where nothing writes meanwhile.</summary>
    public IEnumerable<T> Stream<T>(string sql, Func<SqliteDataReader, T> row, params (string Name, object? Value)[] args)
    {
        using var command = Command(sql, args);
        using var reader = command.ExecuteReader();
        while (reader.Read()) yield return row(reader);
    }

    private SqliteCommand Command(string sql, (string Name, object? Value)[] args)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in args) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }
}
