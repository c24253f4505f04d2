namespace WalletGrains.Ethereum.Rpc;

/// <summary>One row of the error table: a case-insensitive regular expression over the node's message, the kind it means, where the wording comes from and a message it matches.</summary>
public sealed record RpcErrorPattern(string Pattern, RpcErrorKind Kind, string Source, string Example);

/// <summary>
/// Maps node error wording (geth, anvil, reth, nethermind, erigon, besu, openethereum, providers)
/// to <see cref="RpcErrorKind"/>. One ordered table, first match wins; the order matters where
/// one message contains another's words.
/// </summary>
public static class RpcErrorClassifier
{
    /// <summary>The EIP-1474 code for "execution error", which geth and anvil use for reverts.</summary>
    public const int ExecutionErrorCode = 3;

    /// <summary>The EIP-1474 code for "limit exceeded", which providers use for rate limits.</summary>
    public const int LimitExceededCode = -32005;

    private static readonly MessagePatternTable<RpcErrorPattern> Table = new(
    [
        // A revert reason is free text chosen by a contract ("execution reverted: insufficient
        // funds"), so reverts are recognised before anything that could match inside the reason.
        new(@"execution reverted", RpcErrorKind.ExecutionReverted, "geth core/vm ErrExecutionReverted; anvil, reth RevertError; besu \"Execution reverted\"", "execution reverted: custom error 0xdeadbeef"),
        new(@"VM execution error", RpcErrorKind.ExecutionReverted, "nethermind (older) -32015 with data \"Reverted 0x..\" or \"revert: reason\"", "VM execution error."),
        new(@"VM Exception while processing transaction", RpcErrorKind.ExecutionReverted, "ganache / hardhat", "VM Exception while processing transaction: revert nope"),

        // Replacements before plain underpricing: "replacement transaction underpriced" contains "transaction underpriced".
        new(@"replace(ment)? transaction underpriced", RpcErrorKind.ReplacementUnderpriced, "geth core/txpool ErrReplaceUnderpriced; anvil, reth, erigon, nethermind TxPoolErrorMessages; besu (capitalised)", "replacement transaction underpriced"),
        new(@"\bReplacementNotAllowed\b", RpcErrorKind.ReplacementUnderpriced, "nethermind AcceptTxResult.ReplacementNotAllowed (code name, before TxPoolErrorMessages)", "ReplacementNotAllowed"),
        new(@"could not replace existing tx", RpcErrorKind.ReplacementUnderpriced, "erigon txpool DiscardReason NotReplaced", "could not replace existing tx"),
        new(@"insufficient gas price to replace", RpcErrorKind.ReplacementUnderpriced, "reth / anvil pool PoolError::ReplacementUnderpriced (internal text)", "Tx: [0x01] insufficient gas price to replace existing transaction"),
        new(@"another transaction with same nonce", RpcErrorKind.ReplacementUnderpriced, "openethereum", "Transaction gas price 100wei is too low. There is another transaction with same nonce in the queue with gas price 150wei."),

        new(@"already known", RpcErrorKind.AlreadyKnown, "geth core/txpool ErrAlreadyKnown; reth, erigon, nethermind TxPoolErrorMessages.AlreadyKnown", "already known"),
        new(@"\bAlreadyKnown\b", RpcErrorKind.AlreadyKnown, "nethermind AcceptTxResult.AlreadyKnown (code name)", "AlreadyKnown"),
        new(@"already ?imported", RpcErrorKind.AlreadyKnown, "anvil PoolError::AlreadyImported; openethereum; substrate Pool(AlreadyImported)", "transaction already imported"),
        new(@"(?<!un)known transaction", RpcErrorKind.AlreadyKnown, "besu ETH_SEND_TX_ALREADY_KNOWN; old geth \"known transaction: 0x..\"", "Known transaction"),
        new(@"existing txn? with same hash", RpcErrorKind.AlreadyKnown, "erigon txpool DiscardReason DuplicateHash", "existing txn with same hash"),

        // EIP-7702 authorisation nonces are not the sender's nonce; keep them away from NonceTooLow.
        new(@"authority nonce too low", RpcErrorKind.Unknown, "geth core/txpool ErrAuthorityNonceTooLow", "authority nonce too low"),
        new(@"nonce too low", RpcErrorKind.NonceTooLow, "geth core ErrNonceTooLow; anvil, reth, erigon, nethermind; besu \"Nonce too low\"", "nonce too low: address 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266, tx: 0 state: 1"),
        new(@"nonce is too low", RpcErrorKind.NonceTooLow, "openethereum", "Transaction nonce is too low. Try incrementing the nonce."),
        new(@"\bOldNonce\b", RpcErrorKind.NonceTooLow, "nethermind AcceptTxResult.OldNonce (code name)", "OldNonce, Current nonce: 22, nonce of rejected tx: 17"),

        new(@"nonce too high", RpcErrorKind.NonceTooHigh, "geth core ErrNonceTooHigh; anvil \"Nonce too high\"; besu; nethermind TxPoolErrorMessages.NonceTooHigh", "Nonce too high"),
        new(@"\bNonceGap\b", RpcErrorKind.NonceTooHigh, "nethermind AcceptTxResult.NonceGap (code name)", "NonceGap, Future nonce. Expected nonce: 10"),
        new(@"nonce ?too ?far ?in ?future", RpcErrorKind.NonceTooHigh, "nethermind NonceTooFarInFuture", "nonce too far in future"),
        new(@"nonce is too distant", RpcErrorKind.NonceTooHigh, "besu NONCE_TOO_FAR_IN_FUTURE_FOR_SENDER", "Transaction nonce is too distant from current sender nonce"),

        new(@"insufficient ?funds", RpcErrorKind.InsufficientFunds, "geth core ErrInsufficientFunds / ErrInsufficientFundsForTransfer; anvil (capitalised); reth; erigon; nethermind InsufficientFunds (code name)", "Insufficient funds for gas * price + value"),
        new(@"upfront cost exceeds account balance", RpcErrorKind.InsufficientFunds, "besu TRANSACTION_UPFRONT_COST_EXCEEDS_BALANCE", "Upfront cost exceeds account balance"),
        new(@"insufficient balance", RpcErrorKind.InsufficientFunds, "geth (older) / openethereum", "Insufficient balance for transaction. Balance=100, Cost=200"),

        new(@"less than (the )?(block )?base ?fee", RpcErrorKind.FeeCapBelowBaseFee, "geth core ErrFeeCapTooLow; anvil FeeCapTooLow; reth; revm GasPriceLessThanBasefee", "max fee per gas less than block base fee"),
        new(@"below current base fee", RpcErrorKind.FeeCapBelowBaseFee, "besu GAS_PRICE_BELOW_CURRENT_BASE_FEE", "Gas price below current base fee"),
        new(@"MaxFeePerGas too low", RpcErrorKind.FeeCapBelowBaseFee, "nethermind FeeTooLow detail", "FeeTooLow, MaxFeePerGas too low. MaxFeePerGas: 50, BaseFee: 100, MaxPriorityFeePerGas:200, Block number: 5"),

        new(@"intrinsic gas too low", RpcErrorKind.IntrinsicGasTooLow, "geth core ErrIntrinsicGas; anvil GasTooLow; reth", "intrinsic gas too low: gas 20000, minimum needed 21000"),
        new(@"\bIntrinsicGas\b", RpcErrorKind.IntrinsicGasTooLow, "erigon txpool DiscardReason IntrinsicGas", "IntrinsicGas"),
        new(@"intrinsic gas exceeds gas limit", RpcErrorKind.IntrinsicGasTooLow, "besu INTRINSIC_GAS_EXCEEDS_LIMIT", "Intrinsic gas exceeds gas limit"),
        new(@"transaction gas is too low", RpcErrorKind.IntrinsicGasTooLow, "openethereum", "Transaction gas is too low. There is not enough gas to cover minimal cost of the transaction (minimal: 21000 got: 20000)"),

        new(@"exceeds block gas limit", RpcErrorKind.ExceedsBlockGasLimit, "geth core/txpool ErrGasLimit; reth ExceedsGasLimit; besu \"Transaction gas limit exceeds block gas limit\"", "exceeds block gas limit"),
        new(@"greater than the block gas limit", RpcErrorKind.ExceedsBlockGasLimit, "anvil TxGasLimitGreaterThanCap", "Transaction gas limit is greater than the block gas limit, gas_limit: 40000000, cap: 30000000"),
        new(@"intrinsic gas too high", RpcErrorKind.ExceedsBlockGasLimit, "anvil GasTooHigh (CallerGasLimitMoreThanBlock)", "intrinsic gas too high -- CallerGasLimitMoreThanBlock"),
        new(@"\bGasLimitExceeded\b", RpcErrorKind.ExceedsBlockGasLimit, "nethermind AcceptTxResult.GasLimitExceeded (code name)", "GasLimitExceeded, Gas limit: 100, gas limit of rejected tx: 150"),
        new(@"gas limit reached", RpcErrorKind.ExceedsBlockGasLimit, "nethermind TxPoolErrorMessages.GasLimitReached; geth core ErrGasLimitReached", "gas limit reached"),
        new(@"gas limit is too high", RpcErrorKind.ExceedsBlockGasLimit, "erigon txpool DiscardReason GasLimitTooHigh", "gas limit is too high"),
        new(@"exceeds current gas limit", RpcErrorKind.ExceedsBlockGasLimit, "openethereum", "Transaction cost exceeds current gas limit. Limit: 50, got: 100."),

        new(@"pool is full", RpcErrorKind.TxPoolFull, "geth legacypool ErrTxPoolOverflow \"txpool is full\"; reth; erigon \"pending sub-pool is full\" etc.", "txpool is full"),
        new(@"account limit exceeded", RpcErrorKind.TxPoolFull, "geth core/txpool ErrAccountLimitExceeded", "account limit exceeded"),
        new(@"too many transactions in the queue", RpcErrorKind.TxPoolFull, "openethereum", "There are too many transactions in the queue. Your transaction was dropped due to limit. Try increasing the fee."),

        new(@"transaction underpriced", RpcErrorKind.Underpriced, "geth core/txpool ErrUnderpriced; reth; nethermind TxPoolErrorMessages.TransactionUnderpriced", "transaction underpriced: gas tip cap 1, minimum needed 1000000000"),
        new(@"\bunderpriced\b", RpcErrorKind.Underpriced, "erigon txpool DiscardReason UnderPriced", "underpriced"),
        new(@"fee ?too ?low", RpcErrorKind.Underpriced, "erigon \"fee too low\"; nethermind FeeTooLow / FeeTooLowToCompete (code names)", "FeeTooLowToCompete"),
        new(@"gas price below configured minimum", RpcErrorKind.Underpriced, "besu GAS_PRICE_TOO_LOW", "Gas price below configured minimum gas price"),
        new(@"gas price (is )?too low", RpcErrorKind.Underpriced, "openethereum; arbitrum", "Transaction gas price is too low. It does not satisfy your node's minimal gas price (minimal: 100 got: 50)."),

        new(@"rate limit", RpcErrorKind.RateLimited, "infura \"request rate limited\"; tenderly \"rate limit exceeded\"; base \"over rate limit\"", "daily request count exceeded, request rate limited"),
        new(@"too many requests", RpcErrorKind.RateLimited, "HTTP 429 text relayed by proxies", "429 Too Many Requests"),
        new(@"exceeded its compute units", RpcErrorKind.RateLimited, "alchemy", "Your app has exceeded its compute units per second capacity."),

        // Besu reuses -32005 for limits that retrying will not lift; keep them off RateLimited.
        new(@"exceeds maximum RPC range limit|exceeds max batch size", RpcErrorKind.Unknown, "besu EXCEEDS_RPC_MAX_BLOCK_RANGE / EXCEEDS_RPC_MAX_BATCH_SIZE", "Requested range exceeds maximum RPC range limit"),

        new(@"service unavailable|bad gateway|gateway time-?out", RpcErrorKind.ServerUnavailable, "HTTP 5xx text relayed by proxies", "503 Service Unavailable"),
    ],
    static p => p.Pattern);

    /// <summary>The table, in matching order.</summary>
    public static IReadOnlyList<RpcErrorPattern> Patterns => Table.Rows;

    /// <summary>
    /// Classifies a JSON-RPC error: the first table row whose pattern matches the message (then the
    /// raw data text) wins; otherwise code 3 means a revert and -32005 a rate limit; else Unknown.
    /// </summary>
    public static RpcErrorKind Classify(int? code, string? message, string? data = null)
    {
        var row = FindRow(message) ?? FindRow(data);
        if (row is not null)
        {
            return row.Kind;
        }

        return code switch
        {
            ExecutionErrorCode => RpcErrorKind.ExecutionReverted,
            LimitExceededCode => RpcErrorKind.RateLimited,
            _ => RpcErrorKind.Unknown,
        };
    }

    /// <summary>The first row matching the text, or null.</summary>
    public static RpcErrorPattern? FindRow(string? text) => Table.FindRow(text);

    /// <summary>HTTP 429 → <see cref="RpcErrorKind.RateLimited"/>; 5xx → <see cref="RpcErrorKind.ServerUnavailable"/>; else Unknown.</summary>
    public static RpcErrorKind ClassifyHttpStatus(int status) => status switch
    {
        429 => RpcErrorKind.RateLimited,
        >= 500 and <= 599 => RpcErrorKind.ServerUnavailable,
        _ => RpcErrorKind.Unknown,
    };
}
