using System.Globalization;

namespace WalletGrains.Testing;

/// <summary>How to start anvil: mining mode, chain id, accounts and extra flags.</summary>
public sealed record AnvilOptions
{
    /// <summary>Interval mining every N seconds (<c>--block-time</c>); null keeps automine (a block per transaction).</summary>
    public int? BlockTimeSeconds { get; init; }

    /// <summary>No automatic blocks at all (<c>--no-mining</c>); mine with <c>evm_mine</c>/<c>anvil_mine</c>.</summary>
    public bool NoMining { get; init; }

    /// <summary>Chain id (<c>--chain-id</c>); anvil's default is 31337.</summary>
    public ulong? ChainId { get; init; }

    /// <summary>Number of dev accounts (<c>--accounts</c>).</summary>
    public int Accounts { get; init; } = 10;

    /// <summary>Balance of each dev account in ether (<c>--balance</c>); anvil's default is 10000.</summary>
    public ulong? BalanceEther { get; init; }

    /// <summary>Base fee of the first block in wei (<c>--block-base-fee-per-gas</c>); anvil's default is 1 gwei.</summary>
    public ulong? BaseFeePerGas { get; init; }

    /// <summary>Block gas limit (<c>--gas-limit</c>).</summary>
    public ulong? GasLimit { get; init; }

    /// <summary>EVM hardfork name (<c>--hardfork</c>), e.g. <c>prague</c>.</summary>
    public string? Hardfork { get; init; }

    /// <summary>Suppress anvil's console output (<c>--silent</c>).</summary>
    public bool Silent { get; init; } = true;

    /// <summary>More command-line arguments, passed as they are.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>How long anvil may take to answer <c>eth_chainId</c> after start.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The command line for a given port, always bound to 127.0.0.1.</summary>
    public IReadOnlyList<string> BuildArguments(int port)
    {
        var args = new List<string>
        {
            "--host", "127.0.0.1",
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--accounts", Accounts.ToString(CultureInfo.InvariantCulture),
        };
        if (BlockTimeSeconds is { } blockTime)
        {
            args.AddRange(["--block-time", blockTime.ToString(CultureInfo.InvariantCulture)]);
        }

        if (NoMining)
        {
            args.Add("--no-mining");
        }

        if (ChainId is { } chainId)
        {
            args.AddRange(["--chain-id", chainId.ToString(CultureInfo.InvariantCulture)]);
        }

        if (BalanceEther is { } balance)
        {
            args.AddRange(["--balance", balance.ToString(CultureInfo.InvariantCulture)]);
        }

        if (BaseFeePerGas is { } baseFee)
        {
            args.AddRange(["--block-base-fee-per-gas", baseFee.ToString(CultureInfo.InvariantCulture)]);
        }

        if (GasLimit is { } gasLimit)
        {
            args.AddRange(["--gas-limit", gasLimit.ToString(CultureInfo.InvariantCulture)]);
        }

        if (Hardfork is { } hardfork)
        {
            args.AddRange(["--hardfork", hardfork]);
        }

        if (Silent)
        {
            args.Add("--silent");
        }

        args.AddRange(ExtraArguments);
        return args;
    }
}
