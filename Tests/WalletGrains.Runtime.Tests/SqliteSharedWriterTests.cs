using Microsoft.Data.Sqlite;

namespace WalletGrains.Runtime.Tests;

/// <summary>The process-wide SQLite writer: one connection per file however the file is named, savepoint isolation, leases.</summary>
public sealed class SqliteSharedWriterTests : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("walletgrains-writer-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string File => Path.Combine(_directory, "shared.db");

    [Fact]
    public async Task Relative_and_absolute_names_of_one_file_share_one_writer_connection()
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, File);
        using var byRelative = SqliteWriter.Acquire($"Data Source={relative}");
        using var byAbsolute = SqliteWriter.Acquire($"Data Source={File};Pooling=True");
        using var other = SqliteWriter.Acquire($"Data Source={Path.Combine(_directory, "other.db")}");

        var first = await byRelative.WriteAsync(c => c.Connection);
        var second = await byAbsolute.WriteAsync(c => c.Connection);
        var third = await other.WriteAsync(c => c.Connection);

        Assert.Equal(byAbsolute.DatabaseKey, byRelative.DatabaseKey);
        Assert.Same(first, second);
        Assert.NotSame(first, third);
    }

    [Fact]
    public async Task Runtime_grain_state_and_reminders_write_through_the_shared_connection()
    {
        await MigrationRunner.ApplyAsync(SqlDialect.Sqlite, $"Data Source={File}", [], Cancel);
        using var writer = SqliteWriter.Acquire($"Data Source={File}");
        using var storage = new SqliteGrainStorage($"Data Source={Path.GetRelativePath(Environment.CurrentDirectory, File)}", TimeProvider.System);
        using var reminders = new SqliteReminderTable($"Data Source={File}");
        static long TotalChanges(SqliteWriteContext context)
        {
            using var command = context.Connection.CreateCommand();
            command.CommandText = "SELECT total_changes();";
            return (long)command.ExecuteScalar()!;
        }

        // total_changes() counts rows changed by this one connection, so it sees only writes made through it.
        var before = await writer.WriteAsync(TotalChanges);
        await storage.WriteAsync(new GrainStateKey("Shared", "k", "s"), "{}", null, Cancel);
        await reminders.UpsertAsync(new ReminderRow("Shared", "k", "r", 1_000, 1_000, 1_000, 0), Cancel);
        await storage.ClearAsync(new GrainStateKey("Shared", "k", "s"), 1, Cancel);
        Assert.True(await reminders.TryClaimAsync((await reminders.ReadAsync("Shared", "k", "r", Cancel))!, 2_000, Cancel));
        var after = await writer.WriteAsync(TotalChanges);

        Assert.Equal(4, after - before);
    }

    [Fact]
    public async Task A_failing_item_rolls_back_alone_and_keeps_its_own_exception()
    {
        using var writer = SqliteWriter.Acquire($"Data Source={File}");
        await writer.WriteAsync(c => Execute(c, "CREATE TABLE items (name TEXT PRIMARY KEY);"));

        // Queued together, so they usually share one group transaction; each outcome holds either way.
        var writes = Enumerable.Range(0, 30).Select(i => writer.WriteAsync(c =>
        {
            Execute(c, $"INSERT INTO items VALUES ('item-{i}');");
            return i % 3 == 1 ? throw new InvalidOperationException($"item {i} refuses") : i;
        })).ToList();

        for (var i = 0; i < writes.Count; i++)
        {
            if (i % 3 == 1)
            {
                var error = await Assert.ThrowsAsync<InvalidOperationException>(() => writes[i]);
                Assert.Equal($"item {i} refuses", error.Message);
            }
            else
            {
                Assert.Equal(i, await writes[i]);
            }
        }

        var stored = await writer.WriteAsync(c =>
        {
            using var command = c.Connection.CreateCommand();
            command.CommandText = "SELECT name FROM items ORDER BY name;";
            using var reader = command.ExecuteReader();
            var names = new List<string>();
            while (reader.Read())
            {
                names.Add(reader.GetString(0));
            }

            return names;
        });
        Assert.Equal(Enumerable.Range(0, 30).Where(i => i % 3 != 1).Select(i => $"item-{i}").Order(StringComparer.Ordinal), stored);
    }

    [Fact]
    public async Task A_disposed_lease_refuses_work_while_others_keep_the_writer()
    {
        var first = SqliteWriter.Acquire($"Data Source={File}");
        using var second = SqliteWriter.Acquire($"Data Source={File}");
        var connection = await first.WriteAsync(c => c.Connection);
        first.Dispose();

        var error = await Assert.ThrowsAsync<ObjectDisposedException>(() => first.WriteAsync(c => 0));
        Assert.Contains(second.DatabaseKey, error.Message, StringComparison.Ordinal);
        Assert.Same(connection, await second.WriteAsync(c => c.Connection));
    }

    [Fact]
    public async Task The_log_is_checkpointed_beside_the_writer_and_starts_over_instead_of_growing()
    {
        // A low catch-up mark (its own file's writer reads it at start), so a few MiB of writes show the cycle.
        var previous = SqliteWriter.CheckpointCatchUpFrames;
        SqliteWriter.CheckpointCatchUpFrames = 64;
        try
        {
            const int Commits = 2048;
            const int BlobBytes = 16 * 1024;
            var log = File + "-wal";
            using (var writer = SqliteWriter.Acquire($"Data Source={File}"))
            {
                await writer.WriteAsync(c => Execute(c, "CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL);"));

                // 32 MiB in commits of 16 KiB. SQLite's own checkpoint is off on the writer: without the background
                // checkpoints and the writer's catch-up the log would hold all of it.
                var largest = 0L;
                for (var i = 0; i < Commits; i++)
                {
                    await writer.WriteAsync(c => Execute(c, $"INSERT INTO blobs (data) VALUES (randomblob({BlobBytes}));"));
                    largest = Math.Max(largest, new FileInfo(log).Length);
                }

                Assert.Equal(0L, await writer.WriteAsync(c => Scalar(c, "PRAGMA wal_autocheckpoint;")));
                Assert.True(largest < Commits * BlobBytes / 3, $"the log grew to {largest:N0} bytes for {Commits * BlobBytes:N0} written");
            }

            // Everything written is there for a fresh reader, and the last lease's close folded the log into the file.
            await using var reader = new SqliteConnection($"Data Source={File};Pooling=False");
            await reader.OpenAsync(Cancel);
            await using var count = reader.CreateCommand();
            count.CommandText = "SELECT count(*), sum(length(data)) FROM blobs;";
            await using var rows = await count.ExecuteReaderAsync(Cancel);
            Assert.True(await rows.ReadAsync(Cancel));
            Assert.Equal((long)Commits, rows.GetInt64(0));
            Assert.Equal((long)Commits * BlobBytes, rows.GetInt64(1));
        }
        finally
        {
            SqliteWriter.CheckpointCatchUpFrames = previous;
        }
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    private static long Scalar(SqliteWriteContext context, string sql)
    {
        using var command = context.Connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private static int Execute(SqliteWriteContext context, string sql)
    {
        using var command = context.Connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }
}
