using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Keys;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Storage;
using WalletGrains.Testing;

namespace WalletGrains.Integration.Tests;

/// <summary>
/// One lifecycle scenario's world: its own anvil (configured per test), its own storage and a silo
/// with per-test chain settings (bump timing, caps, in-flight limit). Disposing stops all of it.
/// </summary>
public sealed class LifecycleHarness : IAsyncDisposable
{
    private readonly TestStorage _storage;
    private readonly Bip39Mnemonic _mnemonic;

    private LifecycleHarness(AnvilProcess anvil, WalletNode node, IReadOnlyDictionary<string, string?> settings, IReadOnlyList<Address> accounts, Bip39Mnemonic mnemonic, TestStorage storage)
    {
        Anvil = anvil;
        Node = node;
        Settings = settings;
        Accounts = accounts;
        _mnemonic = mnemonic;
        _storage = storage;
    }

    public AnvilProcess Anvil { get; }

    public WalletNode Node { get; private set; }

    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>The custodied accounts (each funded with 1,000 ether).</summary>
    public IReadOnlyList<Address> Accounts { get; }

    public IWalletStore Store => Node.Services.GetRequiredService<IWalletStore>();

    /// <param name="services">Registrations for the silo after its own (see <see cref="WalletNode.StartAsync"/>).</param>
    public static async Task<LifecycleHarness> StartAsync(
        StorageKind kind, AnvilOptions anvilOptions, IReadOnlyDictionary<string, string?>? chainSettings = null, int accounts = 2, Action<IServiceCollection>? services = null)
    {
        var anvil = await AnvilProcess.StartAsync(anvilOptions);
        var mnemonic = Bip39Mnemonic.Generate(12);
        var addresses = Bip44.DeriveEthereumAccounts(mnemonic, accounts).Select(a => { using (a) { return a.Address; } }).ToList();
        foreach (var a in addresses)
        {
            await anvil.RequestAsync("anvil_setBalance", a.ToLowerHex(), Quantity(Wei.WeiPerEther * 1000UL));
        }

        var storage = await TestStorage.CreateAsync(kind, "life");
        var (provider, connectionString) = (storage.Provider, storage.ConnectionString);

        var settings = new Dictionary<string, string?>
        {
            ["Wallet:Storage:Provider"] = provider,
            ["Wallet:Storage:ConnectionString"] = connectionString,
            ["Wallet:Chains:0:ChainId"] = anvil.ChainId.ToString(CultureInfo.InvariantCulture),
            ["Wallet:Chains:0:Name"] = "anvil",
            ["Wallet:Chains:0:RpcUrls:0"] = anvil.RpcUrl.ToString(),
            ["Wallet:Chains:0:PollInterval"] = "00:00:00.200",
            ["Wallet:Chains:0:BumpAfter"] = "00:00:01",
            ["Wallet:Signers:Mnemonic"] = mnemonic.Phrase,
            ["Wallet:Signers:MnemonicCount"] = accounts.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (k, v) in chainSettings ?? new Dictionary<string, string?>())
        {
            settings[k.StartsWith("Wallet:", StringComparison.Ordinal) ? k : "Wallet:Chains:0:" + k] = v;
        }

        var node = await WalletNode.StartAsync(settings, services);
        return new LifecycleHarness(anvil, node, settings, addresses, mnemonic, storage);
    }

    /// <summary>The private key of a custodied account, for tests that act outside the service (an external signer).</summary>
    public byte[] PrivateKeyOf(Address address)
    {
        foreach (var account in Bip44.DeriveEthereumAccounts(_mnemonic, Accounts.Count))
        {
            using (account)
            {
                if (account.Address == address)
                {
                    return account.PrivateKey.ToArray();
                }
            }
        }

        throw new ArgumentException($"{address} is not one of the harness accounts.", nameof(address));
    }

    public static string Quantity(UInt256 value) => value.ToHexQuantity();

    public static JsonObject Transfer(Address from, Address to, string value = "1000") => new()
    {
        ["chainId"] = 31337,
        ["from"] = from.ToChecksumString(),
        ["to"] = to.ToChecksumString(),
        ["value"] = value,
    };

    public async Task<string> SendOkAsync(JsonObject body)
    {
        var (status, response) = await Node.SendAsync(body);
        Assert.True(status == 202, response?.ToJsonString());
        return (string)response!["id"]!;
    }

    public Task<JsonNode> GetAsync(string id) => Node.GetJsonAsync($"v1/transactions/{id}");

    public async Task<ulong> NonceAsync(Address address, string block = "latest") =>
        ulong.Parse(((string)(await Anvil.RequestAsync("eth_getTransactionCount", address.ToLowerHex(), block))!)[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    public Task MineAsync() => Anvil.RequestAsync("evm_mine");

    /// <summary>Polls until <paramref name="condition"/> holds for the transaction, mining a block between polls when asked; fails at the deadline.</summary>
    public async Task<JsonNode> WaitForAsync(string id, Func<JsonNode, bool> condition, TimeSpan deadline, bool mine = false)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            var tx = await GetAsync(id);
            if (condition(tx))
            {
                return tx;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Transaction {id} did not reach the expected state within {deadline}: {tx.ToJsonString()}");
            }

            if (mine)
            {
                await MineAsync();
            }

            await Task.Delay(250);
        }
    }

    /// <summary>The stored raw bytes of one attempt, as a node would receive them.</summary>
    public async Task<string> RawAttemptAsync(string id, int seq)
    {
        var tx = await Store.GetTransactionAsync(id);
        return HexConvert.ToHex(tx!.Attempts.Single(a => a.Seq == seq).Raw.Span);
    }

    /// <summary>The event log's transaction.* entries of one transaction, in id order, as (type, status in the snapshot).</summary>
    public async Task<List<(string Type, string Status)>> EventsOfAsync(string id)
    {
        var result = new List<(string, string)>();
        long after = 0;
        while (true)
        {
            var page = await Store.ReadEventsAsync(after, 1000);
            if (page.Count == 0)
            {
                return result;
            }

            foreach (var e in page)
            {
                var data = JsonNode.Parse(e.Data)!;
                if ((string?)data["id"] == id)
                {
                    result.Add((e.Type, (string)data["status"]!));
                }
            }

            after = page[^1].Id;
        }
    }

    /// <summary>Runs SQL of the test's own on the silo's database (see <see cref="TestStorage.ScalarAsync"/>).</summary>
    public Task<object?> ExecuteSqlAsync(string sql) => _storage.ScalarAsync(sql);

    public async Task RestartAsync()
    {
        await Node.DisposeAsync();
        Node = await WalletNode.StartAsync(Settings);
    }

    public async ValueTask DisposeAsync()
    {
        await Node.DisposeAsync();
        await Anvil.DisposeAsync();
        await _storage.DisposeAsync();
    }
}
