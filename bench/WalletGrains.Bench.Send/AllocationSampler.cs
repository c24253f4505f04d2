using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace WalletGrains.Bench.Send;

/// <summary>
/// Which types this process allocates, from the runtime's allocation ticks (one event about every 100 KB allocated,
/// naming the type of the object that crossed the mark): sampled bytes per type, so the largest allocators of a run
/// stand out. Opt-in (<c>--allocations</c>): the events cost a little.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private const int AllocationTickEventId = 10;

    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private volatile bool _recording;

    /// <summary>Starts counting from zero.</summary>
    public void Start()
    {
        _bytes.Clear();
        _recording = true;
    }

    /// <summary>The <paramref name="top"/> types by sampled bytes, as one line, and stops counting.</summary>
    public string Stop(int top = 25)
    {
        _recording = false;
        var total = _bytes.Values.Sum();
        if (total == 0)
        {
            return "allocation ticks: none seen";
        }

        return "allocation ticks by type (share of sampled bytes): " + string.Join(", ", _bytes
            .OrderByDescending(p => p.Value)
            .Take(top)
            .Select(p => $"{p.Key} {100.0 * p.Value / total:0.0}%"));
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == RuntimeSource)
        {
            EnableEvents(source, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_recording || e.EventId != AllocationTickEventId || e.PayloadNames is null)
        {
            return;
        }

        var typeIndex = e.PayloadNames.IndexOf("TypeName");
        var amountIndex = e.PayloadNames.IndexOf("AllocationAmount64");
        if (typeIndex < 0 || e.Payload![typeIndex] is not string type)
        {
            return;
        }

        var amount = amountIndex >= 0 && e.Payload[amountIndex] is ulong big ? (long)big : 100_000;
        _bytes.AddOrUpdate(type, amount, (_, sum) => sum + amount);
    }
}
