using Microsoft.Data.Sqlite;

namespace ReplicaActors.Storage;

/// <summary>
/// A connection and, when writing, its open transaction: every command on a connection with a transaction
/// must name it, so the storage tables take this pair instead of a bare connection. Commands (and with them
/// their prepared statements) are kept per session and reused, since a batch runs the same few statements for every entry.
/// </summary>
internal sealed class SqlSession(SqliteConnection connection, SqliteTransaction? transaction) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> prepared = [];

    public void Dispose()
    {
        foreach (var command in prepared.Values) command.Dispose();
        prepared.Clear();
    }

    public int Execute(string sql, params (string Name, object? Value)[] args)
    {
        return Prepared(sql, args).ExecuteNonQuery();
    }

    /// <summary>
    /// Runs one statement for each row, on one prepared command whose parameters are bound anew per row: for
    /// bulk loads, where building the parameters for every row would cost more than the insert itself.
    /// </summary>
    public void ExecuteForEach<T>(string sql, IEnumerable<T> rows, params (string Name, Func<T, object> Value)[] columns)
    {
        using var command = Command(sql, []);
        var parameters = columns.Select(c => command.Parameters.Add(new SqliteParameter { ParameterName = c.Name })).ToArray();
        command.Prepare();
        foreach (var row in rows)
        {
            for (var i = 0; i < columns.Length; i++) parameters[i].Value = columns[i].Value(row);
            command.ExecuteNonQuery();
        }
    }

    public object? Scalar(string sql, params (string Name, object? Value)[] args)
    {
        var value = Prepared(sql, args).ExecuteScalar();
        return value is DBNull ? null : value;
    }

    /// <summary>Reads every row before returning, so the caller may write while it walks the result.</summary>
    public List<T> Query<T>(string sql, Func<SqliteDataReader, T> row, params (string Name, object? Value)[] args)
    {
        using var reader = Prepared(sql, args).ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(row(reader));
        return rows;
    }

    /// <summary>
    /// Reads rows as the caller walks them: for readers on their own connection, where nothing writes meanwhile.
    /// Its own command, as the walk may outlast other statements.
    /// </summary>
    public IEnumerable<T> Stream<T>(string sql, Func<SqliteDataReader, T> row, params (string Name, object? Value)[] args)
    {
        using var command = Command(sql, args);
        using var reader = command.ExecuteReader();
        while (reader.Read()) yield return row(reader);
    }

    private SqliteCommand Prepared(string sql, (string Name, object? Value)[] args)
    {
        if (!prepared.TryGetValue(sql, out var command))
        {
            command = Command(sql, []);
            prepared[sql] = command;
        }
        command.Parameters.Clear();
        Bind(command, args);
        return command;
    }

    private SqliteCommand Command(string sql, (string Name, object? Value)[] args)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        Bind(command, args);
        return command;
    }

    private static void Bind(SqliteCommand command, (string Name, object? Value)[] args)
    {
        foreach (var (name, value) in args) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
    }
}
