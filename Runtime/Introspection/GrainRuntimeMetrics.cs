using System.Diagnostics.Metrics;

namespace WalletGrains.Runtime;

/// <summary>
/// The runtime's instruments on the meter <c>WalletGrains.Runtime</c>: <c>grain.call.duration</c> (a histogram
/// recorded once per call), and <c>grain.calls</c>, <c>grain.call.failures</c> and <c>grain.activations</c>
/// observed from the running silos' introspection counters when a listener collects, so the hot path pays for
/// one histogram record only (nothing at all while no listener is enabled).
/// </summary>
/// <remarks>
/// The meter is process-wide, like the runtime's grain catalog: several silos in one process (the test cluster)
/// report their counters summed per grain type.
/// </remarks>
public static class GrainRuntimeMetrics
{
    /// <summary>Name of the runtime's meter.</summary>
    public const string MeterName = "WalletGrains.Runtime";

    /// <summary>Tag naming the grain type (its interface-less class name, as in the introspection snapshot).</summary>
    public const string TypeTag = "type";

    private static readonly Lock SilosLock = new();
    private static readonly Meter Meter = new(MeterName);
    private static SiloRuntime[] s_silos = [];

    internal static readonly Histogram<double> CallDuration = CreateInstruments();

    internal static void SiloStarted(SiloRuntime silo)
    {
        lock (SilosLock)
        {
            s_silos = [.. s_silos, silo];
        }
    }

    internal static void SiloStopped(SiloRuntime silo)
    {
        lock (SilosLock)
        {
            s_silos = [.. s_silos.Where(s => !ReferenceEquals(s, silo))];
        }
    }

    private static Histogram<double> CreateInstruments()
    {
        Meter.CreateObservableCounter("grain.calls", ObserveCalls, "{call}", "Grain calls (including reminder ticks) answered, by grain type.");
        Meter.CreateObservableCounter("grain.call.failures", ObserveFailures, "{call}", "Grain calls that ended with an exception or timeout, by grain type.");
        Meter.CreateObservableGauge("grain.activations", ObserveActivations, "{activation}", "Live grain activations, by grain type.");
        return Meter.CreateHistogram<double>("grain.call.duration", "s", "Time from sending a grain call (or reminder tick) to its answer, by grain type.");
    }

    private static IEnumerable<Measurement<long>> ObserveCalls() => Sum(static t => t.Calls);

    private static IEnumerable<Measurement<long>> ObserveFailures() => Sum(static t => t.Failures);

    private static IEnumerable<Measurement<long>> ObserveActivations() => Sum(static t => t.Activations);

    private static List<Measurement<long>> Sum(Func<GrainTypeTotals, long> select)
    {
        var byType = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var silo in Volatile.Read(ref s_silos))
        {
            foreach (var statistics in silo.TypeStatistics)
            {
                var totals = statistics.Totals();
                byType[statistics.GrainType] = byType.GetValueOrDefault(statistics.GrainType) + select(totals);
            }
        }

        return [.. byType.Select(p => new Measurement<long>(p.Value, new KeyValuePair<string, object?>(TypeTag, p.Key)))];
    }
}
