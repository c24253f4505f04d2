using System.Globalization;
using Microsoft.Extensions.Options;
using WalletGrains.Grains.Chains;

namespace WalletGrains.Grains.Monitoring;

/// <summary>
/// One chain's event monitor: <c>Wallet:Chains:N:Monitor:*</c>. Confirmations come from the chain's own
/// <see cref="ChainOptions.Confirmations"/>, so events are final at the same depth as the send path's <c>confirmed</c>.
/// </summary>
public sealed class ChainMonitorOptions
{
    /// <summary>Whether the host starts the monitor of this chain.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the head is polled (<c>eth_blockNumber</c>).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The first block to report on the monitor's very first activation; null starts after the head of that moment.
    /// Ignored once the monitor has a durable cursor.
    /// </summary>
    public ulong? StartBlock { get; set; }

    /// <summary>
    /// The widest block range of one <c>eth_getLogs</c> query (and of one scanning step). Halved when the node
    /// refuses a range, doubled again after a run of accepted full-size ranges.
    /// </summary>
    public int MaxBlockRange { get; set; } = 1000;

    /// <summary>
    /// Watched addresses per topic OR-list. geth (and clients built on it) refuse more than 1000 alternatives per
    /// topic position ("exceed max addresses or topics per search position").
    /// </summary>
    public int AddressesPerQuery { get; set; } = 500;

    /// <summary>How many processed blocks (hash, parent hash, emitted events) are kept to detect and undo reorgs.</summary>
    public int ReorgWindow { get; set; } = 128;
}

/// <summary>Checks every chain's <c>Monitor</c> section at start-up; messages name the key and quote the value.</summary>
public sealed class ChainMonitorOptionsValidator : IValidateOptions<WalletOptions>
{
    /// <summary>geth's <c>maxSubTopics</c>: the most alternatives one topic position may list.</summary>
    public const int MaxAddressesPerQuery = 1000;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, WalletOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        for (var i = 0; i < options.Chains.Count; i++)
        {
            if (options.Chains[i]?.Monitor is not { } monitor)
            {
                continue;
            }

            var key = $"Wallet:Chains:{i.ToString(CultureInfo.InvariantCulture)}:Monitor";
            if (monitor.PollInterval <= TimeSpan.Zero)
            {
                problems.Add($"{key}:PollInterval is {monitor.PollInterval.ToString("c", CultureInfo.InvariantCulture)}; it must be greater than zero.");
            }

            if (monitor.MaxBlockRange < 1)
            {
                problems.Add($"{key}:MaxBlockRange is {monitor.MaxBlockRange.ToString(CultureInfo.InvariantCulture)}; it must be at least 1.");
            }

            if (monitor.AddressesPerQuery is < 1 or > MaxAddressesPerQuery)
            {
                problems.Add($"{key}:AddressesPerQuery is {monitor.AddressesPerQuery.ToString(CultureInfo.InvariantCulture)}; it must be between 1 and {MaxAddressesPerQuery.ToString(CultureInfo.InvariantCulture)}.");
            }

            if (monitor.ReorgWindow < 1)
            {
                problems.Add($"{key}:ReorgWindow is {monitor.ReorgWindow.ToString(CultureInfo.InvariantCulture)}; it must be at least 1.");
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
