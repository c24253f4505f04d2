using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using WalletGrains.Grains;

namespace WalletGrains.Api;

/// <summary>
/// Rate limits (ASP.NET Core's rate limiter): a token bucket per API key on every authenticated request
/// (429 <c>rate_limited</c> with Retry-After), and one concurrency limit with no queue on the send route,
/// the global backpressure (503 <c>overloaded</c> with Retry-After). Runs after authentication, so
/// requests without a valid key are refused before they cost a token.
/// </summary>
internal static class WalletRateLimiting
{
    /// <summary>The endpoint policy name of the send route's concurrency limit.</summary>
    public const string SendsPolicy = "wallet.sends";

    /// <summary>Configures the global per-key limiter, its rejection and the send policy.</summary>
    public static void Configure(RateLimiterOptions limiter, ApiOptions api)
    {
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = api.RateLimit.Burst,
            TokensPerPeriod = api.RateLimit.PermitsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        };

        // Made once: a lambda capturing the options, written inside the per-request partitioner, is a new delegate per request.
        Func<string, TokenBucketRateLimiterOptions> perKey = _ => bucket;
        limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            context.Features.Get<ApiCaller>() is { } caller
                ? RateLimitPartition.GetTokenBucketLimiter(caller.KeyId, perKey)
                : RateLimitPartition.GetNoLimiter(""));
        limiter.OnRejected = OnPerKeyRejectedAsync;
        limiter.AddPolicy<string, SendConcurrencyPolicy>(SendsPolicy);
    }

    private static async ValueTask OnPerKeyRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var keyId = http.Features.Get<ApiCaller>()?.KeyId ?? "?";
        var log = http.RequestServices.GetLogger();
        Log.RateLimited(log, keyId);
        await WriteRejectionAsync(http, retryAfter, ApiProblem.For(WalletErrorCodes.RateLimited, $"API key '{keyId}' exceeded its request rate; retry after the Retry-After delay."));
    }

    internal static ValueTask WriteRejectionAsync(HttpContext http, TimeSpan retryAfter, ApiProblem problem)
    {
        // Retry-After is whole seconds (RFC 9110 §10.2.3); never 0, which would invite a hot retry loop.
        var seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers[HeaderNames.RetryAfter] = seconds.ToString(CultureInfo.InvariantCulture);
        return ProblemWriter.WriteAsync(http, problem);
    }

    private static ILogger GetLogger(this IServiceProvider services) =>
        ((ILoggerFactory)services.GetService(typeof(ILoggerFactory))!).CreateLogger("WalletGrains.Api.RateLimiting");
}

/// <summary>At most <see cref="ApiOptions.MaxConcurrentSends"/> sends in progress; the next is refused at once.</summary>
internal sealed class SendConcurrencyPolicy(IOptions<ApiOptions> options, ILogger<SendConcurrencyPolicy> logger) : IRateLimiterPolicy<string>
{
    private readonly ConcurrencyLimiterOptions _limits = new()
    {
        PermitLimit = options.Value.MaxConcurrentSends,
        QueueLimit = 0,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    };

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => OnRejectedAsync;

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        RateLimitPartition.GetConcurrencyLimiter("sends", _ => _limits);

    private ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        Log.Overloaded(logger, _limits.PermitLimit);
        return WalletRateLimiting.WriteRejectionAsync(
            context.HttpContext,
            TimeSpan.FromSeconds(1),
            ApiProblem.For(WalletErrorCodes.Overloaded, $"The service is handling {_limits.PermitLimit} sends already; retry after the Retry-After delay."));
    }
}
