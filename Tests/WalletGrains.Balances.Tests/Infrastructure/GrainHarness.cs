using Microsoft.Extensions.DependencyInjection;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains;
using WalletGrains.Grains.Balances;
using WalletGrains.Grains.Chains;
using WalletGrains.Grains.Keys;
using WalletGrains.Grains.Storage;
using WalletGrains.Grains.Watches;
using WalletGrains.Runtime;
using WalletGrains.Runtime.Testing;

namespace WalletGrains.Balances.Tests.Infrastructure;

/// <summary>
/// A test silo with the real BalanceGrain on a fake clock, a <see cref="StubChain"/> node and memory stores, for unit
/// tests of the grain's timer, reminder and diff logic. Time moves only when a test advances it.
/// </summary>
public sealed class GrainHarness : IAsyncDisposable
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(10);

    private readonly TestSilo _silo;

    private GrainHarness(TestSilo silo, FakeTimeProvider time, StubChain chain, Stores stores)
    {
        _silo = silo;
        Time = time;
        Chain = chain;
        Watches = stores.Watches;
        Balances = stores.Balances;
        Events = stores.Events;
    }

    public FakeTimeProvider Time { get; }

    public StubChain Chain { get; }

    public MemoryWatchStore Watches { get; }

    public IBalanceStore Balances { get; }

    public MemoryWalletStore Events { get; }

    /// <summary>The one custodied address (native balance followed without a watch).</summary>
    public static Address Custodied { get; } = Address.Parse("0x00000000000000000000000000000000000000c0");

    public IBalanceGrain Grain => _silo.GrainFactory.GetGrain<IBalanceGrain>(BalanceGrainKey.For(StubChain.Id));

    /// <summary>Starts the silo and activates the grain; <paramref name="balances"/> replaces the memory balance store.</summary>
    public static async Task<GrainHarness> StartAsync(Func<IBalanceStore, IBalanceStore>? balances = null)
    {
        var time = new FakeTimeProvider();
        var chain = new StubChain();
        var stores = new Stores(new MemoryWatchStore(), balances?.Invoke(new MemoryBalanceStore()) ?? new MemoryBalanceStore(), new MemoryWalletStore());
        var options = new WalletOptions
        {
            Chains =
            [
                new ChainOptions
                {
                    ChainId = StubChain.Id,
                    Name = "stub",
                    RpcUrls = ["http://127.0.0.1:9/"],
                    BalancePollInterval = PollInterval,
                    BalanceRefreshInterval = RefreshInterval,
                },
            ],
        };
        var silo = await TestSilo.StartAsync(
            s => s.AddMemoryGrainStorage().UseInMemoryReminders(),
            services =>
            {
                services.AddLogging();
                services.AddSingleton<IChainRegistry>(sp => new ChainRegistry(options, time, createTransport: () => chain));
                services.AddSingleton<IKeyStore>(new FakeKeyStore(Custodied));
                services.AddSingleton<IWatchStore>(stores.Watches);
                services.AddSingleton<IWatchedAddresses, WatchedAddresses>();
                services.AddSingleton(stores.Balances);
                services.AddSingleton<IWalletStore>(stores.Events);
            },
            time);
        var harness = new GrainHarness(silo, time, chain, stores);
        await harness.Grain.EnsureActiveAsync();
        return harness;
    }

    /// <summary>Adds a watch with the clock's time.</summary>
    public Task WatchAsync(Address address, params Address[] tokens) =>
        Watches.UpsertAsync(new Watch(StubChain.Id, address, [.. tokens], Time.GetUtcNow()));

    /// <summary>Moves the clock one poll interval at a time until <paramref name="condition"/> holds (deadline 20 s of real time).</summary>
    public async Task AdvanceUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? step = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        Time.Advance(TimeSpan.Zero);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not reached within 20 s: {what}.");
            }

            Time.Advance(step ?? PollInterval);
            await Task.Delay(5);
        }
    }

    /// <summary>Advances until the grain reports a refresh at <paramref name="block"/>.</summary>
    public async Task<BalanceRefreshReport> RefreshedAtAsync(ulong block)
    {
        BalanceRefreshReport? report = null;
        await AdvanceUntilAsync(async () => (report = await Grain.GetLastRefreshAsync())?.BlockNumber == block, $"a refresh at block {block}");
        return report!;
    }

    /// <summary>The chain's stored balances.</summary>
    public async Task<Dictionary<BalanceKey, UInt256>> SnapshotAsync() =>
        (await Balances.LoadAsync(StubChain.Id))?.Entries.ToDictionary(e => e.Key, e => e.Balance) ?? [];

    /// <summary>The data of every balance.changed event.</summary>
    public async Task<List<string>> EventDataAsync() =>
        [.. (await Events.ReadEventsAsync(0, 1000)).Where(e => e.Type == WalletEventTypes.BalanceChanged).Select(e => e.Data)];

    public async ValueTask DisposeAsync() => await _silo.DisposeAsync();

    private sealed record Stores(MemoryWatchStore Watches, IBalanceStore Balances, MemoryWalletStore Events);

    private sealed class FakeKeyStore(Address address) : IKeyStore
    {
        public IReadOnlyCollection<Address> Addresses { get; } = [address];

        public bool Contains(Address candidate) => candidate == address;

        public ValueTask<Signature> SignHashAsync(Address signer, Bytes32 hash, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("The balance tests never sign.");
    }
}
