using System.Diagnostics.CodeAnalysis;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Ethereum.Abi;

/// <summary>ERC-20 calldata, return values and <c>Transfer</c>/<c>Approval</c> log decoding.</summary>
public static class Erc20
{
    /// <summary><c>balanceOf(address) returns (uint256)</c>.</summary>
    public static AbiFunction BalanceOf { get; } = AbiFunction.Parse("balanceOf(address)", "(uint256)");

    /// <summary><c>transfer(address,uint256) returns (bool)</c>.</summary>
    public static AbiFunction Transfer { get; } = AbiFunction.Parse("transfer(address,uint256)", "(bool)");

    /// <summary><c>approve(address,uint256) returns (bool)</c>.</summary>
    public static AbiFunction Approve { get; } = AbiFunction.Parse("approve(address,uint256)", "(bool)");

    /// <summary><c>allowance(address,address) returns (uint256)</c>.</summary>
    public static AbiFunction Allowance { get; } = AbiFunction.Parse("allowance(address,address)", "(uint256)");

    /// <summary><c>decimals() returns (uint8)</c>.</summary>
    public static AbiFunction Decimals { get; } = AbiFunction.Parse("decimals()", "(uint8)");

    /// <summary>Topic 0 of <c>Transfer(address indexed from, address indexed to, uint256 value)</c>; ERC-721 shares it.</summary>
    public static Bytes32 TransferTopic { get; } = AbiSignature.EventTopic("Transfer(address,address,uint256)");

    /// <summary>Topic 0 of <c>Approval(address indexed owner, address indexed spender, uint256 value)</c>.</summary>
    public static Bytes32 ApprovalTopic { get; } = AbiSignature.EventTopic("Approval(address,address,uint256)");

    /// <summary>Calldata of <c>balanceOf(owner)</c>.</summary>
    public static byte[] EncodeBalanceOf(Address owner) => BalanceOf.Encode(owner);

    /// <summary>Calldata of <c>transfer(to, amount)</c>.</summary>
    public static byte[] EncodeTransfer(Address to, UInt256 amount) => Transfer.Encode(to, amount);

    /// <summary>Calldata of <c>approve(spender, amount)</c>.</summary>
    public static byte[] EncodeApprove(Address spender, UInt256 amount) => Approve.Encode(spender, amount);

    /// <summary>Reads a <c>uint256</c> return value (balanceOf, allowance); false when the data is not exactly one canonical word.</summary>
    public static bool TryDecodeUInt256(ReadOnlySpan<byte> returnData, out UInt256 value)
    {
        value = default;
        if (returnData.Length != AbiType.WordSize || !AbiCodec.TryDecode(BalanceOf.Outputs, returnData, out var values, out _))
        {
            return false;
        }

        value = (UInt256)values[0]!;
        return true;
    }

    /// <summary>
    /// Decodes an ERC-20 <c>Transfer</c> log: three topics (signature, from, to) and the value as
    /// 32 bytes of data. ERC-721 transfers (token id as a fourth topic, no data) are not matched.
    /// </summary>
    public static bool TryDecodeTransfer(IReadOnlyList<Bytes32> topics, ReadOnlySpan<byte> data, [NotNullWhen(true)] out Erc20Transfer? transfer)
    {
        transfer = null;
        if (!TryDecodeTwoAddressesAndValue(TransferTopic, topics, data, out var from, out var to, out var value))
        {
            return false;
        }

        transfer = new Erc20Transfer(from, to, value);
        return true;
    }

    /// <summary>Decodes an ERC-20 <c>Approval</c> log the same way as <see cref="TryDecodeTransfer"/>.</summary>
    public static bool TryDecodeApproval(IReadOnlyList<Bytes32> topics, ReadOnlySpan<byte> data, [NotNullWhen(true)] out Erc20Approval? approval)
    {
        approval = null;
        if (!TryDecodeTwoAddressesAndValue(ApprovalTopic, topics, data, out var owner, out var spender, out var value))
        {
            return false;
        }

        approval = new Erc20Approval(owner, spender, value);
        return true;
    }

    private static bool TryDecodeTwoAddressesAndValue(Bytes32 signature, IReadOnlyList<Bytes32> topics, ReadOnlySpan<byte> data, out Address first, out Address second, out UInt256 value)
    {
        first = default;
        second = default;
        value = default;
        ArgumentNullException.ThrowIfNull(topics);
        return topics.Count == 3
            && topics[0] == signature
            && data.Length == AbiType.WordSize
            && topics[1].TryToAddress(out first)
            && topics[2].TryToAddress(out second)
            && TryDecodeUInt256(data, out value);
    }
}

/// <summary>An ERC-20 <c>Transfer</c> event's fields.</summary>
public sealed record Erc20Transfer(Address From, Address To, UInt256 Value);

/// <summary>An ERC-20 <c>Approval</c> event's fields.</summary>
public sealed record Erc20Approval(Address Owner, Address Spender, UInt256 Value);
