using System.Text.Json;
using WalletGrains.Ethereum.Abi;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Rpc;

namespace WalletGrains.Ethereum.Tests;

public sealed class RpcErrorClassifierTests
{
    public static TheoryData<int> Rows => [.. Enumerable.Range(0, RpcErrorClassifier.Patterns.Count)];

    [Theory]
    [MemberData(nameof(Rows))]
    public void Each_row_classifies_its_example_and_is_not_shadowed_by_an_earlier_row(int index)
    {
        var row = RpcErrorClassifier.Patterns[index];
        Assert.Same(row, RpcErrorClassifier.FindRow(row.Example));
        Assert.Equal(row.Kind, RpcErrorClassifier.Classify(-32000, row.Example));
        Assert.False(string.IsNullOrWhiteSpace(row.Source));
    }

    [Fact]
    public void The_table_covers_every_kind_the_send_path_acts_on()
    {
        var covered = RpcErrorClassifier.Patterns.Select(p => p.Kind).ToHashSet();
        // Timeout only ever comes from the transport, never from a node's wording.
        var expected = Enum.GetValues<RpcErrorKind>().Where(k => k != RpcErrorKind.Timeout);
        Assert.All(expected, k => Assert.Contains(k, covered));
    }

    // The exact strings anvil 1.7.1 returned here (see RpcAnvilSendTests), plus decorated real-world forms.
    [Theory]
    [InlineData(-32003, "transaction already imported", RpcErrorKind.AlreadyKnown)]
    [InlineData(-32003, "nonce too low", RpcErrorKind.NonceTooLow)]
    [InlineData(-32003, "replacement transaction underpriced", RpcErrorKind.ReplacementUnderpriced)]
    [InlineData(-32003, "Insufficient funds for gas * price + value", RpcErrorKind.InsufficientFunds)]
    [InlineData(-32003, "max fee per gas less than block base fee", RpcErrorKind.FeeCapBelowBaseFee)]
    [InlineData(3, "execution reverted: custom error 0xdeadbeef", RpcErrorKind.ExecutionReverted)]
    [InlineData(-32000, "nonce too low: address 0x336394A3219e71D9d9bd18201d34E95C1Bb7122C, tx: 8089 state: 8090", RpcErrorKind.NonceTooLow)]
    [InlineData(-32000, "insufficient funds for gas * price + value: address 0xb68D have 9934612900000000 want 9936662900000000", RpcErrorKind.InsufficientFunds)]
    [InlineData(-32010, "OldNonce, Current nonce: 22, nonce of rejected tx: 17", RpcErrorKind.NonceTooLow)]
    [InlineData(-32010, "InsufficientFunds, Account balance: 4740799397601480913, cumulative cost: 22019342038993800000", RpcErrorKind.InsufficientFunds)]
    [InlineData(-32010, "FeeTooLow, EffectivePriorityFeePerGas too low 10 < 20, BaseFee: 30", RpcErrorKind.Underpriced)]
    [InlineData(-32000, "Known transaction (7f65)", RpcErrorKind.AlreadyKnown)]
    [InlineData(-32602, "Unknown transaction type not supported", RpcErrorKind.Unknown)]
    [InlineData(3, "execution reverted: insufficient funds", RpcErrorKind.ExecutionReverted)]
    [InlineData(3, "execution reverted: nonce too low", RpcErrorKind.ExecutionReverted)]
    [InlineData(-32000, "authority nonce too low", RpcErrorKind.Unknown)]
    [InlineData(-32005, "Transaction gas limit exceeds block gas limit", RpcErrorKind.ExceedsBlockGasLimit)]
    [InlineData(-32005, "Requested range exceeds maximum RPC range limit", RpcErrorKind.Unknown)]
    [InlineData(-32005, "limit exceeded", RpcErrorKind.RateLimited)]
    [InlineData(-32000, "429 Too Many Requests: {\"code\":-32016,\"message\":\"over rate limit\"}", RpcErrorKind.RateLimited)]
    [InlineData(3, "", RpcErrorKind.ExecutionReverted)]
    [InlineData(-32601, "Method not found", RpcErrorKind.Unknown)]
    [InlineData(-32000, "some old nonsense", RpcErrorKind.Unknown)]
    public void Classifies_real_messages(int code, string message, RpcErrorKind kind) =>
        Assert.Equal(kind, RpcErrorClassifier.Classify(code, message));

    // A node that does not serve a method says so with -32601 or, for some providers, only in words; the failure keeps its kind.
    [Theory]
    [InlineData("{\"code\":-32601,\"message\":\"the method eth_getBlockReceipts does not exist/is not available\"}", true)]
    [InlineData("{\"code\":-32601,\"message\":\"Method not found\"}", true)]
    [InlineData("{\"code\":-32600,\"message\":\"Unsupported method: eth_getBlockReceipts\"}", true)]
    [InlineData("{\"code\":-32000,\"message\":\"eth_maxPriorityFeePerGas is not supported on this network\"}", true)]
    [InlineData("{\"code\":-32000,\"message\":\"header not found\"}", false)]
    [InlineData("{\"code\":-32003,\"message\":\"nonce too low\"}", false)]
    public void Says_when_the_node_does_not_serve_the_method(string error, bool unsupported)
    {
        using var doc = JsonDocument.Parse(error);
        var e = RpcException.FromErrorObject("eth_getBlockReceipts", doc.RootElement);
        Assert.Equal(unsupported, e.IsMethodUnsupported);
        Assert.Equal(RpcErrorClassifier.Classify(e.Code, e.RpcMessage), e.Kind);
        Assert.False(new RpcException("eth_getBlockReceipts", RpcErrorKind.Timeout, "no answer").IsMethodUnsupported);
    }

    [Fact]
    public void Falls_back_to_the_data_text_when_the_message_is_generic() =>
        Assert.Equal(RpcErrorKind.NonceTooLow, RpcErrorClassifier.Classify(-32603, "Internal error", "\"nonce too low\""));

    [Theory]
    [InlineData(429, RpcErrorKind.RateLimited)]
    [InlineData(500, RpcErrorKind.ServerUnavailable)]
    [InlineData(503, RpcErrorKind.ServerUnavailable)]
    [InlineData(404, RpcErrorKind.Unknown)]
    [InlineData(200, RpcErrorKind.Unknown)]
    public void Classifies_http_status(int status, RpcErrorKind kind) =>
        Assert.Equal(kind, RpcErrorClassifier.ClassifyHttpStatus(status));

    [Theory]
    [InlineData("{\"code\":3,\"message\":\"execution reverted: custom error 0xdeadbeef\",\"data\":\"0xdeadbeef\"}", "0xdeadbeef")]
    [InlineData("{\"code\":-32015,\"message\":\"VM execution error.\",\"data\":\"Reverted 0xdeadbeef\"}", "0xdeadbeef")]
    [InlineData("{\"code\":-32603,\"message\":\"Error: VM Exception while processing transaction: reverted\",\"data\":{\"message\":\"x\",\"data\":\"0xdeadbeef\"}}", "0xdeadbeef")]
    [InlineData("{\"code\":3,\"message\":\"execution reverted\"}", null)]
    [InlineData("{\"code\":3,\"message\":\"execution reverted\",\"data\":\"not hex 0xzz\"}", null)]
    public void Revert_data_is_taken_from_the_error_data(string error, string? revert)
    {
        using var doc = JsonDocument.Parse(error);
        var e = RpcException.FromErrorObject("eth_call", doc.RootElement);
        Assert.Equal(RpcErrorKind.ExecutionReverted, e.Kind);
        Assert.Equal(revert, e.RevertData is null ? null : HexConvert.ToHex(e.RevertData));
    }

    [Fact]
    public void The_exception_message_names_method_kind_code_and_decoded_reason()
    {
        var payload = HexConvert.ToHex(AbiRevert.EncodeError("nope"));
        using var doc = JsonDocument.Parse($"{{\"code\":3,\"message\":\"execution reverted\",\"data\":\"{payload}\"}}");
        var e = RpcException.FromErrorObject("eth_estimateGas", doc.RootElement, 200);
        Assert.Equal("eth_estimateGas failed (ExecutionReverted): [3] execution reverted (revert: nope)", e.Message);
        Assert.Equal(3, e.Code);
        Assert.Equal("execution reverted", e.RpcMessage);
        Assert.Equal($"\"{payload}\"", e.ErrorData);
        Assert.Equal(200, e.HttpStatus);
    }
}
