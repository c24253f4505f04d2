using System.Globalization;
using Microsoft.Extensions.Logging;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Rpc;
using WalletGrains.Grains.Chains;
using WalletGrains.Grains.Storage;
using WalletGrains.Grains.Watches;
using WalletGrains.Runtime;

namespace WalletGrains.Grains.Monitoring;

/// <summary>
/// Follows one chain's head and reports activity of the followed addresses (DESIGN.md §4, §6). Each poll reads the
/// head and re-checks the newest processed block; when that block is no longer canonical, it finds the fork point
/// among the kept blocks, reports every event of the dropped blocks again with <c>removed: true</c>, and rewinds the
/// cursor there. Then it scans forward, step by step, up to the newest block buried under the chain's
/// <see cref="ChainOptions.Confirmations"/> (block n is final once head ≥ n + Confirmations − 1).
/// Events are at least once: a step's events are appended before the cursor moves, so a crash in between repeats
/// the step (same event keys), and never loses it.
/// </summary>
/// <remarks>
/// Start position: on its very first poll the monitor starts after the head of that moment (or at the configured
/// <see cref="ChainMonitorOptions.StartBlock"/>); from then on the durable cursor decides, across restarts.
/// Native value moved by contracts (internal calls) is not visible without tracing APIs and is not reported.
/// </remarks>
public sealed class EventMonitorGrain : Grain, IEventMonitorGrain, IRemindable
{
    private const string KeepAliveReminder = "follow";

    /// <summary>How long one poll keeps scanning when far behind; the next tick continues, so calls are not kept waiting.</summary>
    private static readonly TimeSpan TurnBudget = TimeSpan.FromSeconds(5);

    private readonly IPersistentState<EventMonitorState> _state;
    private readonly IChainRegistry _chains;
    private readonly IWalletStore _store;
    private readonly IWatchedAddresses _watched;
    private readonly TimeProvider _time;
    private readonly ILogger<EventMonitorGrain> _logger;

    private ChainContext _chain = null!;
    private ChainMonitorOptions _options = null!;
    private ChainScanner _scanner = null!;
    private IGrainTimer? _timer;
    private bool _reminderRegistered;
    private ulong? _head;
    private string? _lastError;
    private DateTimeOffset? _lastPollAt;
    private long _eventsAppended;
    private long _reorgs;

    public EventMonitorGrain(
        [PersistentState("eventMonitor")] IPersistentState<EventMonitorState> state,
        IChainRegistry chains,
        IWalletStore store,
        IWatchedAddresses watched,
        TimeProvider time,
        ILogger<EventMonitorGrain> logger)
    {
        _state = state;
        _chains = chains;
        _store = store;
        _watched = watched;
        _time = time;
        _logger = logger;
    }

    private EventMonitorState State => _state.State;

    private ulong ChainId => _chain.ChainId;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = GetPrimaryKeyString();
        if (!ulong.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var chainId))
        {
            throw new ArgumentException($"Event monitor grain key '{key}' is not a decimal chain id.");
        }

        if (!_chains.TryGet(chainId, out var chain))
        {
            throw new InvalidOperationException($"Event monitor grain '{key}': chain {chainId} is not configured.");
        }

        _chain = chain;
        _options = chain.Options.Monitor;
        _scanner = new ChainScanner(chain.Rpc, chainId, _options, _logger, _store);
        if (_options.Enabled)
        {
            await FollowAsync();
        }
        else if (await GetReminder(KeepAliveReminder) is { } reminder)
        {
            // Disabled after it ran: stop the reminder from bringing it back.
            await UnregisterReminder(reminder);
        }
    }

    public async Task<EventMonitorStatus> StartAsync()
    {
        if (_options.Enabled)
        {
            await FollowAsync();
            await PollCoreAsync(CancellationToken.None);
        }

        return Status();
    }

    public async Task<EventMonitorStatus> PollAsync()
    {
        await PollCoreAsync(CancellationToken.None);
        return Status();
    }

    public Task<EventMonitorStatus> GetStatusAsync() => Task.FromResult(Status());

    /// <summary>The reminder only keeps the monitor activated (after idle collection or a restart); activation starts the timer.</summary>
    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;

    private async Task FollowAsync()
    {
        _timer ??= RegisterGrainTimer(PollCoreAsync, _options.PollInterval, _options.PollInterval);
        if (!_reminderRegistered)
        {
            var period = TimeSpan.FromTicks(Math.Max(_options.PollInterval.Ticks * 10, TimeSpan.FromSeconds(10).Ticks));
            await RegisterOrUpdateReminder(KeepAliveReminder, period, period);
            _reminderRegistered = true;
        }
    }

    private async Task PollCoreAsync(CancellationToken cancellationToken)
    {
        _lastPollAt = Now();
        try
        {
            await PollStepsAsync(cancellationToken);
            _lastError = null;
        }
        catch (RpcException e)
        {
            // The next tick tries again; the cursor has not moved past anything unreported.
            _lastError = e.Message;
            MonitorLog.PollFailed(_logger, ChainId, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Storage failures reach the caller (or the runtime's timer log) unchanged; the status shows them too.
            _lastError = e.Message;
            throw;
        }
    }

    private async Task PollStepsAsync(CancellationToken cancellationToken)
    {
        var watchSet = await _watched.GetAsync(ChainId, cancellationToken);
        var watched = watchSet.Entries.Select(e => e.Address).ToHashSet();

        var tip = State.Recent.Count > 0 ? State.Recent[^1] : null;
        var batch = new RpcBatch();
        var headItem = batch.Add(EthRequests.BlockNumber());
        var tipItem = tip is null ? null : batch.Add(EthRequests.GetBlockByNumber(tip.Number));
        await _chain.Rpc.SendBatchAsync(batch, cancellationToken: cancellationToken);
        var head = headItem.Value;
        _head = head;

        if (!State.Started)
        {
            await InitializeAsync(head, cancellationToken);
        }
        else if (tip is not null)
        {
            if (tipItem!.Value is not { } canonical)
            {
                // The node has no block at our cursor yet: a lagging node behind a load balancer or failover, or a
                // chain that got shorter for now. Reorged blocks are recognised by their hash once the height is back,
                // so nothing is reported removed because of a node that is merely behind.
                MonitorLog.NodeBehind(_logger, ChainId, head, tip.Number);
                return;
            }

            if (canonical.Hash != Bytes32.Parse(tip.Hash))
            {
                await RewindAsync(cancellationToken);
            }
        }

        var confirmations = (ulong)_chain.Options.Confirmations;
        if (head + 1 < confirmations)
        {
            return;
        }

        var final = head + 1 - confirmations;
        var started = _time.GetTimestamp();
        while (State.NextBlock <= final && _time.GetElapsedTime(started) < TurnBudget)
        {
            var scan = await _scanner.ScanAsync(State.NextBlock, final, Anchor(), watched, cancellationToken);
            if (scan.ChainMoved is { } reason)
            {
                // Either the node answered from two forks (it settles by the next poll) or the anchor was dropped,
                // which the next poll's tip check turns into a rewind.
                MonitorLog.ChainMoved(_logger, ChainId, reason);
                return;
            }

            await CommitStepAsync(scan, cancellationToken);
        }
    }

    /// <summary>The first poll ever: start after the current head (or at the configured block) and remember the block below the start.</summary>
    private async Task InitializeAsync(ulong head, CancellationToken cancellationToken)
    {
        ulong next;
        ulong? anchorNumber;
        if (_options.StartBlock is { } start)
        {
            next = start;
            anchorNumber = start > 0 && start - 1 <= head ? start - 1 : null;
        }
        else
        {
            next = head + 1;
            anchorNumber = head;
        }

        State.Recent = [];
        if (anchorNumber is { } n && await _chain.Rpc.GetBlockByNumberAsync(n, cancellationToken: cancellationToken) is { } block)
        {
            State.Recent.Add(new MonitoredBlock(block.Number, block.Hash.ToString(), block.ParentHash.ToString(), 0, 0));
        }

        State.NextBlock = next;
        State.Started = true;
        await _state.WriteStateAsync(cancellationToken);
        MonitorLog.Started(_logger, ChainId, next, head);
    }

    /// <summary>
    /// The newest kept block is no longer canonical: find the newest kept block that still is (the fork point), report
    /// the events of every block above it as removed (newest first, undoing in reverse), and continue from there.
    /// </summary>
    private async Task RewindAsync(CancellationToken cancellationToken)
    {
        var recent = State.Recent;
        var batch = new RpcBatch();
        var canonical = recent.Select(b => batch.Add(EthRequests.GetBlockByNumber(b.Number))).ToList();
        await _chain.Rpc.SendBatchAsync(batch, cancellationToken: cancellationToken);
        var fork = recent.Count - 1;
        while (fork >= 0 && (canonical[fork].Value is not { } block || block.Hash != Bytes32.Parse(recent[fork].Hash)))
        {
            fork--;
        }

        var dropped = recent.Skip(fork + 1).ToList();
        var now = Now();
        var reported = await ReadReportedAsync(dropped, cancellationToken);
        var removals = reported.AsEnumerable().Reverse()
            .Select(e => new NewWalletEvent(e.Type, now, ChainId, Removed: true, e.Data))
            .ToList();
        if (removals.Count > 0)
        {
            await _store.AppendEventsAsync(removals, cancellationToken);
            _eventsAppended += removals.Count;
        }

        var from = State.NextBlock - 1;
        if (fork >= 0)
        {
            State.NextBlock = recent[fork].Number + 1;
            State.Recent = recent.Take(fork + 1).ToList();
        }
        else
        {
            // Deeper than the kept window: scan again from the oldest kept block without an anchor.
            State.NextBlock = recent[0].Number;
            State.Recent = [];
            MonitorLog.ReorgBeyondWindow(_logger, ChainId, _options.ReorgWindow, State.NextBlock);
        }

        await _state.WriteStateAsync(cancellationToken);
        _reorgs++;
        MonitorLog.Rewound(_logger, ChainId, from, State.NextBlock - 1, removals.Count);
    }

    /// <summary>Appends a step's events, then moves the cursor (invariant: the cursor never passes an unreported event).</summary>
    private async Task CommitStepAsync(ScanResult scan, CancellationToken cancellationToken)
    {
        IReadOnlyList<WalletEvent> appended = [];
        if (scan.Events.Count > 0)
        {
            var now = Now();
            appended = await _store.AppendEventsAsync([.. scan.Events.Select(e => new NewWalletEvent(e.Type, now, ChainId, Removed: false, e.Data))], cancellationToken);
            _eventsAppended += scan.Events.Count;
        }

        // The scan lists events in block order and one append gives them consecutive ids, so each block's events are
        // one run of ids.
        var next = 0;
        foreach (var block in scan.Blocks)
        {
            var first = next;
            while (next < scan.Events.Count && scan.Events[next].BlockNumber == block.Number)
            {
                next++;
            }

            State.Recent.Add(new MonitoredBlock(block.Number, block.Hash.ToString(), block.ParentHash.ToString(),
                next > first ? appended[first].Id : 0, next - first));
        }

        if (next != scan.Events.Count)
        {
            throw new InvalidOperationException($"Scan of blocks up to {scan.To} on chain {ChainId} returned events out of block order.");
        }

        if (State.Recent.Count > _options.ReorgWindow)
        {
            State.Recent.RemoveRange(0, State.Recent.Count - _options.ReorgWindow);
        }

        State.NextBlock = scan.To + 1;
        await _state.WriteStateAsync(cancellationToken);
    }

    /// <summary>The events reported for these blocks, read back from the event log, in the order they were appended.</summary>
    private async Task<List<WalletEvent>> ReadReportedAsync(IEnumerable<MonitoredBlock> blocks, CancellationToken cancellationToken)
    {
        const int Page = 1000;
        var read = new List<WalletEvent>();
        foreach (var block in blocks.Where(b => b.EventCount > 0))
        {
            var last = block.FirstEventId + block.EventCount - 1;
            var after = block.FirstEventId - 1;
            while (after < last)
            {
                var page = await _store.ReadEventsAsync(after, (int)Math.Min(Page, last - after), cancellationToken);
                var inBlock = page.TakeWhile(e => e.Id <= last).ToList();
                if (inBlock.Count == 0 || inBlock[0].Id != after + 1 || inBlock[^1].Id != inBlock[0].Id + inBlock.Count - 1)
                {
                    throw new InvalidOperationException(
                        $"The event log lacks events {after + 1}..{last} reported for block {block.Number} of chain {ChainId}; their removal cannot be reported.");
                }

                read.AddRange(inBlock);
                after = inBlock[^1].Id;
            }
        }

        return read;
    }

    /// <summary>The processed block just below the next one, when kept.</summary>
    private ScannedBlock? Anchor() =>
        State.Recent.Count > 0 && State.Recent[^1] is var last && last.Number + 1 == State.NextBlock
            ? new ScannedBlock(last.Number, Bytes32.Parse(last.Hash), Bytes32.Parse(last.ParentHash))
            : null;

    private EventMonitorStatus Status() => new(
        ChainId,
        _options.Enabled,
        State.Started && State.NextBlock > 0 ? State.NextBlock - 1 : null,
        _head,
        _chain.Options.Confirmations,
        _scanner.BlockRange,
        _eventsAppended,
        _reorgs,
        _lastError,
        _lastPollAt);

    /// <summary>Now, at the millisecond precision the stores keep.</summary>
    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds());
}
