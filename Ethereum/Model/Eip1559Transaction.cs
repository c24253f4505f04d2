using System.Text;
using WalletGrains.Ethereum.Rlp;

namespace WalletGrains.Ethereum.Model;

/// <summary>An EIP-1559 (type 0x02) fee-market transaction with an optional access list.</summary>
public sealed record Eip1559Transaction : Transaction
{
    private readonly IReadOnlyList<AccessListEntry> _accessList = [];

    /// <inheritdoc />
    public override TransactionType Type => TransactionType.Eip1559;

    /// <summary>Tip per gas paid to the block producer, at most <see cref="MaxFeePerGas"/>.</summary>
    public UInt256 MaxPriorityFeePerGas { get; init; }

    /// <summary>Highest total (base fee + tip) per gas the sender pays.</summary>
    public UInt256 MaxFeePerGas { get; init; }

    /// <summary>Addresses and storage keys to pre-warm; empty by default.</summary>
    public IReadOnlyList<AccessListEntry> AccessList
    {
        get => _accessList;
        init => _accessList = value ?? throw new ArgumentNullException(nameof(value), "Use an empty list for no access list.");
    }

    /// <inheritdoc />
    public override string? FindProtocolProblem() =>
        base.FindProtocolProblem()
        ?? (MaxPriorityFeePerGas > MaxFeePerGas
            ? $"maxPriorityFeePerGas {MaxPriorityFeePerGas} exceeds maxFeePerGas {MaxFeePerGas} (EIP-1559)"
            : null);

    /// <inheritdoc />
    public bool Equals(Eip1559Transaction? other) =>
        base.Equals(other)
        && MaxPriorityFeePerGas == other.MaxPriorityFeePerGas
        && MaxFeePerGas == other.MaxFeePerGas
        && AccessListEntry.ListEquals(AccessList, other.AccessList);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), MaxPriorityFeePerGas, MaxFeePerGas, AccessList.Count);

    /// <summary>rlp fields chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data, accessList.</summary>
    internal override int GetFieldsLength() =>
        RlpWriter.GetUInt64Length(ChainId) + RlpWriter.GetUInt64Length(Nonce) + RlpFields.LengthOf(MaxPriorityFeePerGas)
        + RlpFields.LengthOf(MaxFeePerGas) + RlpWriter.GetUInt64Length(GasLimit) + GetDestinationFieldsLength()
        + RlpFields.LengthOf(AccessList);

    internal override void WriteFields(ref RlpWriter writer)
    {
        writer.WriteUInt64(ChainId);
        writer.WriteUInt64(Nonce);
        RlpFields.Write(ref writer, MaxPriorityFeePerGas);
        RlpFields.Write(ref writer, MaxFeePerGas);
        writer.WriteUInt64(GasLimit);
        WriteDestinationFields(ref writer);
        RlpFields.Write(ref writer, AccessList);
    }

    /// <summary>Prints fees and the access list readably.</summary>
    protected override bool PrintMembers(StringBuilder builder)
    {
        base.PrintMembers(builder);
        builder.Append(", MaxPriorityFeePerGas = ").Append(MaxPriorityFeePerGas.ToString())
            .Append(", MaxFeePerGas = ").Append(MaxFeePerGas.ToString())
            .Append(", AccessList = ");
        PrintAccessList(builder, AccessList);
        return true;
    }
}
