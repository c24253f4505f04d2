using Microsoft.Data.Sqlite;

namespace WalletGrains.Runtime;

/// <summary>
/// Copies committed WAL frames into a SQLite database file on a thread and connection of its own, so the writer
/// thread does not pay for checkpoints. SQLite's automatic checkpoint runs in the committing connection right after
/// COMMIT: under a steady stream of sends that was about ten a second, each writing megabytes into the file and
/// fsyncing it, 4 ms typically and up to 30 ms, with every queued write waiting behind it.
/// <para>
/// The writer nudges after each commit; a checkpoint runs at most once per <see cref="Interval"/> (PASSIVE: it
/// never waits for readers or the writer). A checkpoint that runs beside the writer rarely catches the log up
/// completely, and SQLite starts the log over only when a write begins on a fully copied one; so the writer asks
/// <see cref="BacklogFrames"/> and, when the log has grown long, finishes the copy itself between two groups,
/// which by then costs little (<see cref="SqliteWriter"/>).
/// </para>
/// </summary>
internal sealed class SqliteCheckpointer : IDisposable
{
    /// <summary>The shortest time between two background checkpoints.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly string _connectionString;
    private readonly Thread _thread;
    private readonly SemaphoreSlim _nudges = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private int _nudged;
    private long _logFrames;

    public SqliteCheckpointer(string connectionString, string name)
    {
        _connectionString = connectionString;
        _thread = new Thread(Loop) { IsBackground = true, Name = $"sqlite-checkpoint {name}" };
        _thread.Start();
    }

    /// <summary>The frames in the log as of the last background checkpoint: how far the log has grown since it last started over.</summary>
    public long BacklogFrames => Volatile.Read(ref _logFrames);

    /// <summary>The writer checkpointed the whole log itself; the next write starts it over.</summary>
    public void CaughtUp() => Volatile.Write(ref _logFrames, 0);

    /// <summary>Asks for a checkpoint soon (cheap; nudges while one is due are merged).</summary>
    public void Nudge()
    {
        if (Interlocked.Exchange(ref _nudged, 1) == 0)
        {
            _nudges.Release();
        }
    }

    /// <summary>Runs PASSIVE on <paramref name="connection"/>; the frames in the log, or -1 when another checkpoint held the lock.</summary>
    public static long CheckpointPassive(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        using var reader = command.ExecuteReader();
        return reader.Read() && reader.GetInt64(0) == 0 ? reader.GetInt64(1) : -1;
    }

    public void Dispose()
    {
        _stop.Cancel();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }

        _stop.Dispose();
        _nudges.Dispose();
    }

    private void Loop()
    {
        SqliteConnection? connection = null;
        try
        {
            while (true)
            {
                _nudges.Wait(_stop.Token);
                Volatile.Write(ref _nudged, 0);
                try
                {
                    connection ??= SqliteWriter.OpenConnection(_connectionString);
                    var frames = CheckpointPassive(connection);
                    if (frames >= 0)
                    {
                        Volatile.Write(ref _logFrames, frames);
                    }
                }
                catch (SqliteException)
                {
                    // The writer's own checkpoint (or SQLite's at close) catches up; try again on the next nudge.
                    connection?.Dispose();
                    connection = null;
                }

                // Pacing, not synchronisation: checkpoints come at most once per interval, however many commits nudge.
                if (_stop.Token.WaitHandle.WaitOne(Interval))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
        finally
        {
            connection?.Dispose();
        }
    }
}
