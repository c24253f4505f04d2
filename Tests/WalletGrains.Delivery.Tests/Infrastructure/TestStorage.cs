using Npgsql;
using WalletGrains.Grains.Storage;
using WalletGrains.Testing;

namespace WalletGrains.Delivery.Tests;

/// <summary>
/// A fresh, migrated wallet database for one test: a SQLite file in a temp folder, or a new PostgreSQL database on the
/// run's server. <see cref="Provider"/> and <see cref="ConnectionString"/> are as <c>Wallet:Storage</c> takes them.
/// </summary>
public sealed class TestStorage : IAsyncDisposable
{
    private readonly string? _directory;

    private TestStorage(string provider, string connectionString, string? directory)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _directory = directory;
    }

    /// <summary>The storages every storage-dependent test runs on.</summary>
    public static TheoryData<string> Kinds => ["sqlite", "postgres"];

    public string Provider { get; }

    public string ConnectionString { get; }

    public static async Task<TestStorage> CreateAsync(string kind)
    {
        TestStorage storage;
        if (kind == "sqlite")
        {
            var directory = Directory.CreateTempSubdirectory("walletgrains-delivery-").FullName;
            storage = new TestStorage("sqlite", $"Data Source={Path.Combine(directory, "wallet.db")}", directory);
        }
        else
        {
            var postgres = await TestContext.Current.GetFixture<PostgresFixture>()
                ?? throw new InvalidOperationException("The PostgreSQL assembly fixture is missing.");
            storage = new TestStorage("postgres", await postgres.CreateDatabaseAsync("delivery"), null);
        }

        await WalletSchema.MigrateAsync(storage.Provider, storage.ConnectionString, TestContext.Current.CancellationToken);
        return storage;
    }

    /// <summary>A wallet store of its own on this database (not the host's, so appends through it signal nothing).</summary>
    public IWalletStore OpenWalletStore() => WalletStoreFactory.Create(WalletSchema.ParseProvider(Provider), ConnectionString);

    public ValueTask DisposeAsync()
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
        else
        {
            NpgsqlConnection.ClearAllPools();
        }

        return ValueTask.CompletedTask;
    }
}
