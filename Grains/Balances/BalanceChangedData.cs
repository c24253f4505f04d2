using System.Text.Json;
using WalletGrains.Grains.Resources;

namespace WalletGrains.Grains.Balances;

/// <summary>
/// The <c>data</c> of a <c>balance.changed</c> event (DESIGN.md §6): the address and token (null for the native coin)
/// EIP-55, the old and new balance as decimal wei strings, and the block the new balance was read at.
/// </summary>
public sealed record BalanceChangedData(string Address, string? Token, string Old, string New, ulong BlockNumber)
{
    public static BalanceChangedData From(BalanceChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return new BalanceChangedData(
            change.Key.Address.ToChecksumString(),
            change.Key.Token?.ToChecksumString(),
            change.Old.ToString(),
            change.New.ToString(),
            change.BlockNumber);
    }

    /// <summary>The event's JSON, written with the resources' conventions (camelCase, nulls kept).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ResourceJson.Options);

    /// <summary>The event to append.</summary>
    public static NewWalletEvent ToEvent(BalanceChange change, ulong chainId, DateTimeOffset at) =>
        new(WalletEventTypes.BalanceChanged, at, chainId, Removed: false, From(change).ToJson());
}
