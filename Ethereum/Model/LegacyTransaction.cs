using System.Text;
using WalletGrains.Ethereum.Rlp;

namespace WalletGrains.Ethereum.Model;

/// <summary>
/// A legacy (untyped) transaction with a single gas price. Signed with EIP-155 replay protection
/// when <see cref="Transaction.ChainId"/> is non-zero, else in the original unprotected form.
/// </summary>
public sealed record LegacyTransaction : Transaction
{
    /// <inheritdoc />
    public override TransactionType Type => TransactionType.Legacy;

    /// <summary>Wei per gas.</summary>
    public UInt256 GasPrice { get; init; }

    /// <summary>True when signing binds the transaction to <see cref="Transaction.ChainId"/> (EIP-155).</summary>
    public bool IsReplayProtected => ChainId != 0;

    /// <inheritdoc />
    public bool Equals(LegacyTransaction? other) => base.Equals(other) && GasPrice == other.GasPrice;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), GasPrice);

    /// <summary>rlp fields nonce, gasPrice, gasLimit, to, value, data.</summary>
    internal override int GetFieldsLength() =>
        RlpWriter.GetUInt64Length(Nonce) + RlpFields.LengthOf(GasPrice) + RlpWriter.GetUInt64Length(GasLimit) + GetDestinationFieldsLength();

    internal override void WriteFields(ref RlpWriter writer)
    {
        writer.WriteUInt64(Nonce);
        RlpFields.Write(ref writer, GasPrice);
        writer.WriteUInt64(GasLimit);
        WriteDestinationFields(ref writer);
    }

    /// <summary>Prints the gas price readably.</summary>
    protected override bool PrintMembers(StringBuilder builder)
    {
        base.PrintMembers(builder);
        builder.Append(", GasPrice = ").Append(GasPrice.ToString());
        return true;
    }
}
