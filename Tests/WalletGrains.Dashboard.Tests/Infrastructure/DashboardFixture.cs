using System.Globalization;
using WalletGrains.Ethereum.Keys;
using WalletGrains.Ethereum.Model;
using WalletGrains.Testing;

namespace WalletGrains.Dashboard.Tests.Infrastructure;

/// <summary>
/// A real anvil (one block a second) and a real silo in the Production environment on SQLite, so every
/// dashboard request goes through the admin-key path. The silo custodies a fresh mnemonic's accounts,
/// funded on anvil; tests take accounts of their own. <see cref="StartNodeAsync"/> starts further silos
/// on the same chain (other environments), each on its own database.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const int AccountCount = 6;

    /// <summary>
    /// Blocks until confirmed: with three, a transaction stays pending for about three seconds, long enough for
    /// a page polling once a second to see it.
    /// </summary>
    public const int Confirmations = 3;

    private readonly List<string> _tempDirectories = [];
    private readonly List<DashboardNode> _extraNodes = [];
    private string _mnemonic = "";
    private int _nextAccount;

    public AnvilProcess Anvil { get; private set; } = null!;

    public DashboardNode Node { get; private set; } = null!;

    public IReadOnlyList<Address> Accounts { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        Anvil = await AnvilProcess.StartAsync(new AnvilOptions { BlockTimeSeconds = 1 });
        var mnemonic = Bip39Mnemonic.Generate(12);
        _mnemonic = mnemonic.Phrase;
        Accounts = [.. Bip44.DeriveEthereumAccounts(mnemonic, AccountCount).Select(a => { using (a) { return a.Address; } })];
        foreach (var account in Accounts)
        {
            await Anvil.RequestAsync("anvil_setBalance", account.ToLowerHex(), "0x" + (Wei.WeiPerEther * 1000UL).ToBigInteger().ToString("x", CultureInfo.InvariantCulture));
        }

        Node = await DashboardNode.StartAsync(Settings(), "Production");
    }

    /// <summary>Accounts no other test uses.</summary>
    public IReadOnlyList<Address> TakeAccounts(int count)
    {
        var first = Interlocked.Add(ref _nextAccount, count) - count;
        return first + count <= Accounts.Count
            ? [.. Accounts.Skip(first).Take(count)]
            : throw new InvalidOperationException($"The fixture has {Accounts.Count} accounts; tests asked for more.");
    }

    /// <summary>Another silo on the same chain and keys, its own SQLite database, in <paramref name="environment"/>; stopped with the fixture.</summary>
    public async Task<DashboardNode> StartNodeAsync(string environment, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var settings = Settings();
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var node = await DashboardNode.StartAsync(settings, environment);
        lock (_extraNodes)
        {
            _extraNodes.Add(node);
        }

        return node;
    }

    private Dictionary<string, string?> Settings()
    {
        var dir = Directory.CreateTempSubdirectory("walletgrains-dashboard-").FullName;
        lock (_tempDirectories)
        {
            _tempDirectories.Add(dir);
        }

        return new Dictionary<string, string?>
        {
            ["Wallet:Storage:Provider"] = "sqlite",
            ["Wallet:Storage:ConnectionString"] = $"Data Source={Path.Combine(dir, "wallet.db")}",
            ["Wallet:Chains:0:ChainId"] = Anvil.ChainId.ToString(CultureInfo.InvariantCulture),
            ["Wallet:Chains:0:Name"] = "anvil",
            ["Wallet:Chains:0:RpcUrls:0"] = Anvil.RpcUrl.ToString(),
            ["Wallet:Chains:0:PollInterval"] = "00:00:00.200",
            ["Wallet:Chains:0:MaxInFlight"] = "64",
            ["Wallet:Chains:0:Confirmations"] = Confirmations.ToString(CultureInfo.InvariantCulture),
            ["Wallet:Signers:Mnemonic"] = _mnemonic,
            ["Wallet:Signers:MnemonicCount"] = AccountCount.ToString(CultureInfo.InvariantCulture),
        };
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _extraNodes)
        {
            await node.DisposeAsync();
        }

        if (Node is not null)
        {
            await Node.DisposeAsync();
        }

        if (Anvil is not null)
        {
            await Anvil.DisposeAsync();
        }

        foreach (var dir in _tempDirectories)
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // A file still open by a pool is cleaned with the temp folder.
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard silo";
}
