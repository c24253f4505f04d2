using System.Text;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Rlp;

namespace WalletGrains.Ethereum.Model;

/// <summary>
/// An unsigned Ethereum transaction: the fields every type shares. The concrete types are
/// <see cref="LegacyTransaction"/>, <see cref="Eip2930Transaction"/> and <see cref="Eip1559Transaction"/>.
/// Equality is by value, including <see cref="Data"/> bytes and access lists.
/// </summary>
public abstract record Transaction
{
    /// <summary>Highest nonce a transaction may carry: EIP-2681 caps nonces below 2^64 - 1.</summary>
    public const ulong MaxNonce = ulong.MaxValue - 1;

    private protected Transaction()
    {
    }

    /// <summary>The EIP-2718 type.</summary>
    public abstract TransactionType Type { get; }

    /// <summary>
    /// The chain the transaction is bound to. For <see cref="LegacyTransaction"/>, 0 means
    /// unprotected (pre-EIP-155, v = 27/28); typed transactions always carry it.
    /// </summary>
    public ulong ChainId { get; init; }

    /// <summary>The sender's transaction count at signing time.</summary>
    public ulong Nonce { get; init; }

    /// <summary>Gas the transaction may use.</summary>
    public ulong GasLimit { get; init; }

    /// <summary>The recipient, or null for contract creation.</summary>
    public Address? To { get; init; }

    /// <summary>Wei transferred.</summary>
    public UInt256 Value { get; init; }

    /// <summary>Call data, or init code for a contract creation.</summary>
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>True when <see cref="To"/> is null.</summary>
    public bool IsContractCreation => To is null;

    /// <summary>
    /// Why the network would reject this transaction whatever its signature, or null. Covers the
    /// rules a signer can check alone: EIP-2681 nonce bound, EIP-1559 priority fee ≤ max fee.
    /// </summary>
    public virtual string? FindProtocolProblem() =>
        Nonce > MaxNonce ? $"nonce {Nonce} is not below 2^64-1 (EIP-2681)" : null;

    /// <inheritdoc />
    public virtual bool Equals(Transaction? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (EqualityContract == other.EqualityContract
                && ChainId == other.ChainId
                && Nonce == other.Nonce
                && GasLimit == other.GasLimit
                && To == other.To
                && Value == other.Value
                && Data.Span.SequenceEqual(other.Data.Span)));

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hc = new HashCode();
        hc.Add(EqualityContract);
        hc.Add(ChainId);
        hc.Add(Nonce);
        hc.Add(GasLimit);
        hc.Add(To);
        hc.Add(Value);
        hc.AddBytes(Data.Span);
        return hc.ToHashCode();
    }

    /// <summary>Sum of the encoded lengths of the fields before the signature (and before EIP-155's chainId, 0, 0).</summary>
    internal abstract int GetFieldsLength();

    /// <summary>Writes the fields counted by <see cref="GetFieldsLength"/>.</summary>
    internal abstract void WriteFields(ref RlpWriter writer);

    /// <summary>Encoded length of to, value and data, which every type writes in this order.</summary>
    private protected int GetDestinationFieldsLength() =>
        RlpFields.LengthOf(To) + RlpFields.LengthOf(Value) + RlpWriter.GetStringLength(Data.Span);

    /// <summary>Writes to, value and data.</summary>
    private protected void WriteDestinationFields(ref RlpWriter writer)
    {
        RlpFields.Write(ref writer, To);
        RlpFields.Write(ref writer, Value);
        writer.WriteString(Data.Span);
    }

    /// <summary>Prints data as hex rather than as a memory handle.</summary>
    protected virtual bool PrintMembers(StringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Append("Type = ").Append(Type)
            .Append(", ChainId = ").Append(ChainId)
            .Append(", Nonce = ").Append(Nonce)
            .Append(", GasLimit = ").Append(GasLimit)
            .Append(", To = ").Append(To?.ToString() ?? "null")
            .Append(", Value = ").Append(Value.ToString())
            .Append(", Data = ").Append(HexConvert.ToHex(Data.Span));
        return true;
    }

    /// <summary>Appends an access list as <c>[{address: [keys]}]</c>.</summary>
    private protected static void PrintAccessList(StringBuilder builder, IReadOnlyList<AccessListEntry> accessList)
    {
        builder.Append('[');
        for (var i = 0; i < accessList.Count; i++)
        {
            builder.Append(i == 0 ? "{" : ", {").Append(accessList[i].Address.ToString()).Append(": [");
            var keys = accessList[i].StorageKeys;
            for (var k = 0; k < keys.Count; k++)
            {
                builder.Append(k == 0 ? string.Empty : ", ").Append(keys[k].ToHex());
            }

            builder.Append("]}");
        }

        builder.Append(']');
    }
}
