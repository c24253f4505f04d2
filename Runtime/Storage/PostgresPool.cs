using Npgsql;

namespace WalletGrains.Runtime;

/// <summary>How the silo's PostgreSQL connection pools are opened, the runtime's and the wallet stores' alike.</summary>
public static class PostgresPool
{
    /// <summary>
    /// A pool for <paramref name="connectionString"/>. Each user sends the same few statements all day, so unless the
    /// connection string says otherwise Npgsql prepares up to <paramref name="autoPrepare"/> of them server-side.
    /// </summary>
    /// <param name="onOpen">
    /// Run on each new physical connection before its first use (<see cref="NpgsqlDataSourceBuilder.UsePhysicalConnectionInitializer"/>),
    /// for example to warm the new backend for the statements the pool's user sends; null for none.
    /// </param>
    public static NpgsqlDataSource Create(string connectionString, int autoPrepare, Func<NpgsqlConnection, Task>? onOpen = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = autoPrepare;
        }

        // No connection keeps session state (no SET, LISTEN, temporary table or session-level advisory lock; the
        // migration lock is transaction-scoped), so the reset Npgsql sends with a pooled connection's next use
        // (DISCARD ALL, or its parts once statements are prepared) would only cost PostgreSQL a parse and run per commit.
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        if (onOpen is not null)
        {
            builder.UsePhysicalConnectionInitializer(connection => onOpen(connection).GetAwaiter().GetResult(), onOpen);
        }

        return builder.Build();
    }
}
