namespace WalletGrains.Silo;

/// <summary><c>Wallet:Storage:*</c>: where grain state, reminders and the wallet tables live.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Wallet:Storage";

    /// <summary><c>sqlite</c> (embedded default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    public string ConnectionString { get; set; } = "Data Source=data/wallet.db";

    /// <summary>
    /// PostgreSQL only: how long a small group of account commits may wait for more while they arrive densely
    /// (default 2 ms; 00:00:00 never waits). Sparse commits never wait.
    /// </summary>
    public TimeSpan? CommitGatherWindow { get; set; }
}

/// <summary><c>Wallet:DevChain:*</c>: the local anvil of development mode.</summary>
public sealed class DevChainOptions
{
    public const string SectionName = "Wallet:DevChain";

    /// <summary>Start a local anvil and custody its dev accounts; defaults to true when no chain is configured.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Seconds between blocks; 0 mines each transaction at once (automine).</summary>
    public int BlockTime { get; set; } = 1;

    /// <summary>Path of the anvil binary; by default found under tools/node_modules.</summary>
    public string? AnvilPath { get; set; }
}
