using System.Globalization;
using Microsoft.Extensions.Options;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Chains;

namespace WalletGrains.Grains.Balances;

/// <summary>Checks the balance settings of <c>Wallet:Chains:N</c> at start-up, quoting the offending value.</summary>
public sealed class BalanceOptionsValidator : IValidateOptions<WalletOptions>
{
    /// <summary>Largest <see cref="ChainOptions.MulticallChunkSize"/>: far above any useful size, low enough that one eth_call stays sane.</summary>
    public const int MaxChunkSize = 10_000;

    /// <summary>Smallest <see cref="ChainOptions.MaxRpcRequestBytes"/>: room for one aggregate3 of a few reads.</summary>
    public const int MinRequestBytes = 16 * 1024;

    /// <summary>Reminders tick at most once a second.</summary>
    public static readonly TimeSpan MinRefreshInterval = TimeSpan.FromSeconds(1);

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
        for (var i = 0; i < options.Chains.Count; i++)
        {
            if (options.Chains[i] is not { } chain)
            {
                continue;
            }

            var key = $"Wallet:Chains:{i.ToString(CultureInfo.InvariantCulture)}";
            if (chain.BalancePollInterval <= TimeSpan.Zero)
            {
                problems.Add($"{key}:BalancePollInterval is '{chain.BalancePollInterval}'; it must be positive.");
            }

            if (chain.BalanceRefreshInterval < MinRefreshInterval)
            {
                problems.Add($"{key}:BalanceRefreshInterval is '{chain.BalanceRefreshInterval}'; it must be at least {MinRefreshInterval} (a reminder period).");
            }

            if (!Address.TryParse(chain.MulticallAddress, out _, out var error))
            {
                problems.Add($"{key}:MulticallAddress: {error}");
            }

            if (chain.MulticallChunkSize is < 1 or > MaxChunkSize)
            {
                problems.Add($"{key}:MulticallChunkSize is {chain.MulticallChunkSize.ToString(CultureInfo.InvariantCulture)}; it must be between 1 and {MaxChunkSize.ToString(CultureInfo.InvariantCulture)}.");
            }

            if (chain.MaxRpcRequestBytes < MinRequestBytes)
            {
                problems.Add($"{key}:MaxRpcRequestBytes is {chain.MaxRpcRequestBytes.ToString(CultureInfo.InvariantCulture)}; it must be at least {MinRequestBytes.ToString(CultureInfo.InvariantCulture)}.");
            }
        }

        return problems;
    }
}
