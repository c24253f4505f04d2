using System.Globalization;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Rpc;
using WalletGrains.Testing;

namespace WalletGrains.Ethereum.Tests;

/// <summary>
/// Broadcasting pre-signed vector transactions (all from dev account 0) to a fresh anvil per test,
/// and the exact errors anvil gives for the send path's outcomes.
/// </summary>
public sealed class RpcAnvilSendTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Address Account0 = Address.Parse(AnvilAccount.Dev[0].Address);

    // The vectors hold no chain-31337 transaction with nonce 0, so tests move account 0's nonce
    // to the vector's nonce with anvil_setNonce first.
    private static async Task SetNonceAsync(EthRpcClient client, ulong nonce) =>
        await client.CallAsync("anvil_setNonce", [Account0, nonce], cancellationToken: Ct);

    private static async Task<RpcException> SendExpectingErrorAsync(EthRpcClient client, RpcSignedTransaction tx, string what)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => client.SendRawTransactionAsync(tx.Raw, Ct));
        RpcAnvil.Log($"anvil 1.7.1, {what} ({tx.Note}): [{e.Code}] \"{e.RpcMessage}\" -> {e.Kind}");
        Assert.Equal("eth_sendRawTransaction", e.Method);
        return e;
    }

    [Fact]
    public async Task A_presigned_eip1559_transaction_is_mined_and_its_receipt_names_the_sender()
    {
        await using var anvil = await AnvilProcess.StartAsync(new AnvilOptions(), Ct);
        using var client = new EthRpcClient(anvil.RpcUrl);
        var tx = RpcSignedTransaction.Eip1559(31337, 1);
        await SetNonceAsync(client, tx.Nonce);

        var head = await client.GetBlockByNumberAsync(BlockParameter.Latest, cancellationToken: Ct);
        Assert.True(head!.BaseFeePerGas <= tx.FeeCap, $"base fee {head.BaseFeePerGas} must not exceed the vector's max fee {tx.FeeCap}");

        var sent = await client.TrySendRawTransactionAsync(tx.Raw, Ct);
        Assert.True(sent.Accepted, sent.Error?.Message);
        var hash = sent.Hash;
        Assert.Equal(tx.Hash, hash);

        var receipt = await RpcAnvil.WaitForReceiptAsync(client, hash);
        Assert.True(receipt.Succeeded);
        Assert.Equal((byte)1, receipt.Status);
        Assert.Equal(tx.Sender, receipt.From);
        Assert.Equal(Account0, receipt.From);
        Assert.Equal(tx.To, receipt.To);
        Assert.Equal(hash, receipt.TransactionHash);
        Assert.Equal(21_000UL, receipt.GasUsed);
        Assert.Equal((byte)2, receipt.Type);
        Assert.True(receipt.EffectiveGasPrice <= tx.FeeCap);
        Assert.Empty(receipt.Logs);

        // anvil can serve the receipt a moment before eth_getTransactionByHash shows the block: wait for it.
        var mined = await client.GetTransactionByHashAsync(hash, Ct);
        for (var deadline = DateTime.UtcNow.AddSeconds(10); mined?.BlockNumber is null && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(20, Ct);
            mined = await client.GetTransactionByHashAsync(hash, Ct);
        }

        Assert.NotNull(mined);
        Assert.Equal((tx.Sender, tx.To, tx.Value, tx.Nonce, receipt.BlockNumber), (mined.From, mined.To, mined.Value, mined.Nonce, mined.BlockNumber));
        Assert.Empty(mined.Input);
        Assert.Equal(tx.FeeCap, mined.MaxFeePerGas);

        var block = await client.GetBlockByNumberAsync(receipt.BlockNumber, fullTransactions: true, Ct);
        Assert.Equal(receipt.BlockHash, block!.Hash);
        Assert.Contains(hash, block.TransactionHashes);
        Assert.Equal(hash, Assert.Single(block.Transactions!).Hash);
        Assert.Equal(tx.Nonce + 1, await client.GetTransactionCountAsync(Account0, BlockParameter.Latest, Ct));
    }

    [Fact]
    public async Task Sending_the_same_raw_transaction_twice_is_already_known()
    {
        await using var anvil = await AnvilProcess.StartAsync(new AnvilOptions { NoMining = true }, Ct);
        using var client = new EthRpcClient(anvil.RpcUrl);
        var tx = RpcSignedTransaction.Eip1559(31337, 1);
        await SetNonceAsync(client, tx.Nonce);

        Assert.Equal(tx.Hash, await client.SendRawTransactionAsync(tx.Raw, Ct));
        var e = await SendExpectingErrorAsync(client, tx, "same raw transaction twice");
        Assert.Equal(RpcErrorKind.AlreadyKnown, e.Kind);
        Assert.Equal("transaction already imported", e.RpcMessage);
        Assert.Equal(-32003, e.Code);

        // The result form of the same outcome, with the hash computed from the bytes.
        var result = await client.TrySendRawTransactionAsync(tx.Raw, Ct);
        Assert.False(result.Accepted);
        Assert.Equal(RpcErrorKind.AlreadyKnown, result.Kind);
        Assert.Equal(tx.Hash, result.Hash);

        // Pending, not mined: the receipt is null until a block is mined on demand.
        Assert.Null(await client.GetTransactionReceiptAsync(tx.Hash, Ct));
        await client.CallAsync("evm_mine", cancellationToken: Ct);
        Assert.True((await RpcAnvil.WaitForReceiptAsync(client, tx.Hash)).Succeeded);
    }

    [Fact]
    public async Task A_used_nonce_is_nonce_too_low_for_a_new_transaction_and_for_a_resend()
    {
        await using var anvil = await AnvilProcess.StartAsync(new AnvilOptions(), Ct);
        using var client = new EthRpcClient(anvil.RpcUrl);
        var first = RpcSignedTransaction.Eip1559(31337, 1);
        var other = RpcSignedTransaction.Legacy(31337, 1);
        await SetNonceAsync(client, first.Nonce);
        await client.SendRawTransactionAsync(first.Raw, Ct);
        await RpcAnvil.WaitForReceiptAsync(client, first.Hash);

        var e = await SendExpectingErrorAsync(client, other, "another transaction with a mined nonce");
        Assert.Equal(RpcErrorKind.NonceTooLow, e.Kind);
        Assert.Equal("nonce too low", e.RpcMessage);

        // anvil forgets mined transactions in its pool: a resend of the mined bytes is "nonce too low", not "already known".
        var resend = await SendExpectingErrorAsync(client, first, "resend of a mined transaction");
        Assert.Equal(RpcErrorKind.NonceTooLow, resend.Kind);
    }

    [Fact]
    public async Task A_balance_below_gas_times_fee_cap_plus_value_is_insufficient_funds()
    {
        await using var anvil = await AnvilProcess.StartAsync(new AnvilOptions(), Ct);
        using var client = new EthRpcClient(anvil.RpcUrl);
        var tx = RpcSignedTransaction.Eip1559(31337, 1);
        await SetNonceAsync(client, tx.Nonce);
        await client.CallAsync("anvil_setBalance", [Account0, new UInt256(4096)], cancellationToken: Ct);

        var e = await SendExpectingErrorAsync(client, tx, "balance of 4096 wei");
        Assert.Equal(RpcErrorKind.InsufficientFunds, e.Kind);
        Assert.Equal("Insufficient funds for gas * price + value", e.RpcMessage);
    }

    [Fact]
    public async Task A_replacement_with_a_lower_fee_is_replacement_underpriced()
    {
        await using var anvil = await AnvilProcess.StartAsync(new AnvilOptions { NoMining = true }, Ct);
        using var client = new EthRpcClient(anvil.RpcUrl);
        var pending = RpcSignedTransaction.Eip1559(31337, 1);   // max fee 2 gwei
        var cheaper = RpcSignedTransaction.Legacy(31337, 1);    // gas price 1 gwei, same nonce
        Assert.True(cheaper.FeeCap < pending.FeeCap);
        await SetNonceAsync(client, pending.Nonce);
        await client.SendRawTransactionAsync(pending.Raw, Ct);

        var e = await SendExpectingErrorAsync(client, cheaper, "same nonce, lower fee");
        Assert.Equal(RpcErrorKind.ReplacementUnderpriced, e.Kind);
        Assert.Equal("replacement transaction underpriced", e.RpcMessage);
    }

    [Fact]
    public async Task A_fee_cap_below_the_base_fee_is_classified_as_such()
    {
        await using var anvil = await AnvilProcess.StartAsync(new AnvilOptions(), Ct);
        using var client = new EthRpcClient(anvil.RpcUrl);
        var tx = RpcSignedTransaction.Eip1559(31337, 4);        // max fee 1000 wei
        await SetNonceAsync(client, tx.Nonce);

        var e = await SendExpectingErrorAsync(client, tx, "max fee 1000 wei");
        Assert.Equal(RpcErrorKind.FeeCapBelowBaseFee, e.Kind);
        Assert.Equal("max fee per gas less than block base fee", e.RpcMessage);
    }

    [Fact]
    public async Task Generic_calls_drive_mining()
    {
        await using var anvil = await AnvilProcess.StartAsync(new AnvilOptions { NoMining = true }, Ct);
        using var client = new EthRpcClient(anvil.RpcUrl);
        Assert.Equal(0UL, await client.BlockNumberAsync(Ct));
        await client.CallAsync("anvil_mine", [5], cancellationToken: Ct);
        await client.CallAsync("evm_mine", cancellationToken: Ct);
        Assert.Equal(6UL, await client.BlockNumberAsync(Ct));
        Assert.False(await client.CallAsync<bool>("anvil_getAutomine", cancellationToken: Ct));
        await client.CallAsync("evm_setAutomine", [true], cancellationToken: Ct);
        Assert.True(await client.CallAsync<bool>("anvil_getAutomine", cancellationToken: Ct));
    }

    [Fact]
    public async Task Disposing_anvil_stops_it()
    {
        var anvil = await AnvilProcess.StartAsync(new AnvilOptions { ChainId = 4242, Accounts = 2 }, Ct);
        using var client = new EthRpcClient(anvil.RpcUrl, TimeSpan.FromSeconds(5));
        Assert.Equal(4242UL, await client.ChainIdAsync(Ct));
        Assert.Equal(4242UL, anvil.ChainId);
        Assert.Equal(2, anvil.Accounts.Count);
        await anvil.DisposeAsync();

        Assert.False(anvil.IsRunning);
        var e = await Assert.ThrowsAsync<RpcException>(() => client.ChainIdAsync(Ct));
        Assert.Equal(RpcErrorKind.ServerUnavailable, e.Kind);
    }

    [Fact]
    public void A_missing_tools_install_says_to_run_npm_ci()
    {
        var empty = Directory.CreateTempSubdirectory("wg-no-tools-");
        try
        {
            var e = Assert.Throws<FileNotFoundException>(() => AnvilProcess.FindBinary(empty.FullName));
            Assert.Contains("npm ci", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public void Anvil_arguments_follow_the_options()
    {
        var args = new AnvilOptions { BlockTimeSeconds = 1, ChainId = 5, BalanceEther = 7, BaseFeePerGas = 9 }.BuildArguments(1234);
        var line = string.Join(' ', args);
        Assert.Contains("--host 127.0.0.1 --port 1234", line, StringComparison.Ordinal);
        Assert.Contains("--block-time 1", line, StringComparison.Ordinal);
        Assert.Contains("--chain-id 5", line, StringComparison.Ordinal);
        Assert.Contains("--balance 7", line, StringComparison.Ordinal);
        Assert.Contains("--block-base-fee-per-gas 9", line, StringComparison.Ordinal);
        Assert.Contains("--silent", args);
        Assert.DoesNotContain("--no-mining", args);
        Assert.Equal(1234.ToString(CultureInfo.InvariantCulture), args[3]);
    }
}
