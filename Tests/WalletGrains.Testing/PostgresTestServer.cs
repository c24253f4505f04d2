using System.Diagnostics;

namespace WalletGrains.Testing;

/// <summary>
/// A PostgreSQL server for tests: the one named by <c>$WALLETGRAINS_TEST_POSTGRES</c> (a connection string) when set,
/// otherwise a throwaway cluster started with <c>scripts/pg-test.sh</c> and stopped on dispose.
/// </summary>
public sealed class PostgresTestServer : IAsyncDisposable
{
    /// <summary>Environment variable holding a connection string to an existing server (with rights to create databases).</summary>
    public const string EnvironmentVariable = "WALLETGRAINS_TEST_POSTGRES";

    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(2);

    private PostgresTestServer(string connectionString, bool startedHere)
    {
        ConnectionString = connectionString;
        OwnsCluster = startedHere;
    }

    /// <summary>Connection string of the server's test database; use it to create per-test databases.</summary>
    public string ConnectionString { get; }

    /// <summary>Whether this process started the cluster (and will stop it).</summary>
    public bool OwnsCluster { get; }

    /// <summary>Uses <c>$WALLETGRAINS_TEST_POSTGRES</c> or starts a throwaway cluster.</summary>
    public static async Task<PostgresTestServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new PostgresTestServer(configured, startedHere: false);
        }

        var output = (await RunScriptAsync(["start"], cancellationToken)).Trim();
        if (!output.StartsWith("Host=", StringComparison.Ordinal) || output.Contains('\n', StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"scripts/pg-test.sh start printed an unexpected result: '{output}'.");
        }

        return new PostgresTestServer(output, startedHere: true);
    }

    /// <summary>The connection string with another database name.</summary>
    public string ForDatabase(string database)
    {
        var parts = ConnectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !IsKey(p, "Database") && !IsKey(p, "DB"))
            .Append($"Database={database}");
        return string.Join(';', parts);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (OwnsCluster)
        {
            await RunScriptAsync(["stop", ConnectionString], CancellationToken.None);
        }
    }

    private static bool IsKey(string part, string key)
    {
        var equals = part.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 && part[..equals].Trim().Equals(key, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<string> RunScriptAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var script = Path.Combine(RepoPaths.Root, "scripts", "pg-test.sh");
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not run {script}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ScriptTimeout);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await stderr}");
        }

        return await stdout;
    }
}
