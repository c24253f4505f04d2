namespace WalletGrains.Grains;

/// <summary>Stable error codes: the <c>code</c> extension of ProblemDetails and of a transaction's <c>error</c>.</summary>
public static class WalletErrorCodes
{
    public const string InvalidRequest = "invalid_request";
    public const string InvalidAddress = "invalid_address";
    public const string InvalidAmount = "invalid_amount";
    public const string InvalidHex = "invalid_hex";
    public const string DataTooLarge = "data_too_large";
    public const string UnknownChain = "unknown_chain";
    public const string UnknownAccount = "unknown_account";
    public const string FromNotAllowed = "from_not_allowed";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not_found";
    public const string InsufficientFunds = "insufficient_funds";
    public const string FeeCapExceeded = "fee_cap_exceeded";
    public const string ExecutionReverted = "execution_reverted";
    public const string GasEstimationFailed = "gas_estimation_failed";
    public const string GasLimitTooLow = "gas_limit_too_low";
    public const string IdempotencyConflict = "idempotency_conflict";
    public const string RateLimited = "rate_limited";
    public const string Overloaded = "overloaded";
    public const string ChainUnavailable = "chain_unavailable";
    public const string NotCancellable = "not_cancellable";

    // Codes a transaction's error carries while it is pending or after it ended (issue: lifecycle).
    public const string FeeCapReached = "fee_cap_reached";
    public const string NonceConsumedExternally = "nonce_consumed_externally";
    public const string BroadcastRejected = "broadcast_rejected";
}
