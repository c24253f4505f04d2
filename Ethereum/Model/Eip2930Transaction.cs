using System.Text;
using WalletGrains.Ethereum.Rlp;

namespace WalletGrains.Ethereum.Model;

/// <summary>An EIP-2930 (type 0x01) transaction: a legacy gas price plus an access list, always chain-bound.</summary>
public sealed record Eip2930Transaction : Transaction
{
    private readonly IReadOnlyList<AccessListEntry> _accessList = [];

    /// <inheritdoc />
    public override TransactionType Type => TransactionType.Eip2930;

    /// <summary>Wei per gas.</summary>
    public UInt256 GasPrice { get; init; }

    /// <summary>Addresses and storage keys to pre-warm; empty by default.</summary>
    public IReadOnlyList<AccessListEntry> AccessList
    {
        get => _accessList;
        init => _accessList = value ?? throw new ArgumentNullException(nameof(value), "Use an empty list for no access list.");
    }

    /// <inheritdoc />
    public bool Equals(Eip2930Transaction? other) =>
        base.Equals(other) && GasPrice == other.GasPrice && AccessListEntry.ListEquals(AccessList, other.AccessList);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), GasPrice, AccessList.Count);

    /// <summary>rlp fields chainId, nonce, gasPrice, gasLimit, to, value, data, accessList.</summary>
    internal override int GetFieldsLength() =>
        RlpWriter.GetUInt64Length(ChainId) + RlpWriter.GetUInt64Length(Nonce) + RlpFields.LengthOf(GasPrice)
        + RlpWriter.GetUInt64Length(GasLimit) + GetDestinationFieldsLength() + RlpFields.LengthOf(AccessList);

    internal override void WriteFields(ref RlpWriter writer)
    {
        writer.WriteUInt64(ChainId);
        writer.WriteUInt64(Nonce);
        RlpFields.Write(ref writer, GasPrice);
        writer.WriteUInt64(GasLimit);
        WriteDestinationFields(ref writer);
        RlpFields.Write(ref writer, AccessList);
    }

    /// <summary>Prints fees and the access list readably.</summary>
    protected override bool PrintMembers(StringBuilder builder)
    {
        base.PrintMembers(builder);
        builder.Append(", GasPrice = ").Append(GasPrice.ToString()).Append(", AccessList = ");
        PrintAccessList(builder, AccessList);
        return true;
    }
}
