using System.Globalization;
using WalletGrains.Ethereum.Keys;
using WalletGrains.Ethereum.Model;
using WalletGrains.Testing;

namespace WalletGrains.Integration.Tests;

/// <summary>Which database a test class runs on.</summary>
public enum StorageKind
{
    Sqlite,
    Postgres,
}

/// <summary>
/// A real anvil (one block a second) and a real silo on real storage, shared by the tests of one class.
/// The silo custodies a fresh random mnemonic's accounts, funded on anvil; each test takes accounts of
/// its own, so tests never depend on each other's nonces.
/// </summary>
public abstract class ServiceFixture : IAsyncLifetime
{
    public const int AccountCount = 24;

    private TestStorage? _storage;
    private int _nextAccount;

    protected abstract StorageKind Kind { get; }

    public AnvilProcess Anvil { get; private set; } = null!;

    public WalletNode Node { get; private set; } = null!;

    public IReadOnlyList<Address> Accounts { get; private set; } = [];

    public IReadOnlyDictionary<string, string?> Settings { get; private set; } = new Dictionary<string, string?>();

    /// <summary>Anvil options; the restart tests use a chain that mines only on request.</summary>
    protected virtual AnvilOptions AnvilOptions => new() { BlockTimeSeconds = 1 };

    public virtual async ValueTask InitializeAsync()
    {
        Anvil = await AnvilProcess.StartAsync(AnvilOptions);
        var mnemonic = Bip39Mnemonic.Generate(12);
        Accounts = [.. Bip44.DeriveEthereumAccounts(mnemonic, AccountCount).Select(a => { using (a) { return a.Address; } })];
        foreach (var account in Accounts)
        {
            await Anvil.RequestAsync("anvil_setBalance", account.ToLowerHex(), "0x" + (Wei.WeiPerEther * 1000UL).ToBigInteger().ToString("x", CultureInfo.InvariantCulture));
        }

        _storage = await TestStorage.CreateAsync(Kind, "it");
        var (provider, connectionString) = (_storage.Provider, _storage.ConnectionString);
        Settings = new Dictionary<string, string?>
        {
            ["Wallet:Storage:Provider"] = provider,
            ["Wallet:Storage:ConnectionString"] = connectionString,
            ["Wallet:Chains:0:ChainId"] = Anvil.ChainId.ToString(CultureInfo.InvariantCulture),
            ["Wallet:Chains:0:Name"] = "anvil",
            ["Wallet:Chains:0:RpcUrls:0"] = Anvil.RpcUrl.ToString(),
            ["Wallet:Chains:0:PollInterval"] = "00:00:00.200",
            ["Wallet:Chains:0:MaxInFlight"] = "64",
            ["Wallet:Signers:Mnemonic"] = mnemonic.Phrase,
            ["Wallet:Signers:MnemonicCount"] = AccountCount.ToString(CultureInfo.InvariantCulture),
        };
        Node = await WalletNode.StartAsync(Settings);
    }

    /// <summary>Accounts no other test uses.</summary>
    public IReadOnlyList<Address> TakeAccounts(int count)
    {
        var first = Interlocked.Add(ref _nextAccount, count) - count;
        return first + count <= Accounts.Count
            ? [.. Accounts.Skip(first).Take(count)]
            : throw new InvalidOperationException($"The fixture has {Accounts.Count} accounts; tests asked for more.");
    }

    /// <summary>Stops the silo and starts a new one on the same storage and chain.</summary>
    public async Task RestartAsync()
    {
        await Node.DisposeAsync();
        Node = await WalletNode.StartAsync(Settings);
    }

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

        if (_storage is not null)
        {
            await _storage.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteServiceFixture : ServiceFixture
{
    protected override StorageKind Kind => StorageKind.Sqlite;
}

public sealed class PostgresServiceFixture : ServiceFixture
{
    protected override StorageKind Kind => StorageKind.Postgres;
}
