using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WalletGrains.Api;

/// <summary>
/// The admin key that exists before any key is stored: <c>Wallet:Auth:AdminApiKey</c>, or in the
/// Development environment, when that is unset, a key generated for this run. Only its hash is kept
/// for comparison; a generated key is also kept so it can be printed once.
/// </summary>
internal sealed class BootstrapAdminKey
{
    private readonly byte[]? _hash;

    public BootstrapAdminKey(IOptions<ApiAuthOptions> options, IHostEnvironment environment)
    {
        var configured = options.Value.AdminApiKey?.Trim();
        if (!string.IsNullOrEmpty(configured))
        {
            _hash = ApiKeySecrets.HashBytes(configured);
            Source = AdminKeySource.Configured;
        }
        else if (environment.IsDevelopment())
        {
            var (key, _) = ApiKeySecrets.Generate();
            GeneratedKey = key;
            _hash = ApiKeySecrets.HashBytes(key);
            Source = AdminKeySource.Generated;
        }
        else
        {
            Source = AdminKeySource.None;
        }
    }

    /// <summary>Where the bootstrap key came from.</summary>
    public AdminKeySource Source { get; }

    /// <summary>The key generated for a Development run (printed once at start-up), else null.</summary>
    public string? GeneratedKey { get; }

    /// <summary>Constant-time comparison of a presented key's SHA-256 with the bootstrap key's.</summary>
    public bool Matches(ReadOnlySpan<byte> presentedHash) =>
        _hash is not null && CryptographicOperations.FixedTimeEquals(_hash, presentedHash);
}

/// <summary>Where the bootstrap admin key came from.</summary>
internal enum AdminKeySource
{
    None,
    Configured,
    Generated,
}

/// <summary>
/// Says at start-up which bootstrap admin key is in force; prints a generated one to the console once,
/// deliberately not through the logger, so it never reaches structured log sinks.
/// </summary>
internal sealed class BootstrapAdminKeyAnnouncer(BootstrapAdminKey key, ILogger<BootstrapAdminKeyAnnouncer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        switch (key.Source)
        {
            case AdminKeySource.Configured:
                Log.AdminKeyConfigured(logger);
                break;
            case AdminKeySource.Generated:
                Log.AdminKeyGenerated(logger);
                Console.Out.WriteLine($"WalletGrains development admin API key (this run only): {key.GeneratedKey}");
                Console.Out.Flush();
                break;
            default:
                Log.NoAdminKey(logger);
                break;
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
