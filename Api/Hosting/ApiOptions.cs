using Microsoft.Extensions.Options;

namespace WalletGrains.Api;

/// <summary>The REST API's limits: <c>Wallet:Api:*</c>.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Wallet:Api";

    /// <summary>Largest <c>data</c> of a send, in bytes (default 128 KiB, geth's own pool limit for a transaction).</summary>
    public int MaxDataBytes { get; set; } = 128 * 1024;

    /// <summary>Largest <c>gasLimit</c> a send may ask for (default 100 M; the chain's block limit applies anyway).</summary>
    public ulong MaxGasLimit { get; set; } = 100_000_000;

    /// <summary>Sends being handled at once across all callers; more are refused with 503 <c>overloaded</c> (no queue).</summary>
    public int MaxConcurrentSends { get; set; } = 4096;

    /// <summary>How long an API-key lookup (hit or miss) is remembered, keeping the hot path off the database.</summary>
    public TimeSpan ApiKeyCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Per API key token bucket.</summary>
    public ApiRateLimitOptions RateLimit { get; set; } = new();
}

/// <summary>Per API key token bucket: <c>Wallet:Api:RateLimit:*</c>.</summary>
public sealed class ApiRateLimitOptions
{
    /// <summary>Tokens added each second.</summary>
    public int PermitsPerSecond { get; set; } = 2000;

    /// <summary>Bucket size: requests a key may make at once after a quiet spell.</summary>
    public int Burst { get; set; } = 4000;
}

/// <summary>Bootstrap authentication: <c>Wallet:Auth:*</c>.</summary>
public sealed class ApiAuthOptions
{
    public const string SectionName = "Wallet:Auth";

    /// <summary>
    /// An admin key taken from configuration (compared by SHA-256, never stored). When unset in the
    /// Development environment, one is generated at start-up and printed once to the console.
    /// </summary>
    public string? AdminApiKey { get; set; }
}

/// <summary>Rejects API limits that cannot work, quoting the value.</summary>
internal sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        List<string>? failures = null;
        void Fail(string message) => (failures ??= []).Add(message);

        if (options.MaxDataBytes < 0)
        {
            Fail($"Wallet:Api:MaxDataBytes must not be negative; got '{options.MaxDataBytes}'.");
        }

        if (options.MaxGasLimit < Transactions.SendRequestParser.MinGasLimit)
        {
            Fail($"Wallet:Api:MaxGasLimit must be at least {Transactions.SendRequestParser.MinGasLimit}; got '{options.MaxGasLimit}'.");
        }

        if (options.MaxConcurrentSends < 1)
        {
            Fail($"Wallet:Api:MaxConcurrentSends must be at least 1; got '{options.MaxConcurrentSends}'.");
        }

        if (options.ApiKeyCacheDuration < TimeSpan.Zero)
        {
            Fail($"Wallet:Api:ApiKeyCacheDuration must not be negative; got '{options.ApiKeyCacheDuration}'.");
        }

        if (options.RateLimit.PermitsPerSecond < 1)
        {
            Fail($"Wallet:Api:RateLimit:PermitsPerSecond must be at least 1; got '{options.RateLimit.PermitsPerSecond}'.");
        }

        if (options.RateLimit.Burst < 1)
        {
            Fail($"Wallet:Api:RateLimit:Burst must be at least 1; got '{options.RateLimit.Burst}'.");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Rejects a configured admin key too short to be a secret (the value itself is never quoted).</summary>
internal sealed class ApiAuthOptionsValidator : IValidateOptions<ApiAuthOptions>
{
    /// <summary>Shortest accepted configured admin key, in characters.</summary>
    public const int MinAdminKeyLength = 16;

    public ValidateOptionsResult Validate(string? name, ApiAuthOptions options) =>
        !string.IsNullOrWhiteSpace(options.AdminApiKey) && options.AdminApiKey.Trim().Length < MinAdminKeyLength
            ? ValidateOptionsResult.Fail($"Wallet:Auth:AdminApiKey must be at least {MinAdminKeyLength} characters; got {options.AdminApiKey.Trim().Length} (the value is not shown).")
            : ValidateOptionsResult.Success;
}
