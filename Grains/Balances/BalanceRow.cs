using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Grains.Balances;

/// <summary>Column forms of the balance tables: lower-case hex addresses, token '' for native, decimal wei.</summary>
internal static class BalanceRow
{
    /// <summary>The token column of the native coin (primary key columns cannot be NULL on PostgreSQL).</summary>
    public const string NativeToken = "";

    public static long Chain(ulong chainId) => WalletColumns.ToInt64(chainId, "chain id");

    public static long Block(ulong blockNumber) => WalletColumns.ToInt64(blockNumber, "block number");

    public static string Token(Address? token) => token is { } t ? t.ToLowerHex() : NativeToken;

    public static Address? ParseToken(string column) => column.Length == 0 ? null : Address.Parse(column);

    public static BalanceEntry Entry(string address, string token, string balance, long blockNumber) =>
        new(new BalanceKey(Address.Parse(address), ParseToken(token)), UInt256.Parse(balance), (ulong)blockNumber);
}
