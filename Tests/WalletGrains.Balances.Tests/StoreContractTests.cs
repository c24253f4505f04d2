using WalletGrains.Balances.Tests.Infrastructure;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Balances;
using WalletGrains.Grains.Storage;
using WalletGrains.Grains.Watches;

namespace WalletGrains.Balances.Tests;

/// <summary>The same contract of <see cref="IWatchStore"/> and <see cref="IBalanceStore"/> on memory, SQLite and PostgreSQL (migrated with the real scripts).</summary>
public sealed class StoreContractTests
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Providers => ["memory", "sqlite", "postgres"];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Watches_are_upserted_read_listed_in_order_and_removed(string provider)
    {
        await using var stores = await Stores.CreateAsync(provider);
        var store = stores.Watches;
        var (a, b, t1, t2) = (Addr(0x20), Addr(0x10), Addr(0xE1), Addr(0xE2));

        var created = await store.UpsertAsync(new Watch(5, a, [t1, t2, t1], T0.AddTicks(1234)), Ct);
        Assert.Equal([t1, t2], created.Tokens);
        Assert.Equal(T0, created.CreatedAt);

        var replaced = await store.UpsertAsync(new Watch(5, a, [t2], T0.AddHours(1)), Ct);
        Assert.Equal([t2], replaced.Tokens);
        Assert.Equal(T0, replaced.CreatedAt);

        await store.UpsertAsync(new Watch(5, b, [], T0), Ct);
        await store.UpsertAsync(new Watch(1, a, [t1], T0), Ct);

        var got = await store.GetAsync(5, a, Ct);
        Assert.NotNull(got);
        Assert.Equal((5UL, a, T0), (got.ChainId, got.Address, got.CreatedAt));
        Assert.Equal([t2], got.Tokens);
        Assert.Null(await store.GetAsync(5, Addr(0x30), Ct));

        Assert.Equal([b, a], (await store.ListAsync(5, Ct)).Select(w => w.Address));
        Assert.Equal([(1UL, a), (5UL, b), (5UL, a)], (await store.ListAsync(null, Ct)).Select(w => (w.ChainId, w.Address)));
        Assert.Empty((await store.ListAsync(5, Ct)).Single(w => w.Address == b).Tokens);

        Assert.True(await store.RemoveAsync(5, a, Ct));
        Assert.False(await store.RemoveAsync(5, a, Ct));
        Assert.Equal([b], (await store.ListAsync(5, Ct)).Select(w => w.Address));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_refresh_writes_its_rows_and_head_and_an_address_reads_its_own_rows(string provider)
    {
        await using var stores = await Stores.CreateAsync(provider);
        var store = stores.Balances;
        var (a, b, token) = (Addr(0x0A), Addr(0x0B), Addr(0xEE));
        Assert.Null(await store.LoadAsync(7, Ct));
        Assert.Null(await store.GetAsync(7, a, Ct));

        var max = UInt256.MaxValue;
        await store.WriteAsync(new BalanceWrite(7, 100, T0, [Entry(a, null, max, 100), Entry(a, token, 5, 100), Entry(b, null, 0, 100)], []), Ct);
        var first = (await store.LoadAsync(7, Ct))!;
        Assert.Equal(100UL, first.BlockNumber);
        Assert.Equal(3, first.Entries.Count);
        Assert.Equal(max, first.Entries.Single(e => e.Key == new BalanceKey(a, null)).Balance);

        // The next refresh: one change, one pair gone, the head moves; untouched rows keep their block.
        await store.WriteAsync(new BalanceWrite(7, 102, T0, [Entry(a, token, 6, 102)], [new BalanceKey(b, null)]), Ct);
        var second = (await store.LoadAsync(7, Ct))!;
        Assert.Equal(102UL, second.BlockNumber);
        Assert.Equal(
            [(new BalanceKey(a, null), max, 100UL), (new BalanceKey(a, token), new UInt256(6), 102UL)],
            second.Entries.OrderBy(e => e.Key.Token.HasValue).Select(e => (e.Key, e.Balance, e.BlockNumber)));

        var one = (await store.GetAsync(7, a, Ct))!;
        Assert.Equal((7UL, a, 102UL), (one.ChainId, one.Address, one.BlockNumber));
        Assert.Equal(2, one.Entries.Count);
        var none = (await store.GetAsync(7, b, Ct))!;
        Assert.Empty(none.Entries);
        Assert.Equal(102UL, none.BlockNumber);
        Assert.Null(await store.GetAsync(8, a, Ct));
    }

    private static Address Addr(byte last) => Address.FromBytes([.. new byte[19], last]);

    private static BalanceEntry Entry(Address address, Address? token, UInt256 balance, ulong block) => new(new BalanceKey(address, token), balance, block);

    /// <summary>A fresh, migrated database and the two stores on it.</summary>
    private sealed class Stores : IAsyncDisposable
    {
        private readonly TestStorage? _storage;

        private Stores(IWatchStore watches, IBalanceStore balances, TestStorage? storage)
        {
            Watches = watches;
            Balances = balances;
            _storage = storage;
        }

        public IWatchStore Watches { get; }

        public IBalanceStore Balances { get; }

        public static async Task<Stores> CreateAsync(string provider)
        {
            if (provider == "memory")
            {
                return new Stores(new MemoryWatchStore(), new MemoryBalanceStore(), null);
            }

            var storage = await TestStorage.CreateAsync(provider == "sqlite" ? StorageKind.Sqlite : StorageKind.Postgres, "store");
            await WalletSchema.MigrateAsync(storage.Provider, storage.ConnectionString);
            return provider == "sqlite"
                ? new Stores(new SqliteWatchStore(storage.ConnectionString), new SqliteBalanceStore(storage.ConnectionString), storage)
                : new Stores(new PostgresWatchStore(storage.ConnectionString), new PostgresBalanceStore(storage.ConnectionString), storage);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var store in new object[] { Watches, Balances })
            {
                switch (store)
                {
                    case IAsyncDisposable asyncDisposable:
                        await asyncDisposable.DisposeAsync();
                        break;
                    case IDisposable disposable:
                        disposable.Dispose();
                        break;
                }
            }

            _storage?.Dispose();
        }
    }
}
