using System.Globalization;

namespace WalletGrains.Ethereum.Rpc;

/// <summary>A block selector for JSON-RPC: a tag (<c>latest</c>, <c>pending</c>, ...) or a block number.</summary>
public readonly record struct BlockParameter
{
    private readonly string? _tag;

    private BlockParameter(string? tag, ulong number)
    {
        _tag = tag;
        Number = number;
    }

    /// <summary>The head block.</summary>
    public static BlockParameter Latest { get; } = new("latest", 0);

    /// <summary>The pending state (includes the node's pool; the pending nonce).</summary>
    public static BlockParameter Pending { get; } = new("pending", 0);

    /// <summary>The genesis block.</summary>
    public static BlockParameter Earliest { get; } = new("earliest", 0);

    /// <summary>The latest safe head (post-merge).</summary>
    public static BlockParameter Safe { get; } = new("safe", 0);

    /// <summary>The latest finalized block (post-merge).</summary>
    public static BlockParameter Finalized { get; } = new("finalized", 0);

    /// <summary>The block number when this is not a tag.</summary>
    public ulong Number { get; }

    /// <summary>True for a block number, false for a tag.</summary>
    public bool IsNumber => _tag is null;

    /// <summary>A specific block.</summary>
    public static BlockParameter FromNumber(ulong number) => new(null, number);

    /// <summary>A specific block.</summary>
    public static implicit operator BlockParameter(ulong number) => FromNumber(number);

    /// <summary>The JSON-RPC form: the tag, or the number as a hex quantity.</summary>
    public override string ToString() => _tag ?? "0x" + Number.ToString("x", CultureInfo.InvariantCulture);
}
