using System.Globalization;
using WalletGrains.Runtime;

namespace WalletGrains.Grains;

/// <summary>
/// The event monitor of one chain, keyed <c>"{chainId}"</c> (DESIGN.md §4): follows the head with a durable cursor,
/// reports <c>transfer.incoming</c>, <c>transfer.outgoing</c> and <c>approval</c> events of the followed addresses
/// once their block is buried under the chain's confirmations, and reports them again with <c>removed: true</c> when
/// a reorg drops them. Not reentrant: every poll is one turn.
/// </summary>
public interface IEventMonitorGrain : IGrainWithStringKey
{
    /// <summary>Starts following (poll timer and keep-alive reminder) and polls once; idempotent.</summary>
    Task<EventMonitorStatus> StartAsync();

    /// <summary>Polls once now (the timer calls the same code) and returns the status afterwards.</summary>
    Task<EventMonitorStatus> PollAsync();

    /// <summary>The cursor, the last head seen and the adaptive query size.</summary>
    [ReadOnly]
    Task<EventMonitorStatus> GetStatusAsync();
}

/// <summary>What an event monitor is doing.</summary>
/// <param name="Enabled">Whether the chain's monitor is enabled (<c>Wallet:Chains:N:Monitor:Enabled</c>).</param>
/// <param name="Cursor">The last block fully processed (its events are in the event log); null before the first poll.</param>
/// <param name="Head">The head block number seen by the last successful poll of this activation.</param>
/// <param name="Confirmations">Blocks, counting the inclusion block, before events are reported.</param>
/// <param name="BlockRange">The block range of the next <c>eth_getLogs</c> query (shrinks when the node refuses).</param>
/// <param name="EventsAppended">Events (removals included) this activation appended to the event log.</param>
/// <param name="Reorgs">Reorgs this activation detected below its cursor.</param>
/// <param name="LastError">The last poll's RPC failure, or null when it succeeded.</param>
/// <param name="LastPollAt">When this activation last polled.</param>
public sealed record EventMonitorStatus(
    ulong ChainId,
    bool Enabled,
    ulong? Cursor,
    ulong? Head,
    int Confirmations,
    int BlockRange,
    long EventsAppended,
    long Reorgs,
    string? LastError,
    DateTimeOffset? LastPollAt);

/// <summary>Builds event monitor grain keys the one agreed way.</summary>
public static class EventMonitorKeys
{
    /// <summary>The chain id in decimal.</summary>
    public static string For(ulong chainId) => chainId.ToString(CultureInfo.InvariantCulture);
}
