using System.Globalization;
using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Crypto;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Model;
using WalletGrains.Testing;

namespace WalletGrains.Bench.Balances;

/// <summary>Puts balances on anvil directly: anvil_setBalance for the native coin, anvil_setStorageAt on TestToken's balanceOf slots.</summary>
internal static class ChainState
{
    /// <summary>TestToken's storage slot of <c>balanceOf</c> (name 0, symbol 1, totalSupply 2; decimals is a constant).</summary>
    private const int BalanceOfSlot = 3;

    /// <summary>Random non-zero balances of every (address, asset) pair.</summary>
    public static Task SetAllAsync(AnvilProcess anvil, IReadOnlyList<Address> addresses, IReadOnlyList<Address> tokens, Random random) =>
        AnvilBatch.RequestAllAsync(anvil, [.. addresses.SelectMany(a => Requests(a, tokens, random))]);

    /// <summary>New random balances for <paramref name="count"/> random pairs.</summary>
    public static Task ChangeSomeAsync(AnvilProcess anvil, IReadOnlyList<Address> addresses, IReadOnlyList<Address> tokens, Random random, int count)
    {
        var requests = new List<(string, JsonNode?[])>(count);
        for (var i = 0; i < count; i++)
        {
            var address = addresses[random.Next(addresses.Count)];
            var asset = random.Next(tokens.Count + 1);
            requests.Add(asset == 0 ? Native(address, random) : Token(tokens[asset - 1], address, random));
        }

        return AnvilBatch.RequestAllAsync(anvil, requests);
    }

    private static IEnumerable<(string, JsonNode?[])> Requests(Address address, IReadOnlyList<Address> tokens, Random random)
    {
        yield return Native(address, random);
        foreach (var token in tokens)
        {
            yield return Token(token, address, random);
        }
    }

    private static (string, JsonNode?[]) Native(Address address, Random random) =>
        ("anvil_setBalance", [address.ToLowerHex(), Amount(random).ToHexQuantity()]);

    private static (string, JsonNode?[]) Token(Address token, Address owner, Random random)
    {
        var preimage = new byte[64];
        owner.Bytes.CopyTo(preimage.AsSpan(12));
        preimage[63] = BalanceOfSlot;
        return ("anvil_setStorageAt", [token.ToLowerHex(), HexConvert.ToHex(Keccak256.Hash(preimage)), HexConvert.ToHex(Amount(random).ToBigEndian32())]);
    }

    private static UInt256 Amount(Random random) => new((ulong)random.NextInt64(1, long.MaxValue));

    /// <summary>A block number as a JSON-RPC quantity.</summary>
    public static string Tag(ulong block) => "0x" + block.ToString("x", CultureInfo.InvariantCulture);
}
