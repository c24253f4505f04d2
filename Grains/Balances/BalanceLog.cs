using Microsoft.Extensions.Logging;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Grains.Balances;

/// <summary>Log messages of the balance side, with stable event ids (2300–2319).</summary>
internal static partial class BalanceLog
{
    [LoggerMessage(EventId = 2301, Level = LogLevel.Information, Message = "Balances of chain {ChainId}: reading through the multicall at {Multicall}")]
    public static partial void MulticallFound(ILogger logger, ulong chainId, Address multicall);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Warning, Message = "Balances of chain {ChainId}: no code at the multicall address {Multicall}; reading with batches of eth_getBalance/eth_call instead")]
    public static partial void MulticallMissing(ILogger logger, ulong chainId, Address multicall);

    [LoggerMessage(EventId = 2303, Level = LogLevel.Warning, Message = "Balances of chain {ChainId}: refresh failed, retrying on the next poll: {Reason}")]
    public static partial void RefreshFailed(ILogger logger, ulong chainId, string reason);

    [LoggerMessage(EventId = 2304, Level = LogLevel.Debug, Message = "Balances of chain {ChainId}: refresh failed again: {Reason}")]
    public static partial void RefreshStillFailing(ILogger logger, ulong chainId, string reason);

    [LoggerMessage(EventId = 2305, Level = LogLevel.Information, Message = "Balances of chain {ChainId}: refreshing again at block {BlockNumber}")]
    public static partial void RefreshRecovered(ILogger logger, ulong chainId, ulong blockNumber);

    [LoggerMessage(EventId = 2306, Level = LogLevel.Debug, Message = "Balances of chain {ChainId} at block {BlockNumber}: {Balances} read, {Failed} failed, {Changed} changed in {Milliseconds} ms ({EthCalls} eth_call, {GetBalances} eth_getBalance)")]
    public static partial void Refreshed(ILogger logger, ulong chainId, ulong blockNumber, int balances, int failed, int changed, long milliseconds, int ethCalls, int getBalances);

    [LoggerMessage(EventId = 2307, Level = LogLevel.Warning, Message = "Balance grain '{Key}': chain is not configured; its reminder is removed")]
    public static partial void ChainNotConfigured(ILogger logger, string key);

    [LoggerMessage(EventId = 2308, Level = LogLevel.Warning, Message = "Could not start the balance grain of chain {ChainId}; retrying: {Reason}")]
    public static partial void StartFailed(ILogger logger, ulong chainId, string reason);

    [LoggerMessage(EventId = 2309, Level = LogLevel.Information, Message = "Started the balance grains of {Count} chain(s)")]
    public static partial void Started(ILogger logger, int count);
}
