namespace WalletGrains.Ethereum.Model;

/// <summary>EIP-2718 transaction type; legacy transactions have no type byte on the wire.</summary>
public enum TransactionType : byte
{
    /// <summary>Untyped RLP list, with or without EIP-155 replay protection.</summary>
    Legacy = 0,

    /// <summary>EIP-2930 access-list transaction, type byte 0x01.</summary>
    Eip2930 = 1,

    /// <summary>EIP-1559 fee-market transaction, type byte 0x02.</summary>
    Eip1559 = 2,
}
