using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Crypto;

namespace WalletGrains.Ethereum.Abi;

/// <summary>Function selectors and event topics from canonical signatures such as <c>transfer(address,uint256)</c>.</summary>
public static class AbiSignature
{
    /// <summary>Bytes in a function selector.</summary>
    public const int SelectorLength = 4;

    /// <summary>The first 4 bytes of keccak256 of the canonical signature.</summary>
    public static byte[] Selector(string signature) => Keccak256.Hash(Ascii(Canonicalize(signature)))[..SelectorLength];

    /// <summary>keccak256 of the canonical event signature: topic 0 of a non-anonymous event's logs.</summary>
    public static Bytes32 EventTopic(string signature) => Bytes32.FromBytes(Keccak256.Hash(Ascii(Canonicalize(signature))));

    /// <summary>
    /// Rewrites a signature in canonical form (aliases such as <c>uint</c> become <c>uint256</c>);
    /// rejects anything that is not <c>name(type,...)</c>.
    /// </summary>
    public static string Canonicalize(string signature)
    {
        var (name, parameters) = Split(signature);
        return name + "(" + string.Join(',', parameters.Select(p => p.CanonicalName)) + ")";
    }

    /// <summary>Splits <c>name(type,...)</c> into its name and parameter types.</summary>
    public static (string Name, IReadOnlyList<AbiType> Parameters) Split(string signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var open = signature.IndexOf('(', StringComparison.Ordinal);
        if (open <= 0)
        {
            throw new FormatException($"'{signature}' is not a signature: expected name(type,...).");
        }

        var name = signature[..open];
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '$')
            {
                throw new FormatException($"'{name}' is not a valid function or event name (in '{signature}').");
            }
        }

        if (char.IsAsciiDigit(name[0]))
        {
            throw new FormatException($"'{name}' is not a valid function or event name (in '{signature}').");
        }

        var pos = open;
        if (!AbiType.TryParseList(signature, ref pos, allowEmpty: true, out var parameters, out var error))
        {
            throw new FormatException(error);
        }

        if (pos != signature.Length)
        {
            throw new FormatException($"Unexpected text after the parameter list in '{signature}'.");
        }

        return (name, parameters);
    }

    // Canonical signatures are ASCII by construction (names and type names are checked).
    private static byte[] Ascii(string s) => System.Text.Encoding.ASCII.GetBytes(s);
}
