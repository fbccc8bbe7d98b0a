using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace NbaSim.Observability.Benchmarks;

/// <summary>
/// Which types the process allocates, from the runtime's own AllocationTick events (one event per ~100 KB allocated,
/// naming the type that crossed the mark): a sampled profile, good for shares, not for exact bytes.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new();
    private volatile bool _enabled;

    public void Start() => _enabled = true;

    /// <summary>The types with the largest sampled share, largest first.</summary>
    public IEnumerable<(string Type, long Bytes, double Share)> Top(int count)
    {
        var total = Math.Max(1, _bytes.Values.Sum());
        return _bytes.OrderByDescending(p => p.Value).Take(count).Select(p => (p.Key, p.Value, (double)p.Value / total));
    }

    public void Print(int count)
    {
        Console.WriteLine("  allocations by type (AllocationTick samples, ~100 KB each)");
        foreach (var (type, bytes, share) in Top(count))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {share,6:P1}  {bytes / 1048576.0,8:F1} MB  {type}"));
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_enabled || eventData.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.Payload is null)
        {
            return;
        }

        var names = eventData.PayloadNames!;
        var type = names.IndexOf("TypeName") is var t and >= 0 ? eventData.Payload[t] as string ?? "?" : "?";
        var kind = names.IndexOf("AllocationKind") is var k and >= 0 && Convert.ToInt32(eventData.Payload[k], CultureInfo.InvariantCulture) == 1 ? " (LOH)" : string.Empty;
        var amount = names.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(eventData.Payload[a], CultureInfo.InvariantCulture) : 100_000;
        _bytes.AddOrUpdate(type + kind, amount, (_, v) => v + amount);
    }
}
