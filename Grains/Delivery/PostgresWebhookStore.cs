using Npgsql;
using NpgsqlTypes;
using WalletGrains.Grains.Storage;
using WalletGrains.Runtime;

namespace WalletGrains.Grains.Delivery;

/// <summary>
/// <see cref="IWebhookStore"/> on the wallet's PostgreSQL database (sql/postgresql/0005_webhooks.sql; migrated with
/// the wallet's scripts). Each call is one statement, so one implicit transaction.
/// </summary>
public sealed class PostgresWebhookStore : IWebhookStore, IAsyncDisposable
{
    private const string UniqueViolation = "23505";

    // A plain read of event_counter sees the committed last_id: every event up to it is visible (they become visible
    // in id order, see 0002_wallet.sql), and an event still being committed gets a higher id.
    private const string InsertSql =
        "INSERT INTO webhooks (id, url, events, secret, created_at_ms, created_by, state, last_event_id, attempts, version) " +
        "SELECT $1, $2, $3::jsonb, $4, $5, $6, 'enabled', last_id, 0, 1 FROM event_counter WHERE only_row = 1 RETURNING last_event_id";

    private const string UpdateSql =
        "UPDATE webhooks SET state = $1, disabled_reason = $2, disabled_at_ms = $3, last_event_id = $4, attempts = $5, failing_since_ms = $6, " +
        "next_attempt_at_ms = $7, last_error = $8, last_attempt_at_ms = $9, last_delivered_at_ms = $10, lease_owner = $11, lease_until_ms = $12, " +
        "version = version + 1 WHERE id = $13 AND version = $14";

    private static readonly string SelectOneSql = $"SELECT {WebhookColumns.SelectList("events::text")} FROM webhooks WHERE id = $1";

    private static readonly string SelectAllSql = $"SELECT {WebhookColumns.SelectList("events::text")} FROM webhooks ORDER BY created_at_ms, id";

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;

    /// <summary>Uses a connection pool the caller owns (and disposes).</summary>
    public PostgresWebhookStore(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    /// <summary>Creates and owns a connection pool for <paramref name="connectionString"/>.</summary>
    public PostgresWebhookStore(string connectionString)
    {
        _dataSource = PostgresPool.Create(connectionString, autoPrepare: 8);
        _ownsDataSource = true;
    }

    /// <inheritdoc />
    public async Task<Webhook> CreateAsync(NewWebhook webhook, CancellationToken cancellationToken = default)
    {
        WebhookColumns.Check(webhook);
        await using var command = _dataSource.CreateCommand(InsertSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = webhook.Id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = webhook.Url.AbsoluteUri });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = WebhookColumns.EventsJson(webhook.Events) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = webhook.Secret });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = webhook.CreatedAt.ToUnixTimeMilliseconds() });
        command.Parameters.Add(Text(webhook.CreatedBy));
        try
        {
            var cursor = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
            return WebhookColumns.Created(webhook, cursor);
        }
        catch (PostgresException ex) when (ex.SqlState == UniqueViolation)
        {
            throw new InvalidOperationException($"A webhook with id '{webhook.Id}' exists already.", ex);
        }
    }

    /// <inheritdoc />
    public async Task<Webhook?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var command = _dataSource.CreateCommand(SelectOneSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? WebhookColumns.Read(reader) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Webhook>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(SelectAllSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var webhooks = new List<Webhook>();
        while (await reader.ReadAsync(cancellationToken))
        {
            webhooks.Add(WebhookColumns.Read(reader));
        }

        return webhooks;
    }

    /// <inheritdoc />
    public async Task<Webhook?> TryUpdateAsync(Webhook webhook, CancellationToken cancellationToken = default)
    {
        WebhookColumns.Check(webhook);
        await using var command = _dataSource.CreateCommand(UpdateSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = webhook.State });
        command.Parameters.Add(Text(webhook.DisabledReason));
        command.Parameters.Add(Time(webhook.DisabledAt));
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = webhook.LastEventId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = webhook.Attempts });
        command.Parameters.Add(Time(webhook.FailingSince));
        command.Parameters.Add(Time(webhook.NextAttemptAt));
        command.Parameters.Add(Text(webhook.LastError));
        command.Parameters.Add(Time(webhook.LastAttemptAt));
        command.Parameters.Add(Time(webhook.LastDeliveredAt));
        command.Parameters.Add(Text(webhook.LeaseOwner));
        command.Parameters.Add(Time(webhook.LeaseUntil));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = webhook.Id });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = webhook.Version });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? WebhookColumns.Written(webhook) : null;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var command = _dataSource.CreateCommand("DELETE FROM webhooks WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Disposes the connection pool when this store created it.</summary>
    public ValueTask DisposeAsync() => _ownsDataSource ? _dataSource.DisposeAsync() : ValueTask.CompletedTask;

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static NpgsqlParameter Time(DateTimeOffset? at) => new() { Value = (object?)WebhookColumns.Ms(at) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint };
}
