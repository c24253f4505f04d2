using System.Numerics;

namespace WalletGrains.Runtime;

/// <summary>
/// Call counters and a latency histogram for one grain type, striped by processor so the hot path never contends
/// on one cache line across cores.
/// </summary>
internal sealed class GrainTypeStatistics
{
    /// <summary>Values below 16 µs get exact buckets; above, 8 sub-buckets per power of two (at most 12.5 % wide).</summary>
    private const int ExactBuckets = 16;
    private const int SubBucketBits = 3;
    private const int BucketCount = ExactBuckets + ((64 - 4) << SubBucketBits);

    private readonly Stripe[] _stripes;
    private readonly int _mask;
    private readonly double _microsecondsPerUnit;
    private readonly KeyValuePair<string, object?> _typeTag;
    private int _activations;

    public GrainTypeStatistics(string grainType, long timestampFrequency)
    {
        GrainType = grainType;
        _typeTag = new KeyValuePair<string, object?>(GrainRuntimeMetrics.TypeTag, grainType);
        _microsecondsPerUnit = 1_000_000.0 / timestampFrequency;
        var count = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, Environment.ProcessorCount));
        _stripes = new Stripe[count];
        for (var i = 0; i < count; i++)
        {
            _stripes[i] = new Stripe();
        }

        _mask = count - 1;
    }

    public string GrainType { get; }

    public void ActivationCreated() => Interlocked.Increment(ref _activations);

    public void ActivationRemoved() => Interlocked.Decrement(ref _activations);

    public void RecordCall(long elapsedTimestampUnits, bool failed)
    {
        var micros = Math.Max(0L, (long)(elapsedTimestampUnits * _microsecondsPerUnit));
        var stripe = _stripes[Thread.GetCurrentProcessorId() & _mask];
        Interlocked.Increment(ref stripe.Calls);
        if (failed)
        {
            Interlocked.Increment(ref stripe.Failures);
        }

        Interlocked.Add(ref stripe.TotalMicroseconds, micros);
        Interlocked.Increment(ref stripe.Histogram[BucketOf(micros)]);

        // One record per call; the instrument checks for listeners first, so it is nearly free without one.
        GrainRuntimeMetrics.CallDuration.Record(micros / 1_000_000.0, _typeTag);
    }

    /// <summary>Cumulative counters only (no percentile), for metrics collection.</summary>
    public GrainTypeTotals Totals()
    {
        long calls = 0, failures = 0;
        foreach (var stripe in _stripes)
        {
            calls += Volatile.Read(ref stripe.Calls);
            failures += Volatile.Read(ref stripe.Failures);
        }

        return new GrainTypeTotals(calls, failures, Volatile.Read(ref _activations));
    }

    public GrainTypeSnapshot Snapshot(int mailboxDepth)
    {
        long calls = 0, failures = 0, total = 0;
        var histogram = new long[BucketCount];
        foreach (var stripe in _stripes)
        {
            calls += Volatile.Read(ref stripe.Calls);
            failures += Volatile.Read(ref stripe.Failures);
            total += Volatile.Read(ref stripe.TotalMicroseconds);
            for (var i = 0; i < BucketCount; i++)
            {
                histogram[i] += Volatile.Read(ref stripe.Histogram[i]);
            }
        }

        var mean = calls == 0 ? TimeSpan.Zero : TimeSpan.FromMicroseconds((double)total / calls);
        return new GrainTypeSnapshot(GrainType, Volatile.Read(ref _activations), calls, failures, mean, Percentile(histogram, 0.99), mailboxDepth);
    }

    internal static int BucketOf(long micros)
    {
        if (micros < ExactBuckets)
        {
            return (int)micros;
        }

        var msb = 63 - BitOperations.LeadingZeroCount((ulong)micros);
        var sub = (int)(micros >> (msb - SubBucketBits)) & ((1 << SubBucketBits) - 1);
        return ExactBuckets + ((msb - 4) << SubBucketBits) + sub;
    }

    /// <summary>The largest value that falls into a bucket.</summary>
    internal static long UpperBoundOf(int bucket)
    {
        if (bucket < ExactBuckets)
        {
            return bucket;
        }

        var msb = ((bucket - ExactBuckets) >> SubBucketBits) + 4;
        var sub = (bucket - ExactBuckets) & ((1 << SubBucketBits) - 1);
        var width = 1L << (msb - SubBucketBits);
        return ((1L << msb) + ((sub + 1) * width)) - 1;
    }

    private static TimeSpan Percentile(long[] histogram, double quantile)
    {
        long total = 0;
        foreach (var count in histogram)
        {
            total += count;
        }

        if (total == 0)
        {
            return TimeSpan.Zero;
        }

        var rank = (long)Math.Ceiling(total * quantile);
        long seen = 0;
        for (var i = 0; i < histogram.Length; i++)
        {
            seen += histogram[i];
            if (seen >= rank)
            {
                return TimeSpan.FromMicroseconds(UpperBoundOf(i));
            }
        }

        return TimeSpan.FromMicroseconds(UpperBoundOf(histogram.Length - 1));
    }

    private sealed class Stripe
    {
        public readonly long[] Histogram = new long[BucketCount];
        public long Calls;
        public long Failures;
        public long TotalMicroseconds;
    }
}

/// <summary>Cumulative call counters and live activations of one grain type.</summary>
internal readonly record struct GrainTypeTotals(long Calls, long Failures, long Activations);
