using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using WalletGrains.Ethereum.Keys;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains;
using WalletGrains.Grains.Storage;
using WalletGrains.Runtime;
using WalletGrains.Testing;

namespace WalletGrains.Balances.Tests.Infrastructure;

/// <summary>
/// A real anvil that mines only on request (so each test knows exactly which blocks exist), the project's Multicall at
/// Multicall3's address, two TestTokens, and the real silo on real storage custodying a fresh mnemonic's accounts. The
/// balance grain polls heads every 100 ms. Shared by the tests of one storage kind, which run one after another.
/// </summary>
public abstract class BalanceFixture : IAsyncLifetime
{
    public const int CustodiedCount = 3;

    private TestStorage? _storage;
    private Dictionary<string, string?> _settings = [];

    protected abstract StorageKind Kind { get; }

    public AnvilProcess Anvil { get; private set; } = null!;

    public BalanceNode Node { get; private set; } = null!;

    public ulong ChainId => Anvil.ChainId;

    public IReadOnlyList<Address> Custodied { get; private set; } = [];

    public Address TokenA { get; private set; }

    public Address TokenB { get; private set; }

    /// <summary>A funded anvil dev account that is not followed, for sending and minting.</summary>
    public AnvilAccount Funder => Anvil.Accounts[1];

    public IGrainFactory Grains => Node.Services.GetRequiredService<IGrainFactory>();

    public IWalletStore WalletStore => Node.Services.GetRequiredService<IWalletStore>();

    public virtual async ValueTask InitializeAsync()
    {
        Anvil = await AnvilProcess.StartAsync(new AnvilOptions { NoMining = true });
        await Contracts.DeployMulticallAsync(Anvil);
        TokenA = await Contracts.DeployTokenAsync(Anvil, Anvil.Accounts[0], "Token A", "TKA");
        TokenB = await Contracts.DeployTokenAsync(Anvil, Anvil.Accounts[0], "Token B", "TKB");

        var mnemonic = Bip39Mnemonic.Generate(12);
        Custodied = [.. Bip44.DeriveEthereumAccounts(mnemonic, CustodiedCount).Select(a => { using (a) { return a.Address; } })];
        foreach (var account in Custodied)
        {
            await Anvil.RequestAsync("anvil_setBalance", account.ToLowerHex(), "0x" + (Wei.WeiPerEther * 1000UL).ToBigInteger().ToString("x", CultureInfo.InvariantCulture));
        }

        _storage = await TestStorage.CreateAsync(Kind, "bal");
        _settings = new Dictionary<string, string?>
        {
            ["Wallet:Storage:Provider"] = _storage.Provider,
            ["Wallet:Storage:ConnectionString"] = _storage.ConnectionString,
            ["Wallet:Chains:0:ChainId"] = Anvil.ChainId.ToString(CultureInfo.InvariantCulture),
            ["Wallet:Chains:0:Name"] = "anvil",
            ["Wallet:Chains:0:RpcUrls:0"] = Anvil.RpcUrl.ToString(),
            ["Wallet:Chains:0:BalancePollInterval"] = "00:00:00.100",
            ["Wallet:Signers:Mnemonic"] = mnemonic.Phrase,
            ["Wallet:Signers:MnemonicCount"] = CustodiedCount.ToString(CultureInfo.InvariantCulture),
        };
        Node = await BalanceNode.StartAsync(_settings);
    }

    /// <summary>Stops the silo; <paramref name="whileDown"/> runs with no silo; then a new silo starts on the same storage and chain.</summary>
    public async Task RestartAsync(Func<Task> whileDown)
    {
        ArgumentNullException.ThrowIfNull(whileDown);
        await Node.DisposeAsync();
        try
        {
            await whileDown();
        }
        finally
        {
            Node = await BalanceNode.StartAsync(_settings);
        }
    }

    /// <summary>Mines one block; returns its number.</summary>
    public async Task<ulong> MineAsync()
    {
        await Anvil.RequestAsync("evm_mine");
        return Contracts.ParseQuantity(await Anvil.RequestAsync("eth_blockNumber"));
    }

    /// <summary>Waits (deadline 30 s) until the balance grain has finished a refresh at <paramref name="block"/> or later.</summary>
    public async Task<BalanceRefreshReport> WaitForRefreshAsync(ulong block)
    {
        var grain = Grains.GetGrain<IBalanceGrain>(BalanceGrainKey.For(ChainId));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (await grain.GetLastRefreshAsync() is { } report && report.BlockNumber >= block)
            {
                return report;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The balance grain of chain {ChainId} did not refresh at block {block} within 30 s; last: {await grain.GetLastRefreshAsync()}.");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>The balance.changed events of the event log, parsed.</summary>
    public async Task<List<(WalletEvent Event, JsonNode Data)>> BalanceEventsAsync()
    {
        var found = new List<(WalletEvent, JsonNode)>();
        var after = 0L;
        while (true)
        {
            var page = await WalletStore.ReadEventsAsync(after, 1000);
            if (page.Count == 0)
            {
                return found;
            }

            found.AddRange(page.Where(e => e.Type == WalletEventTypes.BalanceChanged).Select(e => (e, JsonNode.Parse(e.Data)!)));
            after = page[^1].Id;
        }
    }

    /// <summary>A fresh random address nobody else uses.</summary>
    public static Address NewAddress() => Address.FromPrivateKey(PrivateKeyGenerator.Generate());

    public virtual async ValueTask DisposeAsync()
    {
        if (Node is not null)
        {
            await Node.DisposeAsync();
        }

        if (Anvil is not null)
        {
            await Anvil.DisposeAsync();
        }

        _storage?.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteBalanceFixture : BalanceFixture
{
    protected override StorageKind Kind => StorageKind.Sqlite;
}

public sealed class PostgresBalanceFixture : BalanceFixture
{
    protected override StorageKind Kind => StorageKind.Postgres;
}

[CollectionDefinition(Name)]
public sealed class SqliteBalanceCollection : ICollectionFixture<SqliteBalanceFixture>
{
    public const string Name = "balances on sqlite";
}

[CollectionDefinition(Name)]
public sealed class PostgresBalanceCollection : ICollectionFixture<PostgresBalanceFixture>
{
    public const string Name = "balances on postgres";
}
