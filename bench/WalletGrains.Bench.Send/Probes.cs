using System.Collections.Concurrent;
using System.Diagnostics;

namespace WalletGrains.Bench.Send;

/// <summary>
/// Stopwatch timings of named steps inside the silo (store calls, signing, chain RPC, the send
/// gateway), collected by the harness's decorators; reset before each scenario.
/// </summary>
internal sealed class Probes
{
    private readonly ConcurrentDictionary<string, Probe> _probes = new(StringComparer.Ordinal);
    private long _origin = Stopwatch.GetTimestamp();

    public Probe this[string name] => _probes.GetOrAdd(name, static _ => new Probe());

    /// <summary>Starts a timing; dispose the result (or call <see cref="Timing.Stop"/>) to record it.</summary>
    public Timing Start(string name, long items = 1) => new(this[name], items);

    public void Reset()
    {
        _origin = Stopwatch.GetTimestamp();
        foreach (var probe in _probes.Values)
        {
            probe.Reset();
        }
    }

    /// <summary>Every recorded step since the last reset: name, start and length in ms from the reset, items.</summary>
    public IEnumerable<(string Name, double StartMs, double Ms, long Items)> Timeline() =>
        _probes.SelectMany(p => p.Value.Steps().Select(s => (p.Key, Stopwatch.GetElapsedTime(_origin, s.Start).TotalMilliseconds, s.Ms, s.Items)))
            .OrderBy(s => s.Item2);

    /// <summary>Every probe that recorded something since the last reset, by name.</summary>
    public IReadOnlyList<(string Name, ProbeSummary Summary)> Summaries() =>
        [.. _probes.Select(p => (p.Key, p.Value.Summarize())).Where(p => p.Item2.Count > 0).OrderBy(p => p.Key, StringComparer.Ordinal)];

    /// <summary>One running timing.</summary>
    internal readonly struct Timing(Probe probe, long items) : IDisposable
    {
        private readonly long _start = Stopwatch.GetTimestamp();

        public void Stop() => probe.Record(_start, Stopwatch.GetElapsedTime(_start), items);

        public void Dispose() => Stop();
    }
}

/// <summary>Durations of one named step.</summary>
internal sealed class Probe
{
    /// <summary>Room for a scenario's records from the start: lists that grow during a run copy their arrays, and the copies were the run's own garbage.</summary>
    private const int Capacity = 1 << 14;

    private readonly Lock _lock = new();
    private readonly List<double> _milliseconds = new(Capacity);
    private readonly List<(long Start, double Ms, long Items)> _steps = new(Capacity);
    private long _items;

    public void Record(TimeSpan elapsed, long items = 1) => Record(Stopwatch.GetTimestamp() - elapsed.Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond, elapsed, items);

    public void Record(long start, TimeSpan elapsed, long items)
    {
        lock (_lock)
        {
            _milliseconds.Add(elapsed.TotalMilliseconds);
            _steps.Add((start, elapsed.TotalMilliseconds, items));
            _items += items;
        }
    }

    public List<(long Start, double Ms, long Items)> Steps()
    {
        lock (_lock)
        {
            return [.. _steps];
        }
    }

    public void Reset()
    {
        lock (_lock)
        {
            _milliseconds.Clear();
            _steps.Clear();
            _items = 0;
        }
    }

    public ProbeSummary Summarize()
    {
        double[] samples;
        long items;
        lock (_lock)
        {
            samples = [.. _milliseconds];
            items = _items;
        }

        if (samples.Length == 0)
        {
            return new ProbeSummary(0, 0, 0, 0, 0, 0);
        }

        Array.Sort(samples);
        return new ProbeSummary(samples.Length, items, samples.Sum(), samples.Average(), Percentiles.Of(samples, 0.99), samples[^1]);
    }
}

/// <summary>Count, items (e.g. rows or sends carried), total, mean, p99 and max milliseconds of one probe.</summary>
internal sealed record ProbeSummary(int Count, long Items, double TotalMs, double MeanMs, double P99Ms, double MaxMs);

/// <summary>Nearest-rank percentiles of sorted samples.</summary>
internal static class Percentiles
{
    public static double Of(double[] sorted, double fraction) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];
}
