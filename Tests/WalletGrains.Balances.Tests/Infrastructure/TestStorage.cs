namespace WalletGrains.Balances.Tests.Infrastructure;

/// <summary>Which database a test class runs on.</summary>
public enum StorageKind
{
    Sqlite,
    Postgres,
}

/// <summary>Fresh storage: a SQLite file in a temp folder, or a new database on the shared PostgreSQL server.</summary>
public sealed class TestStorage : IDisposable
{
    private readonly string? _directory;

    private TestStorage(string provider, string connectionString, string? directory)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _directory = directory;
    }

    /// <summary><c>sqlite</c> or <c>postgres</c>, as Wallet:Storage:Provider takes it.</summary>
    public string Provider { get; }

    public string ConnectionString { get; }

    public static async Task<TestStorage> CreateAsync(StorageKind kind, string prefix)
    {
        if (kind == StorageKind.Sqlite)
        {
            var dir = Directory.CreateTempSubdirectory($"walletgrains-{prefix}-").FullName;
            return new TestStorage("sqlite", $"Data Source={Path.Combine(dir, "wallet.db")}", dir);
        }

        return new TestStorage("postgres", await SharedPostgres.CreateDatabaseAsync($"wallet_{prefix}"), null);
    }

    public void Dispose()
    {
        if (_directory is not null)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A file still open by a pool is left for the temp folder's own clean-up.
            }
        }
    }
}
