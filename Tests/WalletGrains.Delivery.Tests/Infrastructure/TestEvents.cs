using System.Globalization;
using System.Text.Json.Nodes;
using WalletGrains.Grains;

namespace WalletGrains.Delivery.Tests;

/// <summary>Events to append directly to the log, with data shaped like DESIGN.md §6 and unique per call.</summary>
public static class TestEvents
{
    private static long _counter;

    /// <summary>A <c>balance.changed</c> event.</summary>
    public static NewWalletEvent BalanceChanged(ulong chainId = 31337) => Make(WalletEventTypes.BalanceChanged, chainId, new JsonObject
    {
        ["address"] = "0x" + Next().ToString("x40", CultureInfo.InvariantCulture),
        ["token"] = null,
        ["old"] = "1000000000000000000",
        ["new"] = "999000000000000000",
        ["blockNumber"] = 12,
    });

    /// <summary>An <c>approval</c> event (used as the type a filter skips).</summary>
    public static NewWalletEvent Approval(ulong chainId = 31337) => Make(WalletEventTypes.Approval, chainId, new JsonObject
    {
        ["txHash"] = "0x" + Next().ToString("x64", CultureInfo.InvariantCulture),
        ["logIndex"] = 0,
        ["token"] = "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        ["owner"] = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
        ["spender"] = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        ["value"] = "115792089237316195423570985008687907853269984665640564039457584007913129639935",
    });

    /// <summary>A <c>transaction.*</c> event with a small stand-in of the Transaction resource, including non-ASCII text.</summary>
    public static NewWalletEvent Transaction(string type, ulong chainId = 31337) => Make(type, chainId, new JsonObject
    {
        ["id"] = "tx_" + Next().ToString(CultureInfo.InvariantCulture),
        ["status"] = type["transaction.".Length..],
        ["note"] = "Überweisung ✓ \"quoted\" <tag>",
    });

    /// <summary>A mix: transaction.submitted, balance.changed, approval, transaction.confirmed, repeated.</summary>
    public static List<NewWalletEvent> Mix(int count) =>
    [
        .. Enumerable.Range(0, count).Select(i => (i % 4) switch
        {
            0 => Transaction(WalletEventTypes.TransactionSubmitted),
            1 => BalanceChanged(),
            2 => Approval(),
            _ => Transaction(WalletEventTypes.TransactionConfirmed),
        }),
    ];

    private static long Next() => Interlocked.Increment(ref _counter);

    private static NewWalletEvent Make(string type, ulong chainId, JsonObject data) =>
        new(type, DateTimeOffset.UtcNow, chainId, false, data.ToJsonString());
}
