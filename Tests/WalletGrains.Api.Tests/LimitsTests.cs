using System.Net;
using WalletGrains.Api.Tests.Infrastructure;
using WalletGrains.Grains;

namespace WalletGrains.Api.Tests;

/// <summary>Per-key token bucket (429) and the global send concurrency limit (503).</summary>
public sealed class LimitsTests
{
    [Fact]
    public async Task A_key_over_its_rate_gets_429_with_retry_after_and_other_keys_do_not()
    {
        await using var host = await ApiTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Wallet:Api:RateLimit:PermitsPerSecond"] = "1",
            ["Wallet:Api:RateLimit:Burst"] = "2",
        });
        var busy = host.AddKey(ApiRoles.Reader);
        var quiet = host.AddKey(ApiRoles.Reader);

        // Two tokens and one per second: twenty quick requests must run dry unless they take ~18 s.
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 20 && limited is null; i++)
        {
            var response = await host.SendAsync(HttpMethod.Get, "/v1/accounts", key: busy);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
        }

        Assert.NotNull(limited);
        await Problems.AssertAsync(limited, HttpStatusCode.TooManyRequests, WalletErrorCodes.RateLimited);
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.True(retryAfter >= TimeSpan.FromSeconds(1), $"Retry-After {retryAfter}");
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, "/v1/accounts", key: quiet)).StatusCode);
    }

    [Fact]
    public async Task Sends_beyond_the_concurrency_limit_get_503_overloaded()
    {
        await using var host = await ApiTestHost.StartAsync(new Dictionary<string, string?> { ["Wallet:Api:MaxConcurrentSends"] = "1" });
        host.Gateway.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var body = SendTests.Body(ApiTestHost.Custodied.ToLowerHex(), "\"1\"");

        var first = host.SendAsync(HttpMethod.Post, "/v1/transactions", body);
        await host.Gateway.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        var second = await host.SendAsync(HttpMethod.Post, "/v1/transactions", body);
        await Problems.AssertAsync(second, HttpStatusCode.ServiceUnavailable, WalletErrorCodes.Overloaded);
        Assert.NotNull(second.Headers.RetryAfter?.Delta);

        // Reads are not behind the send limit.
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, "/v1/accounts")).StatusCode);

        host.Gateway.Gate.SetResult();
        Assert.Equal(HttpStatusCode.Accepted, (await first).StatusCode);
        Assert.Single(host.Gateway.Commands);

        // The permit came back with the first response.
        Assert.Equal(HttpStatusCode.Accepted, (await host.SendAsync(HttpMethod.Post, "/v1/transactions", body)).StatusCode);
    }
}
