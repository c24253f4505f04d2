using WalletGrains.Ethereum.Abi;
using WalletGrains.Ethereum.Crypto;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Ethereum.Rpc;

/// <summary>Typed <c>eth_*</c> methods; each is <see cref="EthRequests"/> sent with the default timeout.</summary>
public sealed partial class EthRpcClient
{
    /// <inheritdoc cref="EthRequests.ChainId" />
    public Task<ulong> ChainIdAsync(CancellationToken cancellationToken = default) =>
        SendAsync(EthRequests.ChainId(), cancellationToken);

    /// <inheritdoc cref="EthRequests.BlockNumber" />
    public Task<ulong> BlockNumberAsync(CancellationToken cancellationToken = default) =>
        SendAsync(EthRequests.BlockNumber(), cancellationToken);

    /// <inheritdoc cref="EthRequests.GetBalance" />
    public Task<UInt256> GetBalanceAsync(Address address, BlockParameter block, CancellationToken cancellationToken = default) =>
        SendAsync(EthRequests.GetBalance(address, block), cancellationToken);

    /// <inheritdoc cref="EthRequests.GetTransactionCount" />
    public Task<ulong> GetTransactionCountAsync(Address address, BlockParameter block, CancellationToken cancellationToken = default) =>
        SendAsync(EthRequests.GetTransactionCount(address, block), cancellationToken);

    /// <inheritdoc cref="EthRequests.GetBlockByNumber" />
    public Task<RpcBlock?> GetBlockByNumberAsync(BlockParameter block, bool fullTransactions = false, CancellationToken cancellationToken = default) =>
        SendAsync(EthRequests.GetBlockByNumber(block, fullTransactions), cancellationToken);

    /// <inheritdoc cref="EthRequests.GetBlockByHash" />
    public Task<RpcBlock?> GetBlockByHashAsync(Bytes32 hash, bool fullTransactions = false, CancellationToken cancellationToken = default) =>
        SendAsync(EthRequests.GetBlockByHash(hash, fullTransactions), cancellationToken);

    /// <inheritdoc cref="EthRequests.Call" />
    public Task<byte[]> EthCallAsync(RpcCallRequest call, BlockParameter block, CancellationToken cancellationToken = default) =>
        SendAsync(EthRequests.Call(call, block), cancellationToken);

    /// <inheritdoc cref="EthRequests.EstimateGas" />
    public Task<ulong> EstimateGasAsync(RpcCallRequest call, BlockParameter? block = null, CancellationToken cancellationToken = default) =>
        SendAsync(EthRequests.EstimateGas(call, block), cancellationToken);

    /// <inheritdoc cref="EthRequests.FeeHistory" />
    public Task<RpcFeeHistory> FeeHistoryAsync(ulong blockCount, BlockParameter newest, IReadOnlyList<double>? rewardPercentiles = null, CancellationToken cancellationToken = default) =>
        SendAsync(EthRequests.FeeHistory(blockCount, newest, rewardPercentiles), cancellationToken);

    /// <inheritdoc cref="EthRequests.MaxPriorityFeePerGas" />
    public Task<UInt256> MaxPriorityFeePerGasAsync(CancellationToken cancellationToken = default) =>
        SendAsync(EthRequests.MaxPriorityFeePerGas(), cancellationToken);

    /// <inheritdoc cref="EthRequests.GasPrice" />
    public Task<UInt256> GasPriceAsync(CancellationToken cancellationToken = default) =>
        SendAsync(EthRequests.GasPrice(), cancellationToken);

    /// <inheritdoc cref="EthRequests.SendRawTransaction" />
    public Task<Bytes32> SendRawTransactionAsync(ReadOnlyMemory<byte> signedTransaction, CancellationToken cancellationToken = default) =>
        SendAsync(EthRequests.SendRawTransaction(signedTransaction.Span), cancellationToken);

    /// <summary>
    /// Broadcasts signed bytes and returns the outcome instead of throwing: node rejections and
    /// transport failures come back classified; only the caller's cancellation throws.
    /// </summary>
    public async Task<RpcSendResult> TrySendRawTransactionAsync(ReadOnlyMemory<byte> signedTransaction, CancellationToken cancellationToken = default)
    {
        var hash = Bytes32.FromBytes(Keccak256.Hash(signedTransaction.Span));
        try
        {
            var returned = await SendRawTransactionAsync(signedTransaction, cancellationToken);
            return returned == hash
                ? new RpcSendResult(hash, null)
                : new RpcSendResult(hash, new RpcException("eth_sendRawTransaction", RpcErrorKind.Unknown, $"eth_sendRawTransaction returned hash {returned}, but the bytes hash to {hash}."));
        }
        catch (RpcException e)
        {
            return new RpcSendResult(hash, e);
        }
    }

    /// <inheritdoc cref="EthRequests.GetTransactionReceipt" />
    public Task<RpcReceipt?> GetTransactionReceiptAsync(Bytes32 hash, CancellationToken cancellationToken = default) =>
        SendAsync(EthRequests.GetTransactionReceipt(hash), cancellationToken);

    /// <inheritdoc cref="EthRequests.GetTransactionByHash" />
    public Task<RpcTransaction?> GetTransactionByHashAsync(Bytes32 hash, CancellationToken cancellationToken = default) =>
        SendAsync(EthRequests.GetTransactionByHash(hash), cancellationToken);

    /// <inheritdoc cref="EthRequests.GetLogs" />
    public Task<IReadOnlyList<RpcLog>> GetLogsAsync(RpcLogFilter filter, CancellationToken cancellationToken = default) =>
        SendAsync(EthRequests.GetLogs(filter), cancellationToken);

    /// <inheritdoc cref="EthRequests.GetCode" />
    public Task<byte[]> GetCodeAsync(Address address, BlockParameter block, CancellationToken cancellationToken = default) =>
        SendAsync(EthRequests.GetCode(address, block), cancellationToken);
}
