using System.Diagnostics.CodeAnalysis;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Ethereum.Abi;

/// <summary>
/// Multicall3 calldata and results: many reads in one <c>eth_call</c>, all at the same block.
/// </summary>
public static class Multicall3
{
    /// <summary>The address Multicall3 is deployed at on most chains (same bytecode via a presigned deployment).</summary>
    public static Address Address { get; } = Address.Parse("0xcA11bde05977b3631167028862bE2a173976CA11");

    /// <summary><c>aggregate3((address target, bool allowFailure, bytes callData)[]) returns ((bool success, bytes returnData)[])</c>.</summary>
    public static AbiFunction Aggregate3 { get; } = AbiFunction.Parse("aggregate3((address,bool,bytes)[])", "((bool,bytes)[])");

    /// <summary><c>getEthBalance(address) returns (uint256)</c>.</summary>
    public static AbiFunction GetEthBalance { get; } = AbiFunction.Parse("getEthBalance(address)", "(uint256)");

    /// <summary><c>getBlockNumber() returns (uint256)</c>.</summary>
    public static AbiFunction GetBlockNumber { get; } = AbiFunction.Parse("getBlockNumber()", "(uint256)");

    /// <summary>Calldata of <c>aggregate3(calls)</c>.</summary>
    public static byte[] EncodeAggregate3(IReadOnlyList<Multicall3Call> calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var items = new object?[calls.Count];
        for (var i = 0; i < calls.Count; i++)
        {
            var c = calls[i];
            items[i] = new object?[] { c.Target, c.AllowFailure, c.CallData };
        }

        return Aggregate3.Encode([items]);
    }

    /// <summary>Calldata of <c>getEthBalance(account)</c>.</summary>
    public static byte[] EncodeGetEthBalance(Address account) => GetEthBalance.Encode(account);

    /// <summary>Calldata of <c>getBlockNumber()</c>.</summary>
    public static byte[] EncodeGetBlockNumber() => GetBlockNumber.Encode();

    /// <summary>Decodes the return data of <c>aggregate3</c>; throws <see cref="AbiDecodingException"/> when malformed.</summary>
    public static IReadOnlyList<Multicall3Result> DecodeAggregate3(ReadOnlySpan<byte> returnData)
    {
        var items = (object?[])Aggregate3.DecodeOutput(returnData)[0]!;
        var results = new Multicall3Result[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            var pair = (object?[])items[i]!;
            results[i] = new Multicall3Result((bool)pair[0]!, (byte[])pair[1]!);
        }

        return results;
    }

    /// <summary>Try-pattern form of <see cref="DecodeAggregate3"/>.</summary>
    public static bool TryDecodeAggregate3(ReadOnlySpan<byte> returnData, [NotNullWhen(true)] out IReadOnlyList<Multicall3Result>? results, [NotNullWhen(false)] out string? error)
    {
        try
        {
            results = DecodeAggregate3(returnData);
            error = null;
            return true;
        }
        catch (AbiDecodingException e)
        {
            results = null;
            error = e.Message;
            return false;
        }
    }
}

/// <summary>One call inside <c>aggregate3</c>.</summary>
public sealed record Multicall3Call(Address Target, bool AllowFailure, byte[] CallData);

/// <summary>One result of <c>aggregate3</c>: success flag and the raw return (or revert) data.</summary>
public sealed record Multicall3Result(bool Success, byte[] ReturnData);
