namespace WalletGrains.Api;

/// <summary>
/// Stable ProblemDetails codes of /v1/watches and /v1/balances beyond <see cref="Grains.WalletErrorCodes"/> (the
/// handlers give their status explicitly).
/// </summary>
public static class BalanceErrorCodes
{
    /// <summary>400: a watch lists more tokens than <see cref="Watches.WatchesApi.MaxTokens"/>.</summary>
    public const string TooManyTokens = "too_many_tokens";

    /// <summary>404: the address is neither custodied nor watched on the chain.</summary>
    public const string AddressNotFollowed = "address_not_followed";

    /// <summary>404: the address is followed, but its balances have not been read yet (they are at the chain's next block).</summary>
    public const string BalanceNotReady = "balance_not_ready";
}
