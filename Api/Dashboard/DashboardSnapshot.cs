namespace WalletGrains.Api.Dashboard;

/// <summary>Everything the dashboard page shows at one moment (GET /dashboard/api/snapshot).</summary>
public sealed record DashboardSnapshot(
    DashboardSilo Silo,
    DashboardRuntime Runtime,
    IReadOnlyList<DashboardAccount> Accounts,
    bool AccountsTruncated,
    IReadOnlyList<DashboardTransaction> Transactions,
    IReadOnlyList<DashboardChain> Chains,
    DashboardRates Rates);

/// <summary>The silo: name, environment, storage provider (never its connection string), uptime.</summary>
public sealed record DashboardSilo(
    string Name,
    string Environment,
    string Storage,
    DateTimeOffset StartedAt,
    double UptimeSeconds,
    DateTimeOffset GeneratedAt);

/// <summary>Grain runtime statistics of this silo.</summary>
/// <param name="Activations">Live activations over all grain types.</param>
public sealed record DashboardRuntime(int Activations, IReadOnlyList<DashboardGrainType> GrainTypes);

/// <summary>One grain type: counters since start, call rate since the previous sample, latencies in milliseconds.</summary>
public sealed record DashboardGrainType(
    string GrainType,
    int Activations,
    long Calls,
    double CallsPerSecond,
    long Failures,
    double MeanLatencyMs,
    double P99LatencyMs,
    int MailboxDepth);

/// <summary>One custodied account on one chain, as its AccountGrain reports it.</summary>
/// <param name="Address">EIP-55.</param>
/// <param name="Pending">Broadcast and not yet confirmed (in flight).</param>
/// <param name="OldestPendingAgeSeconds">Age of the oldest pending transaction; null when nothing is pending.</param>
/// <param name="Balance">Native balance in wei (decimal string); null when not yet known.</param>
public sealed record DashboardAccount(
    ulong ChainId,
    string ChainName,
    string Address,
    ulong NextNonce,
    ulong ConfirmedNonce,
    int Pending,
    int Queued,
    double? OldestPendingAgeSeconds,
    int FeeBumps,
    string? Balance,
    string? PausedReason);

/// <summary>A recent transaction: where it stands and how many signed attempts it took.</summary>
public sealed record DashboardTransaction(
    string Id,
    ulong ChainId,
    string From,
    string? To,
    ulong Nonce,
    string Status,
    int Attempts,
    string? Hash,
    string? ErrorCode,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A configured chain: its head and next base fee as last read (cached about a second), and its endpoints.</summary>
/// <param name="BaseFeePerGas">Wei (decimal string) of the block after <paramref name="HeadBlock"/>.</param>
/// <param name="RpcEndpoints">Scheme, host and port only: paths, queries and user info can hold API tokens.</param>
/// <param name="Error">Why the head could not be read, when it could not.</param>
public sealed record DashboardChain(
    ulong ChainId,
    string Name,
    ulong? HeadBlock,
    string? BaseFeePerGas,
    IReadOnlyList<string> RpcEndpoints,
    DateTimeOffset? ReadAt,
    string? Error);

/// <summary>Sends (<c>transaction.submitted</c>) and confirmations (<c>transaction.confirmed</c>) per second over the window.</summary>
/// <param name="Points">One point per whole second, oldest first, ending with the last complete second.</param>
public sealed record DashboardRates(int WindowSeconds, IReadOnlyList<DashboardRatePoint> Points);

/// <summary>Counts of one second, keyed by its Unix time in seconds.</summary>
public sealed record DashboardRatePoint(long Second, int Sends, int Confirmations);
