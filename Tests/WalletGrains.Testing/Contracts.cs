using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Abi;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Signing;

namespace WalletGrains.Testing;

/// <summary>
/// The project's compiled contracts (contracts/artifacts, rebuilt by <c>node contracts/build.mjs</c>)
/// and how tests put them on an anvil: the Multicall at Multicall3's canonical address, TestToken by
/// a signed creation transaction.
/// </summary>
public static class Contracts
{
    /// <summary>How long a test transaction may take to be mined.</summary>
    public static readonly TimeSpan ReceiptTimeout = TimeSpan.FromSeconds(30);

    private static readonly Lazy<ContractArtifact> MulticallLazy = new(() => Load("Multicall"));
    private static readonly Lazy<ContractArtifact> TestTokenLazy = new(() => Load("TestToken"));

    /// <summary>Priority fee of test transactions: 1 gwei.</summary>
    private static readonly UInt256 PriorityFee = new(1_000_000_000);

    /// <summary>The committed artifacts folder, contracts/artifacts in the repository.</summary>
    public static string ArtifactsDirectory => Path.Combine(RepoPaths.Root, "contracts", "artifacts");

    /// <summary>The project's Multicall (Multicall3's ABI).</summary>
    public static ContractArtifact Multicall => MulticallLazy.Value;

    /// <summary>The minimal mintable ERC-20 used on dev chains and in tests.</summary>
    public static ContractArtifact TestToken => TestTokenLazy.Value;

    /// <summary>Reads contracts/artifacts/<paramref name="contractName"/>.json.</summary>
    public static ContractArtifact Load(string contractName)
    {
        ArgumentNullException.ThrowIfNull(contractName);
        var path = Path.Combine(ArtifactsDirectory, contractName + ".json");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Contract artifact '{path}' does not exist; run `node contracts/build.mjs`.", path);
        }

        var json = JsonNode.Parse(File.ReadAllText(path)) ?? throw new InvalidDataException($"'{path}' is empty.");
        return new ContractArtifact(
            (string)json["contractName"]!,
            json["abi"]!.AsArray(),
            HexConvert.FromHex((string)json["bytecode"]!),
            HexConvert.FromHex((string)json["deployedBytecode"]!),
            (string)json["compiler"]!);
    }

    /// <summary>
    /// Places the Multicall's runtime code at <see cref="Multicall3.Address"/> with <c>anvil_setCode</c>,
    /// so tests configure the same address as real chains, and checks that the code is there.
    /// </summary>
    public static async Task DeployMulticallAsync(AnvilProcess anvil)
    {
        ArgumentNullException.ThrowIfNull(anvil);
        var address = Multicall3.Address.ToLowerHex();
        var code = HexConvert.ToHex(Multicall.DeployedBytecode);
        await anvil.RequestAsync("anvil_setCode", address, code);
        var placed = (string?)await anvil.RequestAsync("eth_getCode", address, "latest");
        if (!string.Equals(placed, code, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"anvil_setCode did not place the Multicall at {address}: eth_getCode returned {placed?.Length ?? 0} hex chars.");
        }
    }

    /// <summary>Deploys a TestToken from <paramref name="deployer"/> and returns its address.</summary>
    public static Task<Address> DeployTokenAsync(AnvilProcess anvil, AnvilAccount deployer, string name = "Test Token", string symbol = "TEST")
    {
        ArgumentNullException.ThrowIfNull(deployer);
        return DeployTokenAsync(anvil, deployer.PrivateKey, name, symbol);
    }

    /// <summary>
    /// Deploys a TestToken with a creation transaction signed by <paramref name="deployerPrivateKey"/>
    /// (hex) and returns the contract address from the receipt.
    /// </summary>
    public static async Task<Address> DeployTokenAsync(AnvilProcess anvil, string deployerPrivateKey, string name = "Test Token", string symbol = "TEST")
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(symbol);
        var constructorArguments = AbiCodec.Encode([AbiType.String, AbiType.String], [name, symbol]);
        var initCode = TestToken.Bytecode.Concat(constructorArguments).ToArray();
        var receipt = await SendAsync(anvil, deployerPrivateKey, null, initCode);
        var created = (string?)receipt["contractAddress"];
        return Address.TryParse(created, out var address)
            ? address
            : throw new InvalidOperationException($"The TestToken creation receipt has no contract address: {receipt.ToJsonString()}");
    }

    /// <summary>
    /// Signs an EIP-1559 transaction (nonce from <c>eth_getTransactionCount</c> pending, gas from
    /// <c>eth_estimateGas</c>), sends it raw, mines a block when anvil runs with <c>--no-mining</c>, and
    /// returns the receipt; throws when the transaction reverted.
    /// </summary>
    public static async Task<JsonObject> SendAsync(AnvilProcess anvil, string privateKey, Address? to, byte[] data, UInt256 value = default)
    {
        ArgumentNullException.ThrowIfNull(anvil);
        ArgumentNullException.ThrowIfNull(privateKey);
        ArgumentNullException.ThrowIfNull(data);
        using var signer = new PrivateKeySigner(HexConvert.FromHex(privateKey));
        var from = signer.Address.ToLowerHex();
        var nonce = ParseQuantity(await anvil.RequestAsync("eth_getTransactionCount", from, "pending"));
        var call = new JsonObject { ["from"] = from, ["data"] = HexConvert.ToHex(data), ["value"] = value.ToHexQuantity() };
        if (to is { } target)
        {
            call["to"] = target.ToLowerHex();
        }

        var gas = ParseQuantity(await anvil.RequestAsync("eth_estimateGas", call));
        var latest = await anvil.RequestAsync("eth_getBlockByNumber", "latest", false);
        var baseFee = new UInt256(ParseQuantity(latest?["baseFeePerGas"]));

        // Twice the base fee plus the tip stays includable while the base fee rises for a few blocks.
        var transaction = new Eip1559Transaction
        {
            ChainId = anvil.ChainId,
            Nonce = nonce,
            GasLimit = gas + (gas / 5),
            To = to,
            Value = value,
            Data = data,
            MaxPriorityFeePerGas = PriorityFee,
            MaxFeePerGas = UInt256.FromBigInteger((baseFee.ToBigInteger() * 2) + PriorityFee.ToBigInteger()),
        };
        var signed = signer.Sign(transaction);
        var hash = (string?)await anvil.RequestAsync("eth_sendRawTransaction", signed.RawHex);
        if (!string.Equals(hash, signed.HashHex, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"anvil returned hash {hash} for transaction {signed.HashHex}.");
        }

        if (anvil.Options.NoMining)
        {
            await anvil.RequestAsync("evm_mine");
        }

        var receipt = await WaitForReceiptAsync(anvil, signed.HashHex);
        return (string?)receipt["status"] == "0x1"
            ? receipt
            : throw new InvalidOperationException($"Transaction {signed.HashHex} from {from} reverted: {receipt.ToJsonString()}");
    }

    /// <summary>Polls <c>eth_getTransactionReceipt</c> until the receipt exists or <see cref="ReceiptTimeout"/> passes.</summary>
    public static async Task<JsonObject> WaitForReceiptAsync(AnvilProcess anvil, string transactionHash)
    {
        ArgumentNullException.ThrowIfNull(anvil);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await anvil.RequestAsync("eth_getTransactionReceipt", transactionHash) is JsonObject receipt)
            {
                return receipt;
            }

            if (clock.Elapsed > ReceiptTimeout)
            {
                throw new TimeoutException($"No receipt for {transactionHash} within {ReceiptTimeout.TotalSeconds} s (is anvil mining?).");
            }

            // Wait on the observable condition (a receipt) with a deadline; interval mining needs time.
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    /// <summary>Parses a JSON-RPC hex quantity such as <c>"0x1a"</c>.</summary>
    public static ulong ParseQuantity(JsonNode? quantity)
    {
        var text = (string?)quantity;
        return text is not null && HexConvert.HasPrefix(text)
            && ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"'{text}' is not a 64-bit JSON-RPC quantity.");
    }
}

/// <summary>One compiled contract from contracts/artifacts: ABI, creation code and runtime code.</summary>
public sealed record ContractArtifact(string ContractName, JsonArray Abi, byte[] Bytecode, byte[] DeployedBytecode, string Compiler);
