using System.Security.Cryptography;
using System.Text.Json;
using WalletGrains.Ethereum.Abi;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Rpc;
using WalletGrains.Testing;

namespace WalletGrains.Ethereum.Tests;

/// <summary>Read paths of the RPC client against one shared, real anvil. These tests send no transactions.</summary>
[Collection(RpcAnvilCollection.Name)]
public sealed class RpcAnvilTests(RpcAnvilFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private EthRpcClient Client => fixture.Client;

    [Fact]
    public async Task Chain_id_is_anvils_default_and_block_number_is_the_latest_block()
    {
        Assert.Equal(31337UL, await Client.ChainIdAsync(Ct));
        Assert.Equal(fixture.Anvil.ChainId, await Client.ChainIdAsync(Ct));
        var number = await Client.BlockNumberAsync(Ct);
        var latest = await Client.GetBlockByNumberAsync(BlockParameter.Latest, cancellationToken: Ct);
        Assert.NotNull(latest);
        Assert.True(latest.Number >= number);
    }

    [Fact]
    public async Task Dev_accounts_are_anvils_accounts_with_the_default_balance()
    {
        var accounts = await Client.CallAsync<JsonElement>("eth_accounts", cancellationToken: Ct);
        var fromNode = accounts.EnumerateArray().Select(a => Address.Parse(a.GetString()!)).ToList();
        Assert.Equal(AnvilAccount.Dev.Select(a => Address.Parse(a.Address)), fromNode);

        // Account 9 is never used by any test, so it still holds anvil's default 10000 ether.
        var balance = await Client.GetBalanceAsync(Address.Parse(AnvilAccount.Dev[9].Address), BlockParameter.Latest, Ct);
        Assert.Equal(Wei.FromEther(10_000).Value, balance);
    }

    [Fact]
    public async Task An_unused_account_has_nonce_zero_at_latest_and_pending()
    {
        var account = Address.Parse(AnvilAccount.Dev[8].Address);
        Assert.Equal(0UL, await Client.GetTransactionCountAsync(account, BlockParameter.Latest, Ct));
        Assert.Equal(0UL, await Client.GetTransactionCountAsync(account, BlockParameter.Pending, Ct));
    }

    [Fact]
    public async Task Fee_history_has_one_base_fee_more_than_blocks_and_the_requested_percentiles()
    {
        await Client.CallAsync("anvil_mine", [3], cancellationToken: Ct);
        var head = await Client.BlockNumberAsync(Ct);
        var history = await Client.FeeHistoryAsync(3, BlockParameter.Latest, [25, 75], Ct);
        Assert.Equal(3, history.GasUsedRatio.Count);
        Assert.Equal(history.GasUsedRatio.Count + 1, history.BaseFeePerGas.Count);
        Assert.Equal(head - 2, history.OldestBlock);
        Assert.Equal(history.GasUsedRatio.Count, history.Reward.Count);
        Assert.All(history.Reward, r => Assert.Equal(2, r.Count));
        var newest = await Client.GetBlockByNumberAsync(head, cancellationToken: Ct);
        Assert.Equal(newest!.BaseFeePerGas, history.BaseFeePerGas[^2]);
        Assert.True(await Client.MaxPriorityFeePerGasAsync(Ct) > UInt256.Zero);
        Assert.True(await Client.GasPriceAsync(Ct) > UInt256.Zero);
    }

    [Fact]
    public async Task A_batch_of_several_calls_matches_single_calls_and_keeps_item_errors_apart()
    {
        var account = Address.Parse(AnvilAccount.Dev[9].Address);
        var batch = new RpcBatch();
        var chainId = batch.Add(EthRequests.ChainId());
        var balance = batch.Add(EthRequests.GetBalance(account, BlockParameter.Latest));
        var nonce = batch.Add(EthRequests.GetTransactionCount(account, BlockParameter.Pending));
        var missing = batch.Add(new RpcRequest<JsonElement>("eth_noSuchMethod", [], e => e.Clone()));
        var code = batch.Add(EthRequests.GetCode(account, BlockParameter.Latest));
        var genesis = batch.Add(EthRequests.GetBlockByNumber(BlockParameter.Earliest));
        await Client.SendBatchAsync(batch, cancellationToken: Ct);

        Assert.Equal(await Client.ChainIdAsync(Ct), chainId.Value);
        Assert.Equal(await Client.GetBalanceAsync(account, BlockParameter.Latest, Ct), balance.Value);
        Assert.Equal(await Client.GetTransactionCountAsync(account, BlockParameter.Pending, Ct), nonce.Value);
        Assert.Empty(code.Value);
        Assert.Equal(0UL, genesis.Value!.Number);
        Assert.False(missing.IsSuccess);
        Assert.Equal(-32601, missing.Error!.Code);
        Assert.Equal(RpcErrorKind.Unknown, missing.Error.Kind);
        RpcAnvil.Log($"anvil, unknown method in a batch: [{missing.Error.Code}] {missing.Error.RpcMessage}");
    }

    [Fact]
    public async Task Calling_an_address_without_code_returns_empty_data()
    {
        var nobody = Address.FromBytes(RandomNumberGenerator.GetBytes(20));
        var result = await Client.EthCallAsync(new RpcCallRequest { To = nobody, Data = Erc20.EncodeBalanceOf(nobody) }, BlockParameter.Latest, Ct);
        Assert.Empty(result);
        Assert.Empty(await Client.GetCodeAsync(nobody, BlockParameter.Latest, Ct));
    }

    [Fact]
    public async Task Get_logs_on_an_empty_range_returns_no_logs()
    {
        Assert.Empty(await Client.GetLogsAsync(new RpcLogFilter { FromBlock = 0, ToBlock = 0 }, Ct));
        var watched = Address.Parse(AnvilAccount.Dev[9].Address);
        var filter = new RpcLogFilter
        {
            FromBlock = 0,
            ToBlock = BlockParameter.Latest,
            Topics = [[Erc20.TransferTopic, Erc20.ApprovalTopic], null, [Bytes32.FromAddress(watched)]],
        };
        Assert.Empty(await Client.GetLogsAsync(filter, Ct));
        Assert.Empty(await Client.GetLogsAsync(filter with { Addresses = [Multicall3.Address, watched] }, Ct));
    }

    [Fact]
    public async Task Blocks_read_by_number_and_by_hash_agree_and_unknown_things_are_null()
    {
        var latest = await Client.GetBlockByNumberAsync(BlockParameter.Latest, fullTransactions: true, Ct);
        Assert.NotNull(latest);
        var byHash = await Client.GetBlockByHashAsync(latest.Hash, cancellationToken: Ct);
        Assert.NotNull(byHash);
        Assert.Equal((latest.Number, latest.ParentHash, latest.Timestamp, latest.GasLimit, latest.GasUsed, latest.BaseFeePerGas),
            (byHash.Number, byHash.ParentHash, byHash.Timestamp, byHash.GasLimit, byHash.GasUsed, byHash.BaseFeePerGas));
        if (latest.Number > 0)
        {
            Assert.Equal(latest.ParentHash, (await Client.GetBlockByNumberAsync(latest.Number - 1, cancellationToken: Ct))!.Hash);
        }

        var unknown = Bytes32.FromBytes(RandomNumberGenerator.GetBytes(32));
        Assert.Null(await Client.GetBlockByNumberAsync(latest.Number + 1_000_000, cancellationToken: Ct));
        Assert.Null(await Client.GetBlockByHashAsync(unknown, cancellationToken: Ct));
        Assert.Null(await Client.GetTransactionReceiptAsync(unknown, Ct));
        Assert.Null(await Client.GetTransactionByHashAsync(unknown, Ct));
    }

    [Fact]
    public async Task A_revert_with_a_custom_error_is_execution_reverted_with_its_data()
    {
        // Runtime code: PUSH4 0xdeadbeef PUSH1 0xe0 SHL PUSH1 0 MSTORE PUSH1 4 PUSH1 0 REVERT.
        var contract = Address.FromBytes(RandomNumberGenerator.GetBytes(20));
        await Client.CallAsync("anvil_setCode", [contract, HexConvert.FromHex("0x63deadbeef60e01b60005260046000fd")], cancellationToken: Ct);
        var call = new RpcCallRequest { To = contract, Data = [] };

        var e = await Assert.ThrowsAsync<RpcException>(() => Client.EthCallAsync(call, BlockParameter.Latest, Ct));
        Assert.Equal(RpcErrorKind.ExecutionReverted, e.Kind);
        Assert.Equal("0xdeadbeef", HexConvert.ToHex(e.RevertData!));
        RpcAnvil.Log($"anvil eth_call revert: [{e.Code}] {e.RpcMessage} data {e.ErrorData}");

        var estimate = await Assert.ThrowsAsync<RpcException>(() => Client.EstimateGasAsync(call, cancellationToken: Ct));
        Assert.Equal(RpcErrorKind.ExecutionReverted, estimate.Kind);
        Assert.Equal(e.RevertData, estimate.RevertData);
    }

    [Fact]
    public async Task A_revert_with_a_reason_string_carries_the_reason()
    {
        // Runtime code: CODECOPY the Error("nope") payload that follows a 12-byte prefix into memory, then REVERT with it.
        var payload = AbiRevert.EncodeError("nope");
        var code = HexConvert.FromHex("0x6064600c60003960646000fd").Concat(payload).ToArray();
        var contract = Address.FromBytes(RandomNumberGenerator.GetBytes(20));
        await Client.CallAsync("anvil_setCode", [contract, code], cancellationToken: Ct);

        var e = await Assert.ThrowsAsync<RpcException>(() => Client.EthCallAsync(new RpcCallRequest { To = contract }, BlockParameter.Latest, Ct));
        Assert.Equal(RpcErrorKind.ExecutionReverted, e.Kind);
        Assert.Equal(payload, e.RevertData);
        Assert.True(AbiRevert.TryDecode(e.RevertData, out var reason));
        Assert.Equal("nope", reason);
        RpcAnvil.Log($"anvil eth_call revert with reason: [{e.Code}] {e.RpcMessage}");
    }

    [Fact]
    public async Task Estimate_gas_of_a_plain_transfer_is_21000()
    {
        var from = Address.Parse(AnvilAccount.Dev[9].Address);
        var to = Address.Parse(AnvilAccount.Dev[8].Address);
        var gas = await Client.EstimateGasAsync(new RpcCallRequest { From = from, To = to, Value = UInt256.One }, BlockParameter.Latest, Ct);
        Assert.Equal(21_000UL, gas);
    }
}
