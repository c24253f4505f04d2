using System.Text.Json.Nodes;

namespace WalletGrains.Testing;

/// <summary>
/// One of anvil's dev accounts: the public Hardhat/Anvil accounts of the mnemonic
/// <c>test test ... junk</c> at <c>m/44'/60'/0'/0/i</c>. Test-only keys; never use them on a real network.
/// </summary>
public sealed record AnvilAccount(int Index, string Address, string PrivateKey)
{
    private static readonly Lazy<IReadOnlyList<AnvilAccount>> DevLazy = new(LoadDev);

    /// <summary>The mnemonic anvil derives its accounts from by default.</summary>
    public const string DevMnemonic = "test test test test test test test test test test test junk";

    /// <summary>The ten dev accounts, read from the shared vectors (bip39.json, <c>dev_mnemonic.accounts</c>).</summary>
    public static IReadOnlyList<AnvilAccount> Dev => DevLazy.Value;

    /// <summary>Index and address only: the key stays out of test output.</summary>
    public override string ToString() => $"dev account {Index} ({Address})";

    private static List<AnvilAccount> LoadDev()
    {
        var root = JsonNode.Parse(File.ReadAllText(RepoPaths.Vector("bip39.json")))!;
        var dev = root["dev_mnemonic"]!;
        var mnemonic = (string)dev["mnemonic"]!;
        if (mnemonic != DevMnemonic)
        {
            throw new InvalidOperationException("bip39.json's dev_mnemonic is not anvil's default mnemonic.");
        }

        return dev["accounts"]!.AsArray()
            .Select(a => new AnvilAccount((int)a!["index"]!, (string)a["address"]!, (string)a["private_key"]!))
            .ToList();
    }
}
