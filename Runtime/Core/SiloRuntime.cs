using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WalletGrains.Runtime;

/// <summary>
/// The heart of one silo: the activation directory, the send path, call timeouts, idle collection and shutdown.
/// </summary>
internal sealed class SiloRuntime : ISiloIntrospection, IDisposable
{
    private const int Created = 0;
    private const int Starting = 1;
    private const int Running = 2;
    private const int Stopping = 3;
    private const int Stopped = 4;

    private readonly ConcurrentDictionary<GrainId, Activation> _directory = new();
    private readonly ConcurrentDictionary<GrainClass, GrainTypeStatistics> _statistics = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly IReadOnlyList<MigrationTarget> _migrationTargets;
    private readonly IReadOnlyList<System.Reflection.Assembly> _extraAssemblies;
    private ITimer? _sweeper;
    private ITimer? _collector;
    private volatile int _state;

    public SiloRuntime(
        IServiceProvider services,
        IOptions<SiloOptions> options,
        TimeProvider time,
        ILoggerFactory loggerFactory,
        IEnumerable<MigrationTarget> migrationTargets,
        IEnumerable<GrainAssembly> grainAssemblies,
        IReminderTable? reminderTable = null)
    {
        Services = services;
        Options = options.Value;
        Time = time;
        Logger = loggerFactory.CreateLogger("WalletGrains.Runtime.Silo");
        GrainFactory = new GrainFactory(this);
        _migrationTargets = migrationTargets.DistinctBy(t => (t.Dialect, t.ConnectionString)).ToList();
        _extraAssemblies = grainAssemblies.Select(a => a.Assembly).Distinct().ToList();
        foreach (var assembly in _extraAssemblies)
        {
            GrainCatalog.AddAssembly(assembly);
        }

        Reminders = reminderTable is null ? null : new ReminderService(this, reminderTable);
    }

    public IServiceProvider Services { get; }

    public SiloOptions Options { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public IGrainFactory GrainFactory { get; }

    public ReminderService? Reminders { get; }

    /// <summary>Cancelled when the silo starts stopping; passed to OnActivateAsync and timer callbacks.</summary>
    public CancellationToken StoppingToken => _stopping.Token;

    public bool IsRunning => _state == Running;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, Starting, Created) != Created)
        {
            throw new InvalidOperationException($"Silo '{Options.SiloName}' was already started.");
        }

        try
        {
            var assemblies = GrainCatalog.MigrationAssemblies().Concat(_extraAssemblies).Distinct().ToList();
            foreach (var target in _migrationTargets)
            {
                var applied = await MigrationRunner.ApplyAsync(target.Dialect, target.ConnectionString, assemblies, cancellationToken);
                foreach (var script in applied)
                {
                    Log.MigrationApplied(Logger, script.Version, script.Name, target.Dialect);
                }
            }
        }
        catch
        {
            _state = Stopped;
            throw;
        }

        using (ExecutionContext.SuppressFlow())
        {
            var sweep = TimeSpan.FromTicks(Math.Clamp(Options.CallTimeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));
            _sweeper = Time.CreateTimer(static s => ((SiloRuntime)s!).Sweep(), this, sweep, sweep);
            _collector = Time.CreateTimer(static s => ((SiloRuntime)s!).CollectIdle(), this, Options.CollectionQuantum, Options.CollectionQuantum);
        }

        // Calls are accepted only now that the schema exists.
        _state = Running;
        GrainRuntimeMetrics.SiloStarted(this);
        Reminders?.Start();
        Log.SiloStarted(Logger, Options.SiloName);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, Stopping, Running) != Running)
        {
            return;
        }

        Log.SiloStopping(Logger, Options.SiloName, _directory.Count);
        GrainRuntimeMetrics.SiloStopped(this);
        await _stopping.CancelAsync();
        if (Reminders is not null)
        {
            await Reminders.StopAsync();
        }

        _collector?.Dispose();
        try
        {
            // Activations created by grains calling each other while deactivating are refused, so this converges.
            while (!_directory.IsEmpty)
            {
                var all = _directory.Values.ToList();
                foreach (var activation in all)
                {
                    activation.RequestDeactivation(new DeactivationReason(DeactivationReasonCode.ShuttingDown, "The silo is stopping."));
                }

                await Task.WhenAll(all.Select(a => a.Finalized)).WaitAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            Log.ShutdownAbandoned(Logger, Options.SiloName, _directory.Count);
        }
        finally
        {
            _sweeper?.Dispose();
            _state = Stopped;
        }

        Log.SiloStopped(Logger, Options.SiloName);
    }

    public void Dispose()
    {
        GrainRuntimeMetrics.SiloStopped(this);
        _sweeper?.Dispose();
        _collector?.Dispose();
        Reminders?.Dispose();
        _stopping.Dispose();
    }

    /// <summary>Sends a call from a grain reference: cached activation first, directory otherwise.</summary>
    public void Send(Message message, GrainProxy proxy)
    {
        message.SentAt = Time.GetTimestamp();
        var activation = proxy.CachedActivation;
        if (activation is null || activation.IsRetired)
        {
            activation = GetOrCreateActivation(proxy.GrainClass, proxy.GrainId, message);
            if (activation is null)
            {
                return;
            }

            proxy.CachedActivation = activation;
        }

        message.Target = activation;
        if (message.Caller is not null && FindCycle(message, activation) is { } chain)
        {
            activation.Fail(message, new DeadlockException(chain));
            return;
        }

        if (!activation.TryEnqueue(message))
        {
            RedispatchAfter(activation, message);
        }
    }

    /// <summary>Sends a message again after its activation went away (to the grain's next activation).</summary>
    public void Redispatch(Message message)
    {
        var previous = message.Target!;
        var activation = GetOrCreateActivation(previous.GrainClass, previous.GrainId, message);
        if (activation is null)
        {
            return;
        }

        message.Target = activation;
        if (!activation.TryEnqueue(message))
        {
            RedispatchAfter(activation, message);
        }
    }

    /// <summary>Delivers a reminder tick to the grain (activating it) and completes when the tick's turn ends.</summary>
    public Task DeliverReminder(GrainClass grainClass, string key, string reminderName, TickStatus status)
    {
        var message = new ReminderTickMessage(reminderName, status) { SentAt = Time.GetTimestamp() };
        var activation = GetOrCreateActivation(grainClass, new GrainId(grainClass.Name, key), message);
        if (activation is not null)
        {
            message.Target = activation;
            if (!activation.TryEnqueue(message))
            {
                RedispatchAfter(activation, message);
            }
        }

        return message.Answer;
    }

    public void RemoveActivation(Activation activation)
    {
        if (_directory.TryRemove(new KeyValuePair<GrainId, Activation>(activation.GrainId, activation)))
        {
            activation.Statistics.ActivationRemoved();
        }
    }

    public TimeoutException CreateTimeoutException(Message message, Activation activation)
    {
        var chain = string.Join(" -> ", DescribeChain(message.Caller).Append($"{activation.GrainId}.{message.Describe()}"));
        return new TimeoutException($"Call {activation.GrainId}.{message.Describe()} did not complete within {Options.CallTimeout} (silo '{Options.SiloName}'); call chain: {chain}.");
    }

    public IGrainStorage GetStorage(string storageName, GrainClass grainClass, string stateName) =>
        Microsoft.Extensions.DependencyInjection.ServiceProviderKeyedServiceExtensions.GetKeyedService<IGrainStorage>(Services, storageName)
        ?? throw new InvalidOperationException(
            $"No grain storage named '{storageName}' is configured (grain {grainClass.Type.FullName}, state '{stateName}'); add it with AddMemoryGrainStorage, AddSqliteGrainStorage or AddPostgresGrainStorage.");

    public GrainTypeStatistics StatisticsFor(GrainClass grainClass) =>
        _statistics.GetOrAdd(grainClass, static (c, time) => new GrainTypeStatistics(c.Name, time.TimestampFrequency), Time);

    public SiloSnapshot GetSnapshot()
    {
        var depth = new Dictionary<GrainClass, int>();
        foreach (var activation in _directory.Values)
        {
            depth[activation.GrainClass] = depth.GetValueOrDefault(activation.GrainClass) + activation.QueueLength;
        }

        var types = _statistics
            .Select(pair => pair.Value.Snapshot(depth.GetValueOrDefault(pair.Key)))
            .OrderBy(t => t.GrainType, StringComparer.Ordinal)
            .ToList();
        return new SiloSnapshot(Options.SiloName, Time.GetUtcNow(), _directory.Count, types, Reminders?.Snapshot());
    }

    /// <summary>The per-type statistics (for metrics collection).</summary>
    internal ICollection<GrainTypeStatistics> TypeStatistics => _statistics.Values;

    /// <summary>The activations currently in the directory (for tests and diagnostics).</summary>
    internal ICollection<Activation> Activations => _directory.Values;

    internal long ToTimestampUnits(TimeSpan span) => (long)(span.TotalSeconds * Time.TimestampFrequency);

    private Activation? GetOrCreateActivation(GrainClass grainClass, GrainId grainId, Message message)
    {
        if (_directory.TryGetValue(grainId, out var existing))
        {
            return existing;
        }

        if (_state != Running)
        {
            var reason = _state is Created or Starting ? "has not started" : "is stopping";
            message.TryFail(new SiloUnavailableException($"Silo '{Options.SiloName}' {reason}; cannot activate {grainId} for {message.Describe()}."));
            return null;
        }

        var statistics = StatisticsFor(grainClass);
        var created = new Activation(this, grainClass, grainId, statistics);
        var winner = _directory.GetOrAdd(grainId, created);
        if (ReferenceEquals(winner, created))
        {
            statistics.ActivationCreated();
        }

        return winner;
    }

    private void RedispatchAfter(Activation retired, Message message) =>
        retired.Finalized.ContinueWith(
            static (_, state) =>
            {
                var (runtime, message) = ((SiloRuntime, Message))state!;
                runtime.Redispatch(message);
            },
            (this, message),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    /// <summary>
    /// Walks the caller chain: if the target activation is already running a turn in this chain that the new call cannot
    /// interleave with, the call would wait for itself, so it fails now naming the chain.
    /// </summary>
    private static List<string>? FindCycle(Message message, Activation target)
    {
        for (var caller = message.Caller; caller is not null; caller = caller.Caller)
        {
            if (ReferenceEquals(caller.Target, target) && caller.IsRunning && !Activation.MayInterleave(caller.Kind, message.Kind))
            {
                var chain = DescribeChain(message.Caller).ToList();
                chain.Add($"{target.GrainId}.{message.Describe()}");
                return chain;
            }
        }

        return null;
    }

    private static List<string> DescribeChain(Message? innermost)
    {
        var chain = new List<string>();
        for (var caller = innermost; caller is not null; caller = caller.Caller)
        {
            chain.Add($"{caller.Target?.GrainId}.{caller.Describe()}");
        }

        chain.Reverse();
        return chain;
    }

    private void Sweep()
    {
        var now = Time.GetTimestamp();
        var callTimeout = ToTimestampUnits(Options.CallTimeout);
        var deactivationTimeout = ToTimestampUnits(Options.DeactivationTimeout);
        foreach (var activation in _directory.Values)
        {
            activation.ExpireOverdue(now, callTimeout, deactivationTimeout);
        }
    }

    private void CollectIdle()
    {
        if (_state != Running)
        {
            return;
        }

        var now = Time.GetTimestamp();
        var age = ToTimestampUnits(Options.CollectionAge);
        var collected = 0;
        foreach (var activation in _directory.Values)
        {
            if (activation.CollectIfIdle(now, age))
            {
                collected++;
            }
        }

        if (collected > 0)
        {
            Log.IdleCollected(Logger, collected, Options.SiloName);
        }
    }
}

/// <summary>A database whose schema the silo migrates at start-up.</summary>
internal sealed record MigrationTarget(SqlDialect Dialect, string ConnectionString);

/// <summary>An assembly added explicitly to grain discovery and migration scripts.</summary>
internal sealed record GrainAssembly(System.Reflection.Assembly Assembly);
