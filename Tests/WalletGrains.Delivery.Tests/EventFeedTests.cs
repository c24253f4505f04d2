using Microsoft.Extensions.DependencyInjection;
using WalletGrains.Grains;
using WalletGrains.Grains.Delivery;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Delivery.Tests;

/// <summary>The in-process <see cref="IEventFeed"/>: gap-free, in id order, endless, fed by concurrent writers.</summary>
public sealed class EventFeedTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestStorage.Kinds), MemberType = typeof(TestStorage))]
    public async Task Subscriber_sees_events_appended_after_subscribing_in_order_without_gaps(string kind)
    {
        await using var storage = await TestStorage.CreateAsync(kind);
        await using var host = await DeliveryHost.StartAsync(storage);
        var earlier = await host.Store.AppendEventsAsync(TestEvents.Mix(3), Ct);
        var feed = host.Services.GetRequiredService<IEventFeed>();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        stop.CancelAfter(TimeSpan.FromSeconds(30));
        const int writers = 4, batches = 5, perBatch = 3;
        const int total = writers * batches * perBatch;
        var subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = Task.Run(async () =>
        {
            var seen = new List<WalletEvent>();
            var enumerator = feed.ReadAllAsync(earlier[^1].Id, stop.Token).GetAsyncEnumerator(stop.Token);
            await using (enumerator)
            {
                var first = enumerator.MoveNextAsync();
                subscribed.SetResult();
                while (await first)
                {
                    seen.Add(enumerator.Current);
                    if (seen.Count == total)
                    {
                        return seen;
                    }

                    first = enumerator.MoveNextAsync();
                }
            }

            return seen;
        }, Ct);

        await subscribed.Task;
        var appended = (await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            var mine = new List<WalletEvent>();
            for (var b = 0; b < batches; b++)
            {
                mine.AddRange(await host.Store.AppendEventsAsync(TestEvents.Mix(perBatch), Ct));
            }

            return mine;
        }, Ct)))).SelectMany(e => e).OrderBy(e => e.Id).ToList();

        var seen = await reading;
        Assert.Equal(appended.Select(e => e.Id), seen.Select(e => e.Id));
        Assert.Equal(Enumerable.Range(0, total).Select(i => earlier[^1].Id + 1 + i), seen.Select(e => e.Id));
        Assert.Equal(appended, seen);
    }

    [Fact]
    public async Task Feed_finds_events_of_another_writer_and_ends_only_by_cancellation()
    {
        await using var storage = await TestStorage.CreateAsync("sqlite");
        await using var host = await DeliveryHost.StartAsync(storage);
        var feed = host.Services.GetRequiredService<IEventFeed>();
        await using var other = (IAsyncDisposable)storage.OpenWalletStore();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        stop.CancelAfter(TimeSpan.FromSeconds(30));
        var enumerator = feed.ReadAllAsync(0, stop.Token).GetAsyncEnumerator(stop.Token);
        var next = enumerator.MoveNextAsync().AsTask();
        var appended = await ((IWalletStore)other).AppendEventsAsync([TestEvents.BalanceChanged()], Ct);
        Assert.True(await next);
        Assert.Equal(appended[0], enumerator.Current);

        // Nothing more: the feed waits instead of completing, until it is cancelled.
        next = enumerator.MoveNextAsync().AsTask();
        Assert.False(next.IsCompleted);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
        await enumerator.DisposeAsync();
    }
}
