namespace WalletGrains.Ethereum.Rlp;

/// <summary>Why strict RLP decoding rejected an input.</summary>
public enum RlpError
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>The input has zero bytes; ethereum/tests treats that as invalid RLP, not as an empty string.</summary>
    EmptyInput,

    /// <summary>A header or payload runs past the end of the input or of the enclosing list.</summary>
    Truncated,

    /// <summary>A single byte below 0x80 was wrapped in a 0x81 header; it must encode as itself.</summary>
    NonCanonicalSingleByte,

    /// <summary>The long form (0xb8..0xbf, 0xf8..0xff) was used for a payload of 55 bytes or fewer.</summary>
    NonCanonicalLength,

    /// <summary>A long-form length starts with a zero byte.</summary>
    LeadingZeroInLength,

    /// <summary>Bytes follow the last item.</summary>
    TrailingBytes,

    /// <summary>A byte string was required but a list was found.</summary>
    ExpectedString,

    /// <summary>A list was required but a byte string was found.</summary>
    ExpectedList,

    /// <summary>An integer byte string starts with a zero byte (integers are minimal big-endian; zero is the empty string).</summary>
    LeadingZeroInInteger,

    /// <summary>An integer is wider than the requested type.</summary>
    IntegerTooLarge,

    /// <summary>Lists nest deeper than <see cref="RlpItem.MaxDepth"/>.</summary>
    TooDeep,
}

/// <summary>Classification helpers for <see cref="RlpError"/>.</summary>
public static class RlpErrorExtensions
{
    /// <summary>True for errors where the bytes are complete but not in the one canonical form.</summary>
    public static bool IsNonCanonicalHeader(this RlpError error) =>
        error is RlpError.NonCanonicalSingleByte or RlpError.NonCanonicalLength or RlpError.LeadingZeroInLength;

    /// <summary>A short English description.</summary>
    public static string Describe(this RlpError error) => error switch
    {
        RlpError.None => "no error",
        RlpError.EmptyInput => "empty input",
        RlpError.Truncated => "item runs past the end of its input",
        RlpError.NonCanonicalSingleByte => "single byte below 0x80 wrapped in a 0x81 header",
        RlpError.NonCanonicalLength => "long-form length used for 55 bytes or fewer",
        RlpError.LeadingZeroInLength => "long-form length has a leading zero byte",
        RlpError.TrailingBytes => "trailing bytes after the last item",
        RlpError.ExpectedString => "expected a byte string, found a list",
        RlpError.ExpectedList => "expected a list, found a byte string",
        RlpError.LeadingZeroInInteger => "integer has a leading zero byte",
        RlpError.IntegerTooLarge => "integer too large for its type",
        RlpError.TooDeep => "lists nested too deeply",
        _ => error.ToString(),
    };
}
