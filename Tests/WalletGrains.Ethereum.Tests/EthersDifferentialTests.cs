using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Crypto;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Signing;
using WalletGrains.Testing;

namespace WalletGrains.Ethereum.Tests;

/// <summary>
/// Signs a few hundred random transactions here and with ethers 6.17 (tools/oracle/sign.mjs, one
/// node process) and requires byte-identical results; both sign with RFC 6979 and low s.
/// </summary>
public sealed class EthersDifferentialTests
{
    private const int CaseCount = 300;

    /// <summary>ethers keeps nonces as JavaScript numbers, so they stay at or below 2^53 - 1.</summary>
    private const ulong EthersMaxNonce = (1UL << 53) - 1;

    [Fact]
    public async Task Signed_bytes_match_ethers_for_random_transactions()
    {
        var random = new Random(20261121);
        var cases = new List<(Transaction Tx, byte[] Key)>();
        for (var i = 0; i < CaseCount; i++)
        {
            cases.Add((RandomTransaction(random, i % 3), RandomKey(random)));
        }

        var input = cases.Select(c => new JsonObject { ["key"] = HexConvert.ToHex(c.Key), ["tx"] = ToOracleJson(c.Tx) }.ToJsonString());
        var output = await NodeScript.RunLinesAsync(Path.Combine("oracle", "sign.mjs"), input, TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        Assert.Equal(cases.Count, output.Count);

        for (var i = 0; i < cases.Count; i++)
        {
            var (tx, key) = cases[i];
            var oracle = JsonNode.Parse(output[i])!;
            Assert.True(oracle["error"] is null, $"case {i}: ethers failed: {oracle["error"]} for {tx}");

            var signed = TransactionSigner.Sign(tx, key);
            Assert.True((string)oracle["signingHash"]! == TransactionSigner.GetSigningHash(tx).ToHex(), $"case {i}: signing hash differs for {tx}");
            Assert.True((string)oracle["raw"]! == signed.RawHex, $"case {i}: raw differs for {tx}\nethers {oracle["raw"]}\nours   {signed.RawHex}");
            Assert.Equal((string)oracle["hash"]!, signed.HashHex);
            Assert.Equal((string)oracle["from"]!, signed.From.ToChecksumString());
        }

        // The mix really covered what it was meant to.
        Assert.Contains(cases, c => c.Tx.To is null);
        Assert.Contains(cases, c => c.Tx is LegacyTransaction { ChainId: 0 });
        Assert.Contains(cases, c => c.Tx is Eip1559Transaction { AccessList.Count: > 1 });
        Assert.Contains(cases, c => c.Tx.Value == UInt256.MaxValue);
    }

    private static JsonObject ToOracleJson(Transaction tx)
    {
        var json = new JsonObject
        {
            ["type"] = (int)tx.Type,
            ["chainId"] = tx.ChainId.ToString(),
            ["nonce"] = tx.Nonce.ToString(),
            ["gasLimit"] = tx.GasLimit.ToString(),
            ["to"] = tx.To?.ToChecksumString(),
            ["value"] = tx.Value.ToString(),
            ["data"] = HexConvert.ToHex(tx.Data.Span),
        };
        IReadOnlyList<AccessListEntry>? accessList = null;
        switch (tx)
        {
            case LegacyTransaction legacy:
                json["gasPrice"] = legacy.GasPrice.ToString();
                break;
            case Eip2930Transaction eip2930:
                json["gasPrice"] = eip2930.GasPrice.ToString();
                accessList = eip2930.AccessList;
                break;
            case Eip1559Transaction eip1559:
                json["maxPriorityFeePerGas"] = eip1559.MaxPriorityFeePerGas.ToString();
                json["maxFeePerGas"] = eip1559.MaxFeePerGas.ToString();
                accessList = eip1559.AccessList;
                break;
        }

        if (accessList is not null)
        {
            var entries = new JsonArray();
            foreach (var entry in accessList)
            {
                var keys = new JsonArray();
                foreach (var key in entry.StorageKeys)
                {
                    keys.Add(key.ToHex());
                }

                entries.Add(new JsonObject { ["address"] = entry.Address.ToChecksumString(), ["storageKeys"] = keys });
            }

            json["accessList"] = entries;
        }

        return json;
    }

    private static Transaction RandomTransaction(Random random, int type)
    {
        var chainId = random.Next(6) switch
        {
            0 => type == 0 ? 0UL : 1UL,
            1 => 1UL,
            2 => 31337UL,
            3 => 11155111UL,
            4 => (ulong)random.NextInt64(1, long.MaxValue),
            _ => ulong.MaxValue - (ulong)random.Next(1000),
        };
        var nonce = random.Next(4) switch
        {
            0 => (ulong)random.Next(0, 300),
            1 => EthersMaxNonce,
            _ => (ulong)random.NextInt64(0, (long)EthersMaxNonce),
        };
        var gasLimit = random.Next(3) == 0 ? ulong.MaxValue : (ulong)random.NextInt64(21000, long.MaxValue);
        Address? to = random.Next(5) == 0 ? null : Address.FromBytes(RandomBytes(random, Address.Length));
        var value = RandomUInt256(random);
        var data = RandomBytes(random, random.Next(4) switch { 0 => 0, 1 => random.Next(1, 3), 2 => random.Next(50, 60), _ => random.Next(0, 700) });
        var feeA = RandomUInt256(random);
        var feeB = RandomUInt256(random);
        return type switch
        {
            0 => new LegacyTransaction { ChainId = chainId, Nonce = nonce, GasLimit = gasLimit, To = to, Value = value, Data = data, GasPrice = feeA },
            1 => new Eip2930Transaction
            {
                ChainId = chainId, Nonce = nonce, GasLimit = gasLimit, To = to, Value = value, Data = data, GasPrice = feeA,
                AccessList = RandomAccessList(random),
            },
            _ => new Eip1559Transaction
            {
                ChainId = chainId, Nonce = nonce, GasLimit = gasLimit, To = to, Value = value, Data = data,
                MaxPriorityFeePerGas = UInt256.Min(feeA, feeB), MaxFeePerGas = UInt256.Max(feeA, feeB),
                AccessList = RandomAccessList(random),
            },
        };
    }

    private static List<AccessListEntry> RandomAccessList(Random random)
    {
        var list = new List<AccessListEntry>();
        var count = random.Next(4);
        for (var i = 0; i < count; i++)
        {
            var keys = new List<Bytes32>();
            var keyCount = random.Next(4);
            for (var k = 0; k < keyCount; k++)
            {
                keys.Add(Bytes32.FromBytes(RandomBytes(random, Bytes32.Length)));
            }

            list.Add(new AccessListEntry(Address.FromBytes(RandomBytes(random, Address.Length)), keys));
        }

        return list;
    }

    /// <summary>Zero, the maximum, or a value of a random byte width up to 32.</summary>
    private static UInt256 RandomUInt256(Random random) => random.Next(8) switch
    {
        0 => UInt256.Zero,
        1 => UInt256.MaxValue,
        _ => UInt256.FromBigEndian(RandomBytes(random, random.Next(1, 33))),
    };

    private static byte[] RandomKey(Random random)
    {
        while (true)
        {
            var key = RandomBytes(random, 32);
            if (Secp256k1.IsValidPrivateKey(key))
            {
                return key;
            }
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
