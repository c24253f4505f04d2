using System.Globalization;
using System.Numerics;
using System.Text.Json;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Resources;
using WalletGrains.Testing;
using static WalletGrains.Grains.Tests.WalletStoreTestData;

namespace WalletGrains.Grains.Tests;

/// <summary>The Transaction resource as transaction.* events carry it: DESIGN.md §6's fields, in order, with the REST JSON conventions.</summary>
public sealed class EventsTransactionResourceTests
{
    // DESIGN.md §6, "Transaction resource", in the order written there.
    private static readonly string[] TransactionFields =
        ["id", "chainId", "from", "to", "value", "data", "nonce", "gasLimit", "status", "hash", "attempts", "receipt", "error", "cancelRequested", "createdAt", "updatedAt", "history"];

    private static readonly string[] AttemptFields = ["hash", "maxFeePerGas", "maxPriorityFeePerGas", "gasPrice", "submittedAt"];

    private static readonly string[] ReceiptFields = ["blockNumber", "blockHash", "gasUsed", "effectiveGasPrice", "status"];

    private static readonly string[] ErrorFields = ["code", "message"];

    private static readonly string[] HistoryFields = ["status", "at", "detail"];

    [Fact]
    public void ToJson_writes_the_design_fields_in_order_with_attempts_receipt_and_error()
    {
        var (fromLower, fromChecksummed) = Eip55Pair(0);
        var (toLower, toChecksummed) = Eip55Pair(1);
        byte[] data = [0xa9, 0x05, 0x9c, 0xbb, 0x00, 0xff];
        var tx = FullTransaction(137, Address.Parse(fromLower), 42) with { To = Address.Parse(toLower), Data = data };

        using var document = JsonDocument.Parse(TransactionResource.ToJson(tx));
        var root = document.RootElement;

        Assert.Equal(TransactionFields, Names(root));
        Assert.Equal(tx.Id, root.GetProperty("id").GetString());
        Assert.Equal(137UL, root.GetProperty("chainId").GetUInt64());
        Assert.Equal(fromChecksummed, root.GetProperty("from").GetString());
        Assert.Equal(toChecksummed, root.GetProperty("to").GetString());
        Assert.Equal(((BigInteger.One << 256) - 1).ToString(CultureInfo.InvariantCulture), root.GetProperty("value").GetString());
        Assert.Equal("0x" + Convert.ToHexStringLower(data), root.GetProperty("data").GetString());
        Assert.Equal(42UL, root.GetProperty("nonce").GetUInt64());
        Assert.Equal(tx.GasLimit, root.GetProperty("gasLimit").GetUInt64());
        Assert.Equal(TransactionStatus.Mined, root.GetProperty("status").GetString());
        Assert.Equal(tx.Hash!.Value.ToHex(), root.GetProperty("hash").GetString());
        Assert.True(root.GetProperty("cancelRequested").GetBoolean());
        Assert.Equal(tx.CreatedAt, root.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal(tx.UpdatedAt, root.GetProperty("updatedAt").GetDateTimeOffset());

        var attempts = root.GetProperty("attempts").EnumerateArray().ToArray();
        Assert.Equal(tx.Attempts.Length, attempts.Length);
        Assert.All(attempts, a => Assert.Equal(AttemptFields, Names(a)));
        for (var i = 0; i < attempts.Length; i++)
        {
            var expected = tx.Attempts[i];
            Assert.Equal(expected.Hash.ToHex(), attempts[i].GetProperty("hash").GetString());
            Assert.Equal(expected.MaxFeePerGas?.ToString(), NullableString(attempts[i].GetProperty("maxFeePerGas")));
            Assert.Equal(expected.MaxPriorityFeePerGas?.ToString(), NullableString(attempts[i].GetProperty("maxPriorityFeePerGas")));
            Assert.Equal(expected.GasPrice?.ToString(), NullableString(attempts[i].GetProperty("gasPrice")));
            var submitted = attempts[i].GetProperty("submittedAt");
            Assert.Equal(expected.SubmittedAt, submitted.ValueKind == JsonValueKind.Null ? null : submitted.GetDateTimeOffset());
        }

        // The fixture's edge values are really written: a null gas price, an unsent cancel, a zero tip.
        Assert.Equal(JsonValueKind.Null, attempts[0].GetProperty("gasPrice").ValueKind);
        Assert.Equal(JsonValueKind.Null, attempts[2].GetProperty("submittedAt").ValueKind);
        Assert.Equal("0", attempts[0].GetProperty("maxPriorityFeePerGas").GetString());

        var receipt = root.GetProperty("receipt");
        Assert.Equal(ReceiptFields, Names(receipt));
        Assert.Equal(ulong.MaxValue, receipt.GetProperty("blockNumber").GetUInt64());
        Assert.Equal(tx.Receipt!.BlockHash.ToHex(), receipt.GetProperty("blockHash").GetString());
        Assert.Equal(21_000UL, receipt.GetProperty("gasUsed").GetUInt64());
        Assert.Equal(tx.Receipt.EffectiveGasPrice.ToString(), receipt.GetProperty("effectiveGasPrice").GetString());
        Assert.Equal("reverted", receipt.GetProperty("status").GetString());

        var error = root.GetProperty("error");
        Assert.Equal(ErrorFields, Names(error));
        Assert.Equal(tx.Error!.Code, error.GetProperty("code").GetString());
        Assert.Equal(tx.Error.Message, error.GetProperty("message").GetString());

        var history = root.GetProperty("history").EnumerateArray().ToArray();
        Assert.All(history, h => Assert.Equal(HistoryFields, Names(h)));
        Assert.Equal(tx.History.Select(h => (h.Status, h.At, h.Detail)), history.Select(h => (h.GetProperty("status").GetString()!, h.GetProperty("at").GetDateTimeOffset(), NullableString(h.GetProperty("detail")))));
    }

    [Fact]
    public void ToJson_writes_absent_values_as_null_and_a_successful_receipt_as_success()
    {
        var from = NewAddress();
        var queued = Transaction(1, from, 0) with { To = null };
        using (var document = JsonDocument.Parse(TransactionResource.ToJson(queued)))
        {
            var root = document.RootElement;
            Assert.Equal(TransactionFields, Names(root));
            foreach (var name in new[] { "to", "hash", "receipt", "error" })
            {
                Assert.Equal(JsonValueKind.Null, root.GetProperty(name).ValueKind);
            }

            Assert.Equal("0x", root.GetProperty("data").GetString());
            Assert.False(root.GetProperty("cancelRequested").GetBoolean());
        }

        var hash = queued.Attempts[0].Hash;
        var mined = queued with { Status = TransactionStatus.Confirmed, Hash = hash, Receipt = new TransactionReceipt(hash, 7, NewHash(), 21_000, null, Success: true) };
        using (var document = JsonDocument.Parse(TransactionResource.ToJson(mined)))
        {
            var receipt = document.RootElement.GetProperty("receipt");
            Assert.Equal(ReceiptFields, Names(receipt));
            Assert.Equal("success", receipt.GetProperty("status").GetString());
            Assert.Equal(JsonValueKind.Null, receipt.GetProperty("effectiveGasPrice").ValueKind);
        }
    }

    private static string[] Names(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];

    private static string? NullableString(JsonElement element) => element.ValueKind == JsonValueKind.Null ? null : element.GetString();

    /// <summary>The n-th mixed-case ("normal") EIP-55 test case of the ERC: the lower-case form and its checksummed form.</summary>
    private static (string Lower, string Checksummed) Eip55Pair(int n)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(RepoPaths.Vector("eip55.json")));
        var entry = document.RootElement.GetProperty("valid").EnumerateArray().Where(e => e.GetProperty("group").GetString() == "normal").ElementAt(n);
        return (entry.GetProperty("lowercase").GetString()!, entry.GetProperty("checksummed").GetString()!);
    }
}
