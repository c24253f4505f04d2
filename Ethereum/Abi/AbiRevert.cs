using System.Diagnostics.CodeAnalysis;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Ethereum.Abi;

/// <summary>Reads Solidity revert payloads: <c>Error(string)</c>, <c>Panic(uint256)</c> or a custom error's selector.</summary>
public static class AbiRevert
{
    /// <summary><c>Error(string)</c>, what <c>require(cond, "reason")</c> and <c>revert("reason")</c> produce.</summary>
    public static AbiFunction Error { get; } = AbiFunction.Parse("Error(string)");

    /// <summary><c>Panic(uint256)</c>, what failed asserts, overflow and division by zero produce.</summary>
    public static AbiFunction Panic { get; } = AbiFunction.Parse("Panic(uint256)");

    /// <summary>
    /// A readable reason: the <c>Error(string)</c> text, <c>Panic(0x..)</c>, <c>custom error 0x........</c>
    /// for an unknown selector; false for empty or unparseable data.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, [NotNullWhen(true)] out string? reason)
    {
        reason = null;
        if (data.Length < AbiSignature.SelectorLength)
        {
            return false;
        }

        var selector = data[..AbiSignature.SelectorLength];
        var body = data[AbiSignature.SelectorLength..];
        if (selector.SequenceEqual(Error.Selector))
        {
            if (AbiCodec.TryDecode(Error.Inputs, body, out var values, out _))
            {
                reason = (string)values[0]!;
                return true;
            }

            return false;
        }

        if (selector.SequenceEqual(Panic.Selector))
        {
            if (AbiCodec.TryDecode(Panic.Inputs, body, out var values, out _))
            {
                reason = "Panic(" + ((UInt256)values[0]!).ToHexQuantity() + ")";
                return true;
            }

            return false;
        }

        reason = "custom error 0x" + Convert.ToHexStringLower(selector);
        return true;
    }

    /// <summary>The Error(string) payload for a reason, as a contract would revert with it.</summary>
    public static byte[] EncodeError(string reason) => Error.Encode(reason);

    /// <summary>The Panic(uint256) payload for a panic code.</summary>
    public static byte[] EncodePanic(ulong code) => Panic.Encode(new UInt256(code));
}
