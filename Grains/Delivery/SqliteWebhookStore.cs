using Microsoft.Data.Sqlite;
using WalletGrains.Grains.Storage;
using WalletGrains.Runtime;

namespace WalletGrains.Grains.Delivery;

/// <summary>
/// <see cref="IWebhookStore"/> on the wallet's SQLite file (sql/sqlite/0005_webhooks.sql; migrated with the wallet's
/// scripts). Writes go through the file's process-wide <see cref="SqliteWriter"/>, as the wallet store's do, so a
/// new webhook reads event_counter in the same serial order in which events are appended. Dispose to release it.
/// </summary>
public sealed class SqliteWebhookStore : IWebhookStore, IAsyncDisposable, IDisposable
{
    // Extended result code of SQLITE_CONSTRAINT_PRIMARYKEY (https://www.sqlite.org/rescode.html).
    private const int SqliteConstraintPrimaryKey = 1555;

    private static readonly string InsertSql =
        "INSERT INTO webhooks (id, url, events, secret, created_at_ms, created_by, state, last_event_id, attempts, version) " +
        "SELECT $id, $url, $events, $secret, $created, $created_by, 'enabled', last_id, 0, 1 FROM event_counter WHERE only_row = 1 RETURNING last_event_id;";

    private static readonly string UpdateSql =
        "UPDATE webhooks SET state = $state, disabled_reason = $reason, disabled_at_ms = $disabled_at, last_event_id = $cursor, attempts = $attempts, " +
        "failing_since_ms = $failing_since, next_attempt_at_ms = $next_attempt, last_error = $error, last_attempt_at_ms = $last_attempt, " +
        "last_delivered_at_ms = $last_delivered, lease_owner = $lease_owner, lease_until_ms = $lease_until, version = version + 1 " +
        "WHERE id = $id AND version = $version;";

    private readonly SqliteStoreFile _file;

    /// <summary>Opens the store on an existing, migrated database file.</summary>
    public SqliteWebhookStore(string connectionString)
    {
        _file = new SqliteStoreFile(connectionString, "webhook");
    }

    /// <inheritdoc />
    public Task<Webhook> CreateAsync(NewWebhook webhook, CancellationToken cancellationToken = default)
    {
        try
        {
            WebhookColumns.Check(webhook);
            cancellationToken.ThrowIfCancellationRequested();
        }
        catch (Exception ex)
        {
            return Task.FromException<Webhook>(ex);
        }

        var events = WebhookColumns.EventsJson(webhook.Events);
        return WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = InsertSql;
            command.Parameters.AddWithValue("$id", webhook.Id);
            command.Parameters.AddWithValue("$url", webhook.Url.AbsoluteUri);
            command.Parameters.AddWithValue("$events", events);
            command.Parameters.AddWithValue("$secret", webhook.Secret);
            command.Parameters.AddWithValue("$created", webhook.CreatedAt.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$created_by", (object?)webhook.CreatedBy ?? DBNull.Value);
            try
            {
                var cursor = (long)command.ExecuteScalar()!;
                return WebhookColumns.Created(webhook, cursor);
            }
            catch (SqliteException ex) when (ex.SqliteExtendedErrorCode == SqliteConstraintPrimaryKey)
            {
                throw new InvalidOperationException($"A webhook with id '{webhook.Id}' exists already.", ex);
            }
        });
    }

    /// <inheritdoc />
    public Task<Webhook?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _file.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {WebhookColumns.SelectList()} FROM webhooks WHERE id = $id;";
            command.Parameters.AddWithValue("$id", id);
            using var reader = command.ExecuteReader();
            return reader.Read() ? WebhookColumns.Read(reader) : null;
        });
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Webhook>> ListAsync(CancellationToken cancellationToken = default) =>
        _file.ReadAsync<IReadOnlyList<Webhook>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {WebhookColumns.SelectList()} FROM webhooks ORDER BY created_at_ms, id;";
            using var reader = command.ExecuteReader();
            var webhooks = new List<Webhook>();
            while (reader.Read())
            {
                webhooks.Add(WebhookColumns.Read(reader));
            }

            return webhooks;
        });

    /// <inheritdoc />
    public Task<Webhook?> TryUpdateAsync(Webhook webhook, CancellationToken cancellationToken = default)
    {
        try
        {
            WebhookColumns.Check(webhook);
            cancellationToken.ThrowIfCancellationRequested();
        }
        catch (Exception ex)
        {
            return Task.FromException<Webhook?>(ex);
        }

        return WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = UpdateSql;
            command.Parameters.AddWithValue("$state", webhook.State);
            command.Parameters.AddWithValue("$reason", (object?)webhook.DisabledReason ?? DBNull.Value);
            command.Parameters.AddWithValue("$disabled_at", Value(webhook.DisabledAt));
            command.Parameters.AddWithValue("$cursor", webhook.LastEventId);
            command.Parameters.AddWithValue("$attempts", (long)webhook.Attempts);
            command.Parameters.AddWithValue("$failing_since", Value(webhook.FailingSince));
            command.Parameters.AddWithValue("$next_attempt", Value(webhook.NextAttemptAt));
            command.Parameters.AddWithValue("$error", (object?)webhook.LastError ?? DBNull.Value);
            command.Parameters.AddWithValue("$last_attempt", Value(webhook.LastAttemptAt));
            command.Parameters.AddWithValue("$last_delivered", Value(webhook.LastDeliveredAt));
            command.Parameters.AddWithValue("$lease_owner", (object?)webhook.LeaseOwner ?? DBNull.Value);
            command.Parameters.AddWithValue("$lease_until", Value(webhook.LeaseUntil));
            command.Parameters.AddWithValue("$id", webhook.Id);
            command.Parameters.AddWithValue("$version", webhook.Version);
            return command.ExecuteNonQuery() == 1 ? WebhookColumns.Written(webhook) : null;
        });
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM webhooks WHERE id = $id;";
            command.Parameters.AddWithValue("$id", id);
            return command.ExecuteNonQuery() == 1;
        });
    }

    /// <summary>Releases the writer lease and the pooled read connections.</summary>
    public void Dispose()
    {
        _file.Dispose();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static object Value(DateTimeOffset? at) => (object?)WebhookColumns.Ms(at) ?? DBNull.Value;

    /// <summary>Runs <paramref name="write"/> on the shared writer connection (one statement each, cheap next to the HTTP request a write records).</summary>
    private Task<T> WriteAsync<T>(Func<SqliteConnection, T> write) =>
        _file.WriteAsync(context => write(context.Connection));

}
