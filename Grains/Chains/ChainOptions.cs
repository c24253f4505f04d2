using WalletGrains.Ethereum.Model;

namespace WalletGrains.Grains.Chains;

/// <summary>The <c>Wallet</c> configuration section (DESIGN.md §7).</summary>
public sealed class WalletOptions
{
    public const string SectionName = "Wallet";

    public List<ChainOptions> Chains { get; set; } = [];

    public SignerOptions Signers { get; set; } = new();
}

/// <summary>One chain: <c>Wallet:Chains:N:*</c>.</summary>
public sealed class ChainOptions
{
    public ulong ChainId { get; set; }

    public string Name { get; set; } = "";

    public List<string> RpcUrls { get; set; } = [];

    /// <summary>Blocks, counting the inclusion block, before confirmed (1: confirmed once included).</summary>
    public int Confirmations { get; set; } = 1;

    /// <summary>Typed EIP-1559 transactions, else legacy gasPrice.</summary>
    public bool Eip1559 { get; set; } = true;

    /// <summary>Highest maxFeePerGas/gasPrice ever signed, wei as a decimal string.</summary>
    public string MaxFeePerGasCap { get; set; } = "500000000000";

    /// <summary>Fee raise per replacement, integer percent, at least 10 (geth's replacement rule).</summary>
    public int BumpPercent { get; set; } = 20;

    /// <summary>Time without inclusion before a replacement.</summary>
    public TimeSpan BumpAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many of an account's lowest pending nonces a poll may replace at once (what blocks the account first).</summary>
    public int BumpDepth { get; set; } = 16;

    /// <summary>Broadcast transactions per account; the rest wait as queued.</summary>
    public int MaxInFlight { get; set; } = 16;

    /// <summary>How often an account with pending transactions polls receipts.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Per JSON-RPC call timeout.</summary>
    public TimeSpan RpcTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the chain's BalanceGrain asks <c>eth_blockNumber</c> for a new head (each new head: one read of every followed balance).</summary>
    public TimeSpan BalancePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The BalanceGrain's backup reminder: a full read at the current head when none succeeded for this long (missed
    /// heads, a quiet chain after watches changed); also keeps the grain active. At least 1 s.
    /// </summary>
    public TimeSpan BalanceRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The Multicall3 contract balances are read through; without code there, balances are read one request each.</summary>
    public string MulticallAddress { get; set; } = "0xcA11bde05977b3631167028862bE2a173976CA11";

    /// <summary>Reads per <c>aggregate3</c> call (one <c>eth_call</c>); the calls of one refresh go out as one JSON-RPC batch where the node's request size limit allows.</summary>
    public int MulticallChunkSize { get; set; } = 500;

    /// <summary>
    /// Largest JSON-RPC request body the balance reader sends; a refresh's batch is split into POSTs below it (anvil refuses
    /// bodies above 2 MiB by default, geth above 5 MiB; an aggregate3 of 500 reads is about 230 kB).
    /// </summary>
    public int MaxRpcRequestBytes { get; set; } = 1_500_000;

    /// <summary>
    /// JSON-RPC POSTs in flight to this chain's node at once; requests made while that many are out wait and go
    /// together as one batch when one comes back, so many accounts polling at once cost the node few HTTP requests.
    /// 0 sets no limit (every call its own POST, sent at once). Thirty-two is rarely reached by a few busy accounts, so their
    /// sends do not wait behind other callers' answers; a thousand accounts polling at once reach it
    /// (bench/WalletGrains.Bench.Send/README.md, session 20).
    /// </summary>
    public int MaxConcurrentRpcRequests { get; set; } = 32;

    /// <summary>
    /// JSON-RPC POSTs carrying broadcasts (<c>eth_sendRawTransaction</c>) in flight to this chain's node at once, counted
    /// apart from <see cref="MaxConcurrentRpcRequests"/>. Broadcasts made meanwhile, by any account, wait and go together
    /// as one batch when one comes back; each account still has one batch out at a time, in nonce order. A node
    /// validates every transaction it is sent as it arrives (anvil about 0.3 ms of CPU each); with one POST at a time it
    /// gets the accounts' first broadcasts one batch after another instead of many at once. On the benchmark's two cores,
    /// shared with anvil, that took most of the slow requests out of the open loop's cold start (session 32,
    /// bench/WalletGrains.Bench.Send/README.md). A node that sits on a broadcast POST holds the chain's next broadcasts
    /// behind it, for at most <see cref="RpcTimeout"/>; a send's answer never waits for a broadcast, and a cancel (which
    /// broadcasts in its turn) may. 0 sends them like every other call (<see cref="MaxConcurrentRpcRequests"/>).
    /// </summary>
    public int MaxConcurrentBroadcasts { get; set; } = 1;

    /// <summary>The event monitor of this chain (<c>Wallet:Chains:N:Monitor:*</c>, see <see cref="Monitoring.ChainMonitorOptions"/>).</summary>
    public Monitoring.ChainMonitorOptions Monitor { get; set; } = new();

    /// <summary>The cap parsed; valid after options validation.</summary>
    public UInt256 MaxFeePerGasCapWei => UInt256.Parse(MaxFeePerGasCap);
}

/// <summary>Key sources: <c>Wallet:Signers:*</c>.</summary>
public sealed class SignerOptions
{
    /// <summary>Raw hex private keys (development; a start-up warning says production should use keystores).</summary>
    public List<string> Keys { get; set; } = [];

    public string? Mnemonic { get; set; }

    public int MnemonicCount { get; set; } = 10;

    public string? KeystoreDir { get; set; }

    public string? KeystorePasswordFile { get; set; }
}
