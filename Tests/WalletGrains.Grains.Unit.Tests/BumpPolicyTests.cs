using System.Collections.Immutable;
using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Accounts;
using WalletGrains.Grains.Chains;

namespace WalletGrains.Grains.Unit.Tests;

/// <summary>
/// Replacement fee arithmetic (DESIGN.md §5 invariant 5). The oracle for "a node accepts the
/// replacement" is geth's txpool rule, restated here from its definition rather than from BumpPolicy.
/// </summary>
public sealed class BumpPolicyTests
{
    private const ulong Gwei = 1_000_000_000;
    private static readonly UInt256 HighCap = new(500 * Gwei);

    /// <summary>A quote far below every previous fee in these tests, so the bump alone decides.</summary>
    private static readonly FeeQuote LowMarket = Quote(maxFee: 1, tip: 1, gasPrice: 1);

    [Fact]
    public void Default_20_percent_raises_both_fields_by_20_percent()
    {
        var result = Next1559(maxFee: 100 * Gwei, tip: 2 * Gwei, LowMarket, bumpPercent: 20, HighCap);

        // 100 gwei × 1.2 and 2 gwei × 1.2.
        AssertFees(result, maxFee: 120 * Gwei, tip: 2_400_000_000);
        Assert.False(result.ClippedToCap);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(0)]
    [InlineData(-20)]
    [InlineData(9)]
    public void A_bump_below_10_percent_counts_as_geths_10_percent(int configured)
    {
        var result = Next1559(maxFee: 100 * Gwei, tip: 10 * Gwei, LowMarket, configured, HighCap);

        AssertFees(result, maxFee: 110 * Gwei, tip: 11 * Gwei);
        Assert.True(GethAccepts(100 * Gwei, result.Fees!.MaxFeePerGas!.Value, priceBump: 10));
        Assert.True(GethAccepts(10 * Gwei, result.Fees!.MaxPriorityFeePerGas!.Value, priceBump: 10));
    }

    [Fact]
    public void A_larger_configured_bump_is_used_as_given()
    {
        var result = Next1559(maxFee: 100 * Gwei, tip: 10 * Gwei, LowMarket, bumpPercent: 50, HighCap);

        AssertFees(result, maxFee: 150 * Gwei, tip: 15 * Gwei);
    }

    [Fact]
    public void Market_above_the_bump_wins_for_each_field()
    {
        var both = Next1559(maxFee: 100 * Gwei, tip: 2 * Gwei, Quote(maxFee: 300 * Gwei, tip: 5 * Gwei), 20, HighCap);
        AssertFees(both, maxFee: 300 * Gwei, tip: 5 * Gwei);

        // Market max fee above the bump, market tip below it: each field takes the larger of the two.
        var mixed = Next1559(maxFee: 100 * Gwei, tip: 2 * Gwei, Quote(maxFee: 300 * Gwei, tip: 1 * Gwei), 20, HighCap);
        AssertFees(mixed, maxFee: 300 * Gwei, tip: 2_400_000_000);
    }

    [Fact]
    public void Chain_cap_clips_the_market_but_not_below_the_minimal_raise()
    {
        var result = Next1559(maxFee: 100 * Gwei, tip: 2 * Gwei, Quote(maxFee: 900 * Gwei, tip: 3 * Gwei), 20, chainCap: 400 * Gwei);

        AssertFees(result, maxFee: 400 * Gwei, tip: 3 * Gwei);
        Assert.True(result.ClippedToCap);
    }

    [Fact]
    public void Request_caps_clip_below_the_chain_cap()
    {
        var result = BumpPolicy.Next(
            new TransactionFees(100 * Gwei, 2 * Gwei, null),
            Quote(maxFee: 300 * Gwei, tip: 10 * Gwei),
            bumpPercent: 20,
            chainCap: HighCap,
            requestMaxFeeCap: 200 * Gwei,
            requestPriorityCap: 4 * Gwei,
            requestGasPriceCap: null);

        AssertFees(result, maxFee: 200 * Gwei, tip: 4 * Gwei);
        Assert.True(result.ClippedToCap);
    }

    [Fact]
    public void A_request_cap_above_the_chain_cap_does_not_lift_it()
    {
        var result = BumpPolicy.Next(
            new TransactionFees(100 * Gwei, 2 * Gwei, null), Quote(maxFee: 900 * Gwei, tip: 3 * Gwei),
            20, chainCap: 300 * Gwei, requestMaxFeeCap: 800 * Gwei, requestPriorityCap: null, requestGasPriceCap: null);

        AssertFees(result, maxFee: 300 * Gwei, tip: 3 * Gwei);
    }

    [Fact]
    public void Minimal_max_fee_raise_exactly_at_the_cap_is_allowed_and_one_wei_less_is_at_cap()
    {
        var atBoundary = Next1559(maxFee: 100 * Gwei, tip: 2 * Gwei, Quote(maxFee: 900 * Gwei, tip: 1), 20, chainCap: 120 * Gwei);
        AssertFees(atBoundary, maxFee: 120 * Gwei, tip: 2_400_000_000);

        var over = Next1559(maxFee: 100 * Gwei, tip: 2 * Gwei, Quote(maxFee: 900 * Gwei, tip: 1), 20, chainCap: (120 * Gwei) - 1);
        Assert.True(over.AtCap);
        Assert.Null(over.Fees);
        Assert.Contains("maxFeePerGas", over.AtCapReason, StringComparison.Ordinal);
        Assert.Contains($"{120 * Gwei}", over.AtCapReason, StringComparison.Ordinal);
        Assert.Contains($"{(120 * Gwei) - 1}", over.AtCapReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Minimal_tip_raise_exactly_at_the_priority_cap_is_allowed_and_one_wei_less_is_at_cap()
    {
        TransactionFees previous = new(100 * Gwei, 2 * Gwei, null);
        var atBoundary = BumpPolicy.Next(previous, LowMarket, 20, HighCap, null, requestPriorityCap: 2_400_000_000, null);
        AssertFees(atBoundary, maxFee: 120 * Gwei, tip: 2_400_000_000);

        var over = BumpPolicy.Next(previous, LowMarket, 20, HighCap, null, requestPriorityCap: 2_399_999_999, null);
        Assert.True(over.AtCap);
        Assert.Contains("maxPriorityFeePerGas", over.AtCapReason, StringComparison.Ordinal);
        Assert.Contains("2400000000", over.AtCapReason, StringComparison.Ordinal);
        Assert.Contains("2399999999", over.AtCapReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Tip_is_clipped_to_the_new_max_fee()
    {
        // The market asks for a tip above the capped max fee; EIP-1559 requires tip <= max fee.
        var result = Next1559(maxFee: 100 * Gwei, tip: 2 * Gwei, Quote(maxFee: 900 * Gwei, tip: 700 * Gwei), 20, chainCap: 300 * Gwei);

        AssertFees(result, maxFee: 300 * Gwei, tip: 300 * Gwei);
    }

    [Fact]
    public void A_previous_tip_equal_to_the_max_fee_stays_valid()
    {
        var result = Next1559(maxFee: 50 * Gwei, tip: 50 * Gwei, LowMarket, 20, HighCap);

        AssertFees(result, maxFee: 60 * Gwei, tip: 60 * Gwei);
    }

    [Fact]
    public void Raises_round_up_to_whole_wei()
    {
        // ⌈1 × 1.1⌉ = 2, ⌈15 × 1.1⌉ = ⌈16.5⌉ = 17, 10 × 1.1 = 11 exactly, ⌈7 × 1.2⌉ = ⌈8.4⌉ = 9.
        AssertFees(Next1559(maxFee: 1, tip: 1, Quote(0, 0), 10, HighCap), maxFee: 2, tip: 2);
        AssertFees(Next1559(maxFee: 15, tip: 10, Quote(0, 0), 10, HighCap), maxFee: 17, tip: 11);
        AssertFees(Next1559(maxFee: 7, tip: 7, Quote(0, 0), 20, HighCap), maxFee: 9, tip: 9);
        Assert.Equal(new UInt256(17), Legacy(gasPrice: 15, Quote(0, 0, gasPrice: 0), 10, HighCap).Fees!.GasPrice);
    }

    [Fact]
    public void A_zero_tip_becomes_one_wei_because_geth_requires_a_strictly_higher_tip()
    {
        // 0 × 1.1 = 0 passes geth's percentage threshold but not its "new tip > old tip" check.
        Assert.False(GethAccepts(0, 0, priceBump: 10));

        var result = Next1559(maxFee: 100 * Gwei, tip: 0, Quote(maxFee: 1, tip: 0), 20, HighCap);

        AssertFees(result, maxFee: 120 * Gwei, tip: 1);
        Assert.True(GethAccepts(0, 1, priceBump: 10));
    }

    [Fact]
    public void Legacy_raises_the_gas_price_to_the_bump_or_the_market_under_the_caps()
    {
        Assert.Equal(new UInt256(12 * Gwei), Legacy(gasPrice: 10 * Gwei, LowMarket, 20, HighCap).Fees!.GasPrice);
        Assert.Equal(new UInt256(11 * Gwei), Legacy(gasPrice: 10 * Gwei, LowMarket, 5, HighCap).Fees!.GasPrice);
        Assert.Equal(new UInt256(30 * Gwei), Legacy(gasPrice: 10 * Gwei, Quote(1, 1, gasPrice: 30 * Gwei), 20, HighCap).Fees!.GasPrice);

        var chainClipped = Legacy(gasPrice: 10 * Gwei, Quote(1, 1, gasPrice: 30 * Gwei), 20, chainCap: 20 * Gwei);
        Assert.Equal(new UInt256(20 * Gwei), chainClipped.Fees!.GasPrice);
        Assert.True(chainClipped.ClippedToCap);
        Assert.Null(chainClipped.Fees.MaxFeePerGas);
        Assert.Null(chainClipped.Fees.MaxPriorityFeePerGas);

        var requestClipped = BumpPolicy.Next(new TransactionFees(null, null, 10 * Gwei), Quote(1, 1, gasPrice: 30 * Gwei), 20, HighCap, null, null, requestGasPriceCap: 15 * Gwei);
        Assert.Equal(new UInt256(15 * Gwei), requestClipped.Fees!.GasPrice);
    }

    [Fact]
    public void Legacy_at_the_boundary_is_allowed_and_one_wei_less_is_at_cap()
    {
        Assert.Equal(new UInt256(12 * Gwei), Legacy(gasPrice: 10 * Gwei, LowMarket, 20, chainCap: 12 * Gwei).Fees!.GasPrice);

        var over = BumpPolicy.Next(new TransactionFees(null, null, 10 * Gwei), LowMarket, 20, HighCap, null, null, requestGasPriceCap: (12 * Gwei) - 1);
        Assert.True(over.AtCap);
        Assert.Contains("gasPrice", over.AtCapReason, StringComparison.Ordinal);
        Assert.Contains($"{12 * Gwei}", over.AtCapReason, StringComparison.Ordinal);
        Assert.Contains($"{(12 * Gwei) - 1}", over.AtCapReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_near_2_pow_256_do_not_overflow()
    {
        // The largest fee cannot be raised at all: its minimal raise exceeds 2^256 - 1.
        var top = Next1559(UInt256.MaxValue, UInt256.MaxValue, LowMarket, 20, UInt256.MaxValue);
        Assert.True(top.AtCap);

        // The largest previous fee whose 10 % raise still fits in 256 bits is raised to at most 2^256 - 1.
        var largest = (UInt256)(((UInt256.Modulus - 1) * 100) / 110);
        var fits = Next1559(largest, largest, Quote(UInt256.MaxValue, UInt256.MaxValue), 10, UInt256.MaxValue);
        Assert.False(fits.AtCap);
        Assert.Equal(UInt256.MaxValue, fits.Fees.MaxFeePerGas);
        Assert.Equal(UInt256.MaxValue, fits.Fees.MaxPriorityFeePerGas);
        Assert.False(fits.ClippedToCap);

        var minimalOnly = Next1559(largest, largest, LowMarket, 10, UInt256.MaxValue);
        Assert.True(GethAccepts(largest, minimalOnly.Fees!.MaxFeePerGas!.Value, 10));
        Assert.True(minimalOnly.Fees.MaxFeePerGas!.Value.ToBigInteger() * 100 >= largest.ToBigInteger() * 110);

        Assert.True(Legacy(UInt256.MaxValue, LowMarket, 10, UInt256.MaxValue).AtCap);
    }

    [Fact]
    public void Fees_that_are_neither_eip1559_nor_legacy_are_rejected_with_their_values()
    {
        var mixed = new TransactionFees(100 * Gwei, null, 7 * Gwei);

        var error = Assert.Throws<ArgumentException>(() => BumpPolicy.Next(mixed, LowMarket, 20, HighCap, null, null, null));
        Assert.Contains($"{100 * Gwei}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{7 * Gwei}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Chain_options_and_transaction_caps_feed_the_same_rules()
    {
        var chain = new ChainOptions { ChainId = 31337, BumpPercent = 25, MaxFeePerGasCap = $"{300 * Gwei}" };
        var transaction = Transaction(maxFeeCap: 200 * Gwei, priorityCap: 3 * Gwei);

        var result = BumpPolicy.Next(new TransactionFees(100 * Gwei, 2 * Gwei, null), Quote(maxFee: 900 * Gwei, tip: 9 * Gwei), chain, transaction);

        AssertFees(result, maxFee: 200 * Gwei, tip: 3 * Gwei);
        var minimal = BumpPolicy.Next(new TransactionFees(100 * Gwei, 2 * Gwei, null), LowMarket, chain, transaction);
        AssertFees(minimal, maxFee: 125 * Gwei, tip: 2_500_000_000);
    }

    [Fact]
    public void Eip1559_replacements_raise_both_fields_enough_and_respect_every_cap()
    {
        int atCap = 0, replaced = 0, minimalAtCap = 0;
        var property = Prop.ForAll(Eip1559Cases.ToArbitrary(), c =>
        {
            var result = BumpPolicy.Next(c.Previous, c.Market, c.Percent, c.ChainCap, c.MaxFeeCap, c.PriorityCap, null);
            var p = Math.Max(c.Percent, 10);
            var maxCap = Min(c.ChainCap, c.MaxFeeCap ?? c.ChainCap);
            var tipCap = Min(maxCap, c.PriorityCap ?? maxCap);
            var needMax = SmallestAccepted(c.Previous.MaxFeePerGas!.Value, p);
            var needTip = SmallestAccepted(c.Previous.MaxPriorityFeePerGas!.Value, p);

            // At cap exactly when a minimal raise does not fit under its cap.
            Assert.Equal(needMax > maxCap || needTip > tipCap, result.AtCap);
            if (result.AtCap)
            {
                Assert.False(string.IsNullOrWhiteSpace(result.AtCapReason));
                atCap++;
                return;
            }

            replaced++;
            minimalAtCap += needMax == maxCap || needTip == tipCap ? 1 : 0;

            var prevMax = c.Previous.MaxFeePerGas!.Value.ToBigInteger();
            var prevTip = c.Previous.MaxPriorityFeePerGas!.Value.ToBigInteger();
            var newMax = result.Fees.MaxFeePerGas!.Value.ToBigInteger();
            var newTip = result.Fees.MaxPriorityFeePerGas!.Value.ToBigInteger();
            Assert.Null(result.Fees.GasPrice);
            Assert.True(newMax * 100 >= prevMax * (100 + p));
            Assert.True(newTip * 100 >= prevTip * (100 + p));
            Assert.True(GethAccepts(prevMax, newMax, 10) && GethAccepts(prevTip, newTip, 10));
            Assert.True(GethAccepts(prevMax, newMax, p) && GethAccepts(prevTip, newTip, p));
            Assert.True(newMax <= maxCap);
            Assert.True(newTip <= tipCap);
            Assert.True(newTip <= newMax);

            // Up to the market where the caps allow.
            Assert.True(newMax >= Min(c.Market.MaxFeePerGas, maxCap));
            Assert.True(newTip >= Min(Min(c.Market.MaxPriorityFeePerGas, tipCap), newMax));
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000), property);

        // The generators reach both outcomes and the exact boundary, so the checks above are not vacuous.
        Assert.True(atCap > 50 && replaced > 50 && minimalAtCap > 10, $"at cap {atCap}, replaced {replaced}, minimal raise == cap {minimalAtCap}");
    }

    [Fact]
    public void Legacy_replacements_raise_the_gas_price_enough_and_respect_every_cap()
    {
        int atCap = 0, replaced = 0, minimalAtCap = 0;
        var property = Prop.ForAll(LegacyCases.ToArbitrary(), c =>
        {
            var result = BumpPolicy.Next(c.Previous, c.Market, c.Percent, c.ChainCap, null, null, c.GasPriceCap);
            var p = Math.Max(c.Percent, 10);
            var cap = Min(c.ChainCap, c.GasPriceCap ?? c.ChainCap);
            var need = SmallestAccepted(c.Previous.GasPrice!.Value, p);

            Assert.Equal(need > cap, result.AtCap);
            if (result.AtCap)
            {
                atCap++;
                return;
            }

            replaced++;
            minimalAtCap += need == cap ? 1 : 0;

            var prev = c.Previous.GasPrice!.Value.ToBigInteger();
            var next = result.Fees.GasPrice!.Value.ToBigInteger();
            Assert.Null(result.Fees.MaxFeePerGas);
            Assert.True(next * 100 >= prev * (100 + p));
            Assert.True(GethAccepts(prev, next, 10) && GethAccepts(prev, next, p));
            Assert.True(next <= cap);
            Assert.True(next >= Min(c.Market.GasPrice, cap));
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(1000), property);
        Assert.True(atCap > 25 && replaced > 25 && minimalAtCap > 5, $"at cap {atCap}, replaced {replaced}, minimal raise == cap {minimalAtCap}");
    }

    /// <summary>
    /// geth's replacement check (core/txpool/legacypool list.Add) for one fee field: the new value must
    /// be strictly higher and at least <c>old × (100 + priceBump) / 100</c> with integer division.
    /// </summary>
    private static bool GethAccepts(BigInteger old, BigInteger replacement, int priceBump) =>
        replacement > old && replacement >= old * (100 + priceBump) / 100;

    private static bool GethAccepts(UInt256 old, UInt256 replacement, int priceBump) =>
        GethAccepts(old.ToBigInteger(), replacement.ToBigInteger(), priceBump);

    /// <summary>
    /// The smallest x with <c>x × 100 ≥ old × (100 + p)</c> and <c>x &gt; old</c>, found by stepping up
    /// from the truncated threshold instead of by BumpPolicy's closed form.
    /// </summary>
    private static BigInteger SmallestAccepted(UInt256 old, int percent)
    {
        var o = old.ToBigInteger();
        var x = o * (100 + percent) / 100;
        while (x * 100 < o * (100 + percent) || x <= o)
        {
            x++;
        }

        return x;
    }

    private static BigInteger Min(BigInteger a, BigInteger b) => BigInteger.Min(a, b);

    private static UInt256 Min(UInt256 a, UInt256 b) => UInt256.Min(a, b);

    private static BumpResult Next1559(UInt256 maxFee, UInt256 tip, FeeQuote market, int bumpPercent, UInt256 chainCap) =>
        BumpPolicy.Next(new TransactionFees(maxFee, tip, null), market, bumpPercent, chainCap, null, null, null);

    private static BumpResult Legacy(UInt256 gasPrice, FeeQuote market, int bumpPercent, UInt256 chainCap) =>
        BumpPolicy.Next(new TransactionFees(null, null, gasPrice), market, bumpPercent, chainCap, null, null, null);

    private static FeeQuote Quote(UInt256 maxFee, UInt256 tip, UInt256? gasPrice = null) =>
        new(BlockNumber: 1, BaseFeePerGas: 1, MaxPriorityFeePerGas: tip, MaxFeePerGas: maxFee, GasPrice: gasPrice ?? maxFee);

    private static void AssertFees(BumpResult result, UInt256 maxFee, UInt256 tip)
    {
        Assert.False(result.AtCap, result.AtCapReason);
        Assert.Equal(maxFee, result.Fees.MaxFeePerGas);
        Assert.Equal(tip, result.Fees.MaxPriorityFeePerGas);
        Assert.Null(result.Fees.GasPrice);
    }

    private static WalletTransaction Transaction(UInt256? maxFeeCap, UInt256? priorityCap)
    {
        var now = DateTimeOffset.UnixEpoch;
        return new WalletTransaction(
            "tx-1", 31337, Address.Parse("0x00000000000000000000000000000000000000aa"), null, UInt256.Zero, ReadOnlyMemory<byte>.Empty,
            Nonce: 0, GasLimit: 21_000, maxFeeCap, priorityCap, GasPriceCap: null, TransactionStatus.Submitted, Hash: null,
            ImmutableArray<TransactionAttempt>.Empty, Receipt: null, Error: null, CancelRequested: false, now, now,
            ImmutableArray<StatusChange>.Empty, ApiKeyId: null, IdempotencyKey: null, RequestHash: null);
    }

    // Generators: fee values from 0 through 2^256 - 1, and caps drawn near the minimal raise so the
    // boundary (exactly at the cap, one wei over) is hit often.

    private static readonly Gen<UInt256> AnyFee = Gen.Frequency(
        (2, Gen.Elements(UInt256.Zero, UInt256.One, new UInt256(9), new UInt256(10), new UInt256(11), new UInt256(Gwei), UInt256.MaxValue)),
        (3, Gen.Choose(0, 10_000).Select(i => new UInt256((ulong)i))),
        (3, ArbMap.Default.GeneratorFor<ulong>().Select(u => new UInt256(u))),
        (2, Gen.Choose(0, 32).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), n)).Select(b => UInt256.FromBigEndian(b))));

    private static Gen<UInt256> CapNear(UInt256 previous) => Gen.Frequency(
        (3, AnyFee),
        (1, Gen.Constant(UInt256.MaxValue)),
        (4, Gen.Choose(0, 60).SelectMany(extra => Gen.Choose(-2, 2).Select(wei => NearRaise(previous, extra, wei)))));

    private static UInt256 NearRaise(UInt256 previous, int extraPercent, int wei)
    {
        var value = (((previous.ToBigInteger() * (100 + extraPercent)) + 99) / 100) + wei;
        return (UInt256)BigInteger.Clamp(value, BigInteger.Zero, UInt256.Modulus - 1);
    }

    private static readonly Gen<int> AnyPercent = Gen.Frequency(
        (3, Gen.Elements(-5, 0, 5, 9, 10, 11, 12, 20, 25)),
        (1, Gen.Choose(0, 300)));

    private static readonly Gen<FeeQuote> AnyMarket =
        from maxFee in AnyFee
        from tip in Gen.Frequency((3, AnyFee.Select(t => Min(t, maxFee))), (1, AnyFee))
        from gasPrice in AnyFee
        select new FeeQuote(1, 0, tip, maxFee, gasPrice);

    private static readonly Gen<Eip1559Case> Eip1559Cases =
        from prevMax in AnyFee
        from prevTip in Gen.Frequency((4, AnyFee.Select(t => Min(t, prevMax))), (1, AnyFee))
        from market in AnyMarket
        from percent in AnyPercent
        from chainCap in CapNear(prevMax)
        from maxFeeCap in Gen.Frequency((2, Gen.Constant<UInt256?>(null)), (1, CapNear(prevMax).Select(v => (UInt256?)v)))
        from priorityCap in Gen.Frequency((2, Gen.Constant<UInt256?>(null)), (1, CapNear(prevTip).Select(v => (UInt256?)v)))
        select new Eip1559Case(new TransactionFees(prevMax, prevTip, null), market, percent, chainCap, maxFeeCap, priorityCap);

    private static readonly Gen<LegacyCase> LegacyCases =
        from prev in AnyFee
        from market in AnyMarket
        from percent in AnyPercent
        from chainCap in CapNear(prev)
        from priceCap in Gen.Frequency((2, Gen.Constant<UInt256?>(null)), (1, CapNear(prev).Select(v => (UInt256?)v)))
        select new LegacyCase(new TransactionFees(null, null, prev), market, percent, chainCap, priceCap);

    private sealed record Eip1559Case(TransactionFees Previous, FeeQuote Market, int Percent, UInt256 ChainCap, UInt256? MaxFeeCap, UInt256? PriorityCap);

    private sealed record LegacyCase(TransactionFees Previous, FeeQuote Market, int Percent, UInt256 ChainCap, UInt256? GasPriceCap);
}
