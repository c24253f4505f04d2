using WalletGrains.Ethereum.Crypto;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Accounts;

namespace WalletGrains.Grains.Unit.Tests;

/// <summary>
/// Accounts that start sending in the same instant must not poll (and commit what their polls find) in the same
/// instant every interval: each account's first poll comes due at a phase of its own, fixed by its address.
/// </summary>
public sealed class PollPhaseTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    [Fact]
    public void First_polls_fall_within_one_interval_and_spread_across_it()
    {
        var addresses = Enumerable.Range(0, 1_000).Select(AddressOf).ToList();
        var dues = addresses.Select(a => AccountGrain.FirstPollDue(a, Interval)).ToList();

        Assert.All(dues, due => Assert.InRange(due, TimeSpan.Zero, Interval - TimeSpan.FromTicks(1)));

        // Ten slices of the interval each take about a tenth of the accounts.
        var perSlice = dues.GroupBy(d => (int)(d.Ticks * 10 / Interval.Ticks)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(10, perSlice.Count);
        Assert.All(perSlice.Values, count => Assert.InRange(count, 60, 140));
    }

    [Fact]
    public void An_account_keeps_its_phase_and_it_scales_with_the_interval()
    {
        var address = AddressOf(7);
        var once = AccountGrain.FirstPollDue(address, Interval);

        Assert.Equal(once, AccountGrain.FirstPollDue(address, Interval));
        Assert.Equal(once.Ticks * 4, AccountGrain.FirstPollDue(address, Interval * 4).Ticks, tolerance: 4);
        Assert.Equal(TimeSpan.Zero, AccountGrain.FirstPollDue(address, TimeSpan.Zero));
    }

    private static Address AddressOf(int i) => Address.FromBytes(Keccak256.Hash(BitConverter.GetBytes(i)).AsSpan(12));
}
