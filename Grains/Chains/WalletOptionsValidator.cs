using System.Globalization;
using Microsoft.Extensions.Options;

namespace WalletGrains.Grains.Chains;

/// <summary>
/// Checks <c>Wallet:Chains</c> at start-up (DESIGN.md §7). Each message names the configuration key and
/// quotes the offending value; an RPC URL is quoted only up to its host, because a provider key may sit
/// in its path or query.
/// </summary>
public sealed class WalletOptionsValidator : IValidateOptions<WalletOptions>
{
    /// <summary>geth's replacement rule: a replacement must raise the fees by at least 10 %.</summary>
    public const int MinBumpPercent = 10;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, WalletOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = FindProblems(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>Every problem found, one message each.</summary>
    public static IReadOnlyList<string> FindProblems(WalletOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        var firstIndexOfChainId = new Dictionary<ulong, int>();
        for (var i = 0; i < options.Chains.Count; i++)
        {
            var chain = options.Chains[i];
            var key = $"Wallet:Chains:{I(i)}";
            if (chain is null)
            {
                problems.Add($"{key} is empty.");
                continue;
            }

            if (chain.ChainId == 0)
            {
                problems.Add($"{key}:ChainId is 0; a chain id must be greater than 0.");
            }
            else if (!firstIndexOfChainId.TryAdd(chain.ChainId, i))
            {
                problems.Add($"{key}:ChainId {I(chain.ChainId)} is already used by Wallet:Chains:{I(firstIndexOfChainId[chain.ChainId])}; chain ids must be unique.");
            }

            CheckRpcUrls(key, chain.RpcUrls, problems);

            if (chain.Confirmations < 1)
            {
                problems.Add($"{key}:Confirmations is {I(chain.Confirmations)}; it must be at least 1 (1 = confirmed once included).");
            }

            if (chain.BumpPercent < MinBumpPercent)
            {
                problems.Add($"{key}:BumpPercent is {I(chain.BumpPercent)}; it must be at least {I(MinBumpPercent)} (nodes reject replacements that raise fees by less).");
            }

            if (!IsDecimal(chain.MaxFeePerGasCap) || !Ethereum.Model.UInt256.TryParse(chain.MaxFeePerGasCap, out var cap))
            {
                problems.Add($"{key}:MaxFeePerGasCap '{chain.MaxFeePerGasCap}' is not a decimal number of wei below 2^256.");
            }
            else if (cap.IsZero)
            {
                problems.Add($"{key}:MaxFeePerGasCap is '{chain.MaxFeePerGasCap}'; it must be greater than 0 wei.");
            }

            if (chain.MaxConcurrentRpcRequests < 0)
            {
                problems.Add($"{key}:MaxConcurrentRpcRequests is {I(chain.MaxConcurrentRpcRequests)}; it must be 0 (no limit) or more.");
            }

            if (chain.MaxConcurrentBroadcasts < 0)
            {
                problems.Add($"{key}:MaxConcurrentBroadcasts is {I(chain.MaxConcurrentBroadcasts)}; it must be 0 (no limit of its own) or more.");
            }

            if (chain.MaxInFlight < 1)
            {
                problems.Add($"{key}:MaxInFlight is {I(chain.MaxInFlight)}; it must be at least 1.");
            }

            CheckPositive($"{key}:BumpAfter", chain.BumpAfter, problems);
            CheckPositive($"{key}:PollInterval", chain.PollInterval, problems);
            CheckPositive($"{key}:RpcTimeout", chain.RpcTimeout, problems);
        }

        return problems;
    }

    /// <summary>
    /// The part of a URL that is safe to print: scheme, host and port (no user info, path or query),
    /// with "…" where something was left out.
    /// </summary>
    public static string Redact(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return url ?? "";
        }

        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.Host))
        {
            var shown = uri.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped);
            return shown.Length < url.TrimEnd('/').Length ? shown + "…" : shown;
        }

        // Not a URL with a host (e.g. a missing scheme): keep the text before any path, query or user info.
        var start = url.IndexOf("://", StringComparison.Ordinal) is var s and >= 0 ? s + 3 : 0;
        var cut = url.IndexOfAny(['/', '?', '#', '@'], start);
        return cut < 0 ? url : url[..cut] + "…";
    }

    private static void CheckRpcUrls(string key, List<string>? urls, List<string> problems)
    {
        if (urls is null || urls.Count == 0)
        {
            problems.Add($"{key}:RpcUrls is empty; a chain needs at least one JSON-RPC URL.");
            return;
        }

        for (var u = 0; u < urls.Count; u++)
        {
            var url = urls[u];
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || string.IsNullOrEmpty(uri.Host))
            {
                problems.Add($"{key}:RpcUrls:{I(u)} '{Redact(url)}' is not an absolute http:// or https:// URL.");
            }
        }
    }

    private static void CheckPositive(string key, TimeSpan value, List<string> problems)
    {
        if (value <= TimeSpan.Zero)
        {
            problems.Add($"{key} is {value.ToString("c", CultureInfo.InvariantCulture)}; it must be greater than zero.");
        }
    }

    private static bool IsDecimal(string? text) => !string.IsNullOrEmpty(text) && text.All(char.IsAsciiDigit);

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string I(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}
