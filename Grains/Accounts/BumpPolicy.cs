using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Chains;

namespace WalletGrains.Grains.Accounts;

/// <summary>
/// Fees of a replacement (fee bump or cancel) for a stuck transaction (DESIGN.md §5 invariant 5):
/// each fee field raised by at least the bump percent and to at least the market, never above the
/// caps, or "at cap" when even the smallest raise a node accepts would cross a cap.
/// </summary>
/// <remarks>
/// The smallest raise is geth's txpool replacement rule (core/txpool/legacypool, <c>list.Add</c>):
/// a replacement is accepted only if, for the max fee and for the tip (for legacy transactions both
/// are the gas price), <c>new &gt; old</c> and <c>new &gt;= old × (100 + PriceBump) / 100</c> (integer
/// division), with geth's default <c>PriceBump</c> = 10 %. Here the threshold is rounded up and the
/// percent is the configured one (at least 10), so the result passes geth's check at any bump ≥ 10 %
/// and anvil's (a strictly higher max fee) as well.
/// </remarks>
internal static class BumpPolicy
{
    /// <summary>geth's default txpool <c>PriceBump</c>: replacements raise every fee field by at least 10 %.</summary>
    public const int MinBumpPercent = 10;

    /// <summary>
    /// The replacement fees for a transaction on <paramref name="chain"/> whose newest attempt paid
    /// <paramref name="previous"/>, with the chain's bump percent and cap and the request's caps.
    /// </summary>
    public static BumpResult Next(TransactionFees previous, FeeQuote market, ChainOptions chain, WalletTransaction transaction) =>
        Next(previous, market, chain.BumpPercent, chain.MaxFeePerGasCapWei,
            transaction.MaxFeePerGasCap, transaction.MaxPriorityFeePerGasCap, transaction.GasPriceCap);

    /// <summary>
    /// The replacement fees for an attempt that paid <paramref name="previous"/>: EIP-1559 when it has
    /// max fee and tip, legacy when it has a gas price. The request caps are optional; the chain cap
    /// always applies.
    /// </summary>
    /// <param name="bumpPercent">The configured raise; values below <see cref="MinBumpPercent"/> count as 10.</param>
    public static BumpResult Next(
        TransactionFees previous,
        FeeQuote market,
        int bumpPercent,
        UInt256 chainCap,
        UInt256? requestMaxFeeCap,
        UInt256? requestPriorityCap,
        UInt256? requestGasPriceCap)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(market);
        var percent = Math.Max(bumpPercent, MinBumpPercent);

        if (previous is { MaxFeePerGas: { } prevMax, MaxPriorityFeePerGas: { } prevTip, GasPrice: null })
        {
            return NextEip1559(prevMax, prevTip, market, percent, chainCap, requestMaxFeeCap, requestPriorityCap);
        }

        if (previous is { MaxFeePerGas: null, MaxPriorityFeePerGas: null, GasPrice: { } prevPrice })
        {
            return NextLegacy(prevPrice, market, percent, chainCap, requestGasPriceCap);
        }

        throw new ArgumentException(
            $"Previous fees must be EIP-1559 (maxFeePerGas and maxPriorityFeePerGas) or legacy (gasPrice only); got maxFeePerGas={previous.MaxFeePerGas}, " +
            $"maxPriorityFeePerGas={previous.MaxPriorityFeePerGas}, gasPrice={previous.GasPrice}.", nameof(previous));
    }

    /// <summary>
    /// The smallest value a node accepts in place of <paramref name="previous"/>:
    /// <c>max(⌈previous × (100 + percent) / 100⌉, previous + 1)</c>. The second term matters only for 0,
    /// where a percentage raise is no raise but geth still requires <c>new &gt; old</c> (a 0 tip becomes 1 wei).
    /// May exceed 2^256 - 1; it is then above every cap.
    /// </summary>
    public static BigInteger MinimalRaise(UInt256 previous, int percent)
    {
        var old = previous.ToBigInteger();
        var raised = ((old * (100 + percent)) + 99) / 100;
        return BigInteger.Max(raised, old + 1);
    }

    private static BumpResult NextEip1559(
        UInt256 prevMax,
        UInt256 prevTip,
        FeeQuote market,
        int percent,
        UInt256 chainCap,
        UInt256? requestMaxFeeCap,
        UInt256? requestPriorityCap)
    {
        var maxCap = UInt256.Min(chainCap, requestMaxFeeCap ?? chainCap);
        var tipCap = UInt256.Min(maxCap, requestPriorityCap ?? maxCap);
        var minMax = MinimalRaise(prevMax, percent);
        var minTip = MinimalRaise(prevTip, percent);

        // A replacement below the minimal raise would be rejected as underpriced, so none is made.
        if (minMax > maxCap)
        {
            return BumpResult.Capped(
                $"maxFeePerGas {prevMax} needs at least {minMax} wei to be replaced (+{percent} %), above the cap {maxCap} " +
                $"(chain {chainCap}, request {Describe(requestMaxFeeCap)}).");
        }

        if (minTip > tipCap)
        {
            return BumpResult.Capped(
                $"maxPriorityFeePerGas {prevTip} needs at least {minTip} wei to be replaced (+{percent} %), above the cap {tipCap} " +
                $"(max fee cap {maxCap}, request priority cap {Describe(requestPriorityCap)}).");
        }

        // Both minima fit, so clipping the targets to the caps keeps each field at or above its minimum.
        // minTip joins the max-fee target because EIP-1559 requires tip <= max fee.
        var maxTarget = BigInteger.Max(BigInteger.Max(minMax, market.MaxFeePerGas), minTip);
        var newMax = UInt256.Min((UInt256)maxTarget, maxCap);
        var tipTarget = BigInteger.Max(minTip, market.MaxPriorityFeePerGas);
        var newTip = UInt256.Min(UInt256.Min((UInt256)tipTarget, tipCap), newMax);
        var clipped = maxTarget > newMax || tipTarget > newTip;
        return BumpResult.Replace(new TransactionFees(newMax, newTip, null), clipped);
    }

    private static BumpResult NextLegacy(UInt256 prevPrice, FeeQuote market, int percent, UInt256 chainCap, UInt256? requestGasPriceCap)
    {
        var cap = UInt256.Min(chainCap, requestGasPriceCap ?? chainCap);
        var minPrice = MinimalRaise(prevPrice, percent);
        if (minPrice > cap)
        {
            return BumpResult.Capped(
                $"gasPrice {prevPrice} needs at least {minPrice} wei to be replaced (+{percent} %), above the cap {cap} " +
                $"(chain {chainCap}, request {Describe(requestGasPriceCap)}).");
        }

        var target = BigInteger.Max(minPrice, market.GasPrice);
        var newPrice = UInt256.Min((UInt256)target, cap);
        return BumpResult.Replace(new TransactionFees(null, null, newPrice), target > newPrice);
    }

    private static string Describe(UInt256? cap) => cap?.ToString() ?? "none";
}

/// <summary>The outcome of <see cref="BumpPolicy.Next(TransactionFees, FeeQuote, int, UInt256, UInt256?, UInt256?, UInt256?)"/>: fees to sign, or at cap with the reason.</summary>
internal sealed record BumpResult
{
    private BumpResult(TransactionFees? fees, string? atCapReason, bool clippedToCap)
    {
        Fees = fees;
        AtCapReason = atCapReason;
        ClippedToCap = clippedToCap;
    }

    /// <summary>The replacement's fees; null when at cap.</summary>
    public TransactionFees? Fees { get; }

    /// <summary>Why no replacement is possible, quoting the numbers (for error.code fee_cap_reached); null otherwise.</summary>
    public string? AtCapReason { get; }

    /// <summary>True when a cap held a field below what the market asked for (the minimal raise always fits).</summary>
    public bool ClippedToCap { get; }

    /// <summary>True when even the minimal valid raise is above a cap: keep re-broadcasting the newest attempt.</summary>
    [MemberNotNullWhen(true, nameof(AtCapReason))]
    [MemberNotNullWhen(false, nameof(Fees))]
    public bool AtCap => Fees is null;

    /// <summary>A replacement to sign.</summary>
    public static BumpResult Replace(TransactionFees fees, bool clippedToCap) => new(fees, null, clippedToCap);

    /// <summary>No valid replacement fits under the caps.</summary>
    public static BumpResult Capped(string reason) => new(null, reason, false);
}
