using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace WalletGrains.Api.Operations;

/// <summary>
/// A small Prometheus exporter for System.Diagnostics.Metrics: a <see cref="MeterListener"/> on the named meters
/// aggregates each instrument per tag set (counters as sums, up-down counters and gauges as current values,
/// histograms as cumulative buckets) and <see cref="Collect"/> renders text exposition format 0.0.4.
/// </summary>
/// <remarks>
/// With a <c>scope</c> (the host's <see cref="IMeterFactory"/>) only meters of that factory or meters without a
/// scope (static meters such as the runtime's) are exported, so several hosts in one process (tests) do not
/// see each other's instruments. Series of observable instruments are those reported by the latest collection;
/// series of the others live as long as the exporter.
/// </remarks>
public sealed class PrometheusExporter : IDisposable
{
    /// <summary>The response content type of the text format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Histogram bucket upper bounds (seconds) for instruments that do not advise their own.</summary>
    public static readonly IReadOnlyList<double> DefaultBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly HashSet<string> _meterNames;
    private readonly object? _scope;
    private readonly double[] _buckets;
    private readonly ConcurrentDictionary<Instrument, InstrumentAggregate> _instruments = new();
    private readonly Lock _collectLock = new();
    private readonly MeterListener _listener;

    /// <summary>Starts listening to the meters named <paramref name="meterNames"/>.</summary>
    /// <param name="meterNames">Meter names to export (exact match).</param>
    /// <param name="scope">When set, meters with another non-null scope are ignored.</param>
    /// <param name="buckets">Histogram bounds (ascending, finite); <see cref="DefaultBuckets"/> when null.</param>
    public PrometheusExporter(IEnumerable<string> meterNames, IMeterFactory? scope = null, IReadOnlyList<double>? buckets = null)
    {
        ArgumentNullException.ThrowIfNull(meterNames);
        _meterNames = new HashSet<string>(meterNames, StringComparer.Ordinal);
        _scope = scope;
        _buckets = CheckBuckets(buckets ?? DefaultBuckets);
        _listener = new MeterListener
        {
            InstrumentPublished = OnInstrumentPublished,
            MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out InstrumentAggregate? _),
        };
        _listener.SetMeasurementEventCallback<byte>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Record((double)value, tags));
        _listener.Start();
    }

    /// <summary>Observes the observable instruments and renders every family.</summary>
    public string Collect()
    {
        lock (_collectLock)
        {
            foreach (var aggregate in _instruments.Values)
            {
                if (aggregate.IsObservable)
                {
                    aggregate.Clear();
                }
            }

            _listener.RecordObservableInstruments();
            return Render();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();

    private static double[] CheckBuckets(IReadOnlyList<double> buckets)
    {
        for (var i = 0; i < buckets.Count; i++)
        {
            if (!double.IsFinite(buckets[i]) || (i > 0 && buckets[i] <= buckets[i - 1]))
            {
                throw new ArgumentException($"Histogram buckets must be finite and strictly ascending; got [{string.Join(", ", buckets)}].", nameof(buckets));
            }
        }

        return [.. buckets];
    }

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        var meter = instrument.Meter;
        if (!_meterNames.Contains(meter.Name) || (_scope is not null && meter.Scope is not null && !ReferenceEquals(meter.Scope, _scope)))
        {
            return;
        }

        if (InstrumentAggregate.TryCreate(instrument, _buckets) is { } aggregate)
        {
            _instruments[instrument] = aggregate;
            listener.EnableMeasurementEvents(instrument, aggregate);
        }
    }

    private string Render()
    {
        var families = _instruments.Values
            .GroupBy(a => a.Family, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        var text = new StringBuilder(4096);
        foreach (var family in families)
        {
            var first = family.First();
            // Instruments of another kind that map to the same name cannot share a family; the first one wins.
            var members = family.Where(a => a.Kind == first.Kind && (a.Kind != MetricKind.Histogram || a.Bounds.SequenceEqual(first.Bounds))).ToList();
            text.Append("# HELP ").Append(family.Key).Append(' ');
            PrometheusText.AppendEscapedHelp(text, first.Help);
            text.Append('\n');
            text.Append("# TYPE ").Append(family.Key).Append(' ').Append(first.Kind switch
            {
                MetricKind.Counter => "counter",
                MetricKind.Gauge => "gauge",
                _ => "histogram",
            }).Append('\n');

            if (first.Kind == MetricKind.Histogram)
            {
                RenderHistogram(text, family.Key, first.Bounds, members);
            }
            else
            {
                RenderScalars(text, family.Key, members);
            }
        }

        return text.ToString();
    }

    private static void RenderScalars(StringBuilder text, string name, List<InstrumentAggregate> members)
    {
        var merged = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            foreach (var (tags, series) in member.Series)
            {
                var labels = tags.Render(null);
                merged[labels] = merged.GetValueOrDefault(labels) + series.Value;
            }
        }

        foreach (var (labels, value) in merged)
        {
            text.Append(name).Append(labels).Append(' ').Append(PrometheusText.Number(value)).Append('\n');
        }
    }

    private static void RenderHistogram(StringBuilder text, string name, double[] bounds, List<InstrumentAggregate> members)
    {
        var merged = new SortedDictionary<string, (TagSet Tags, HistogramSnapshot Snapshot)>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            foreach (var (tags, series) in member.Series)
            {
                var snapshot = series.SnapshotHistogram();
                var key = tags.Render(null);
                merged[key] = merged.TryGetValue(key, out var existing) ? (existing.Tags, existing.Snapshot.Add(snapshot)) : (tags, snapshot);
            }
        }

        foreach (var (labels, (tags, snapshot)) in merged)
        {
            long cumulative = 0;
            for (var i = 0; i < bounds.Length; i++)
            {
                cumulative += snapshot.Counts[i];
                text.Append(name).Append("_bucket").Append(tags.Render(PrometheusText.Number(bounds[i]))).Append(' ')
                    .Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }

            text.Append(name).Append("_bucket").Append(tags.Render("+Inf")).Append(' ').Append(snapshot.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
            text.Append(name).Append("_sum").Append(labels).Append(' ').Append(PrometheusText.Number(snapshot.Sum)).Append('\n');
            text.Append(name).Append("_count").Append(labels).Append(' ').Append(snapshot.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }
}

/// <summary>The Prometheus type an instrument is exported as.</summary>
internal enum MetricKind
{
    Counter,
    Gauge,
    Histogram,
}

/// <summary>How a measurement changes a series.</summary>
internal enum RecordMode
{
    /// <summary>Adds the delta (Counter, UpDownCounter).</summary>
    Add,

    /// <summary>Replaces the value (observable instruments report totals or current values; Gauge).</summary>
    Set,

    /// <summary>Counts the value into buckets (Histogram).</summary>
    Bucket,
}

/// <summary>One instrument's series, keyed by tag set.</summary>
internal sealed class InstrumentAggregate
{
    private readonly ConcurrentDictionary<TagSet, MetricSeries> _series = new(TagSetComparer.Instance);
    private readonly ConcurrentDictionary<TagSet, MetricSeries>.AlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>> _lookup;
    private readonly RecordMode _mode;
    private readonly bool _monotonic;

    private InstrumentAggregate(Instrument instrument, MetricKind kind, RecordMode mode, bool monotonic, double[] bounds)
    {
        Kind = kind;
        _mode = mode;
        _monotonic = monotonic;
        Bounds = bounds;
        IsObservable = instrument.IsObservable;
        Family = PrometheusText.FamilyName(instrument.Name, instrument.Unit, kind == MetricKind.Counter);
        Help = string.IsNullOrWhiteSpace(instrument.Description) ? instrument.Name : instrument.Description;
        _lookup = _series.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();
    }

    public MetricKind Kind { get; }

    public bool IsObservable { get; }

    public string Family { get; }

    public string Help { get; }

    public double[] Bounds { get; }

    public IEnumerable<KeyValuePair<TagSet, MetricSeries>> Series => _series;

    public static InstrumentAggregate? TryCreate(Instrument instrument, double[] defaultBuckets)
    {
        var type = instrument.GetType();
        if (!type.IsGenericType)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        if (definition == typeof(Counter<>))
        {
            return new InstrumentAggregate(instrument, MetricKind.Counter, RecordMode.Add, monotonic: true, []);
        }

        if (definition == typeof(ObservableCounter<>))
        {
            return new InstrumentAggregate(instrument, MetricKind.Counter, RecordMode.Set, monotonic: true, []);
        }

        if (definition == typeof(UpDownCounter<>))
        {
            return new InstrumentAggregate(instrument, MetricKind.Gauge, RecordMode.Add, monotonic: false, []);
        }

        if (definition == typeof(ObservableUpDownCounter<>) || definition == typeof(ObservableGauge<>) || definition == typeof(Gauge<>))
        {
            return new InstrumentAggregate(instrument, MetricKind.Gauge, RecordMode.Set, monotonic: false, []);
        }

        if (definition == typeof(Histogram<>))
        {
            return new InstrumentAggregate(instrument, MetricKind.Histogram, RecordMode.Bucket, monotonic: false, AdvisedBuckets(instrument) ?? defaultBuckets);
        }

        return null;
    }

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if ((_monotonic && _mode == RecordMode.Add && value < 0) || (_mode == RecordMode.Bucket && double.IsNaN(value)))
        {
            // A counter never goes down, and NaN belongs in no bucket.
            return;
        }

        if (!_lookup.TryGetValue(tags, out var series))
        {
            var created = new TagSet(tags);
            series = _series.GetOrAdd(created, static (_, bounds) => new MetricSeries(bounds.Length), Bounds);
        }

        switch (_mode)
        {
            case RecordMode.Add:
                series.Add(value);
                break;
            case RecordMode.Set:
                series.Set(value);
                break;
            default:
                series.Observe(value, Bounds);
                break;
        }
    }

    public void Clear() => _series.Clear();

    private static double[]? AdvisedBuckets(Instrument instrument) => instrument switch
    {
        Histogram<double> h when h.Advice?.HistogramBucketBoundaries is { Count: > 0 } b && IsAscending(b) => [.. b],
        _ => null,
    };

    private static bool IsAscending(IReadOnlyList<double> bounds)
    {
        for (var i = 0; i < bounds.Count; i++)
        {
            if (!double.IsFinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1]))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>The value of one series: a number, or bucket counts with sum and count.</summary>
internal sealed class MetricSeries
{
    private readonly long[] _counts;
    private readonly Lock _lock = new();
    private double _value;
    private double _sum;
    private long _count;

    public MetricSeries(int bounds)
    {
        _counts = bounds == 0 ? [] : new long[bounds + 1];
    }

    public double Value => Volatile.Read(ref _value);

    public void Add(double delta)
    {
        double seen, next;
        do
        {
            seen = Volatile.Read(ref _value);
            next = seen + delta;
        }
        while (Interlocked.CompareExchange(ref _value, next, seen) != seen);
    }

    public void Set(double value) => Volatile.Write(ref _value, value);

    /// <summary>Counts a value into the first bucket whose upper bound is at least the value (<c>le</c> is inclusive).</summary>
    public void Observe(double value, double[] bounds)
    {
        var index = Array.BinarySearch(bounds, value);
        if (index < 0)
        {
            index = ~index;
        }

        lock (_lock)
        {
            _counts[index]++;
            _sum += value;
            _count++;
        }
    }

    public HistogramSnapshot SnapshotHistogram()
    {
        lock (_lock)
        {
            return new HistogramSnapshot([.. _counts], _sum, _count);
        }
    }
}

/// <summary>Per-bucket (not cumulative) counts, the last one above every bound, with sum and count.</summary>
internal sealed record HistogramSnapshot(long[] Counts, double Sum, long Count)
{
    public HistogramSnapshot Add(HistogramSnapshot other)
    {
        var counts = new long[Counts.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = Counts[i] + other.Counts[i];
        }

        return new HistogramSnapshot(counts, Sum + other.Sum, Count + other.Count);
    }
}

/// <summary>
/// A measurement's tags, kept as given (for equality with later measurements) and as rendered labels (sanitised
/// names, text values, sorted by name, empty values left out).
/// </summary>
internal sealed class TagSet
{
    private readonly KeyValuePair<string, object?>[] _tags;
    private readonly (string Name, string Value)[] _labels;

    public TagSet(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        _tags = tags.ToArray();
        HashCode = TagSetComparer.Hash(tags);
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in _tags)
        {
            if (PrometheusText.LabelValue(value) is { } text)
            {
                // Two tags that sanitise to the same label name: the first (in name order) wins.
                labels.TryAdd(PrometheusText.LabelName(key), text);
            }
        }

        _labels = [.. labels.Select(p => (p.Key, p.Value))];
    }

    public int HashCode { get; }

    public ReadOnlySpan<KeyValuePair<string, object?>> Tags => _tags;

    /// <summary><c>{name="value",...}</c> with an optional trailing <c>le</c>, or empty without labels.</summary>
    public string Render(string? le)
    {
        if (_labels.Length == 0 && le is null)
        {
            return "";
        }

        var text = new StringBuilder("{");
        foreach (var (name, value) in _labels)
        {
            if (text.Length > 1)
            {
                text.Append(',');
            }

            text.Append(name).Append("=\"");
            PrometheusText.AppendEscapedLabelValue(text, value);
            text.Append('"');
        }

        if (le is not null)
        {
            text.Append(text.Length > 1 ? ",le=\"" : "le=\"").Append(le).Append('"');
        }

        return text.Append('}').ToString();
    }
}

/// <summary>
/// Compares tag sets as sets (order does not matter), and a stored tag set with a measurement's span so the hot
/// path finds its series without allocating.
/// </summary>
internal sealed class TagSetComparer : IEqualityComparer<TagSet>, IAlternateEqualityComparer<ReadOnlySpan<KeyValuePair<string, object?>>, TagSet>
{
    public static readonly TagSetComparer Instance = new();

    public static int Hash(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // Order-independent: a sum of per-tag hashes.
        var hash = tags.Length;
        foreach (var (key, value) in tags)
        {
            hash += System.HashCode.Combine(key, value);
        }

        return hash;
    }

    public bool Equals(TagSet? x, TagSet? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.HashCode == y.HashCode && SameTags(x.Tags, y.Tags));

    public int GetHashCode(TagSet obj) => obj.HashCode;

    public bool Equals(ReadOnlySpan<KeyValuePair<string, object?>> alternate, TagSet other) => SameTags(alternate, other.Tags);

    public int GetHashCode(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => Hash(alternate);

    public TagSet Create(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => new(alternate);

    private static bool SameTags(ReadOnlySpan<KeyValuePair<string, object?>> a, ReadOnlySpan<KeyValuePair<string, object?>> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            // Usually in the same order; otherwise look for the key.
            if (string.Equals(a[i].Key, b[i].Key, StringComparison.Ordinal))
            {
                if (!Equals(a[i].Value, b[i].Value))
                {
                    return false;
                }

                continue;
            }

            var found = false;
            foreach (var (key, value) in b)
            {
                if (string.Equals(key, a[i].Key, StringComparison.Ordinal))
                {
                    found = Equals(value, a[i].Value);
                    break;
                }
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }
}
