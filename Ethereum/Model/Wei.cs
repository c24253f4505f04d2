using System.Numerics;

namespace WalletGrains.Ethereum.Model;

/// <summary>An amount of ether in wei (10^-18 ether), 256 bits wide.</summary>
public readonly record struct Wei(UInt256 Value) : IComparable<Wei>
{
    /// <summary>Wei per gwei.</summary>
    public static readonly UInt256 WeiPerGwei = 1_000_000_000UL;

    /// <summary>Wei per ether.</summary>
    public static readonly UInt256 WeiPerEther = 1_000_000_000_000_000_000UL;

    /// <summary>Zero wei.</summary>
    public static Wei Zero => default;

    /// <summary>An amount given in gwei.</summary>
    public static Wei FromGwei(ulong gwei) => new(gwei * WeiPerGwei);

    /// <summary>An amount given in whole ether.</summary>
    public static Wei FromEther(ulong ether) => new(ether * WeiPerEther);

    /// <summary>Parses decimal or <c>0x</c>-hex wei.</summary>
    public static Wei Parse(string text) => new(UInt256.Parse(text));

    /// <summary>Try-pattern form of <see cref="Parse"/>.</summary>
    public static bool TryParse(string? text, out Wei wei)
    {
        var ok = UInt256.TryParse(text, out var v);
        wei = new Wei(v);
        return ok;
    }

    /// <inheritdoc />
    public int CompareTo(Wei other) => Value.CompareTo(other.Value);

    /// <summary>Decimal wei.</summary>
    public override string ToString() => Value.ToString();

    /// <summary>Checked sum.</summary>
    public static Wei operator +(Wei a, Wei b) => new(a.Value + b.Value);

    /// <summary>Checked difference.</summary>
    public static Wei operator -(Wei a, Wei b) => new(a.Value - b.Value);

    /// <summary>Compares amounts.</summary>
    public static bool operator <(Wei a, Wei b) => a.Value < b.Value;

    /// <summary>Compares amounts.</summary>
    public static bool operator >(Wei a, Wei b) => a.Value > b.Value;

    /// <summary>Compares amounts.</summary>
    public static bool operator <=(Wei a, Wei b) => a.Value <= b.Value;

    /// <summary>Compares amounts.</summary>
    public static bool operator >=(Wei a, Wei b) => a.Value >= b.Value;

    /// <summary>Widening conversion.</summary>
    public static implicit operator Wei(UInt256 value) => new(value);

    /// <summary>As a BigInteger.</summary>
    public BigInteger ToBigInteger() => Value.ToBigInteger();
}
