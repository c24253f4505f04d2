using FsCheck;
using FsCheck.Fluent;

namespace WalletGrains.Runtime.Tests;

/// <summary>Properties of the small arithmetic the runtime depends on, checked over random inputs.</summary>
public sealed class PropertyTests
{
    [Fact]
    public void LatencyBucketsContainTheirValueAndAreAtMostAnEighthWide() =>
        Prop.ForAll<long>(raw =>
        {
            var micros = raw == long.MinValue ? 0 : Math.Abs(raw);
            var bucket = GrainTypeStatistics.BucketOf(micros);
            var upper = GrainTypeStatistics.UpperBoundOf(bucket);
            var lower = bucket == 0 ? 0 : GrainTypeStatistics.UpperBoundOf(bucket - 1) + 1;
            return lower <= micros && micros <= upper && upper - lower <= Math.Max(0, lower / 8);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void MissedReminderTicksCollapseIntoTheLatestSlot() =>
        Prop.ForAll<int, int, int>((dueSeed, periodSeed, lateSeed) =>
        {
            long due = Math.Abs(dueSeed % 1_000_000_000);
            long period = 1_000 + Math.Abs(periodSeed % 86_400_000);
            var now = due + Math.Abs((long)lateSeed * 997);
            var (current, next) = ReminderService.Schedule(due, period, now);
            return current <= now && now < next && next - current == period && (current - due) % period == 0 && current >= due;
        }).QuickCheckThrowOnFailure();
}
