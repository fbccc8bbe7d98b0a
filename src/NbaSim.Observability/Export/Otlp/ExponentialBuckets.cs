namespace NbaSim.Observability.Export.Otlp;

/// <summary>
/// One sign's buckets of a cumulative base-2 exponential histogram: a dense window of counts from
/// <see cref="Offset"/>, grown as values arrive. When the window would pass <see cref="MaxBuckets"/>, the owner lowers
/// the scale (<see cref="Downscale"/>: neighbouring buckets merge), as the OTLP data model allows, so a point stays
/// bounded however wide the range of values is.
/// </summary>
internal sealed class ExponentialBuckets
{
    /// <summary>
    /// Most buckets kept per sign: 32 powers of two at scale 7 (a microsecond to an hour of durations), a few KB per
    /// point at most. A wider series lowers its scale instead.
    /// </summary>
    public const int MaxBuckets = 4096;

    private long[] _counts = new long[16];
    private int _start; // index into _counts of bucket Offset

    /// <summary>Bucket index of the first count.</summary>
    public int Offset { get; private set; }

    /// <summary>Buckets in the window (first and last are non-zero once anything was added).</summary>
    public int Length { get; private set; }

    public long this[int i] => _counts[_start + i];

    /// <summary>The counts of the window, first to last.</summary>
    public ReadOnlySpan<long> Counts => _counts.AsSpan(_start, Length);

    /// <summary>Bytes of the counts as packed varints, kept up to date by every change (the writer's size pass reads it).</summary>
    public int PackedSize { get; private set; }

    /// <summary>Whether <paramref name="index"/> fits the window without passing <see cref="MaxBuckets"/>.</summary>
    public bool Fits(int index)
        => Length == 0 || ((long)Math.Max(index, Offset + Length - 1) - Math.Min(index, Offset) + 1) <= MaxBuckets;

    /// <summary>Adds <paramref name="count"/> to bucket <paramref name="index"/> (which <see cref="Fits"/>).</summary>
    public void Add(int index, long count)
    {
        if (Length == 0)
        {
            Offset = index;
            Length = 1;
            _start = _counts.Length / 2;
            _counts[_start] = count;
            PackedSize = Aws.Otlp.ProtobufWriter.SizeOfVarint((ulong)count);
            return;
        }

        if (index < Offset)
        {
            var grow = Offset - index;
            if (_start < grow)
            {
                Resize(grow, 0);
            }

            _start -= grow;
            Offset = index;
            Length += grow;
            PackedSize += grow; // new empty buckets: one byte each
        }
        else if (index >= Offset + Length)
        {
            var grow = index - (Offset + Length) + 1;
            if (_start + Length + grow > _counts.Length)
            {
                Resize(0, grow);
            }

            Length += grow;
            PackedSize += grow;
        }

        ref var slot = ref _counts[_start + (index - Offset)];
        var before = Aws.Otlp.ProtobufWriter.SizeOfVarint((ulong)slot);
        slot += count;
        PackedSize += Aws.Otlp.ProtobufWriter.SizeOfVarint((ulong)slot) - before;
    }

    /// <summary>Takes back <paramref name="count"/> added to bucket <paramref name="index"/> (an export rolled back); the window stays.</summary>
    public void Subtract(int index, long count)
    {
        if (Length == 0 || index < Offset || index >= Offset + Length)
        {
            return;
        }

        ref var slot = ref _counts[_start + (index - Offset)];
        var before = Aws.Otlp.ProtobufWriter.SizeOfVarint((ulong)slot);
        slot = Math.Max(0, slot - count);
        PackedSize += Aws.Otlp.ProtobufWriter.SizeOfVarint((ulong)slot) - before;
    }

    /// <summary>Merges pairs of buckets: the same counts at scale − 1.</summary>
    public void Downscale()
    {
        if (Length == 0)
        {
            return;
        }

        var newOffset = Offset >> 1;
        var newLast = (Offset + Length - 1) >> 1;
        var merged = new long[Math.Max(16, (newLast - newOffset + 1) * 2)];
        var start = merged.Length / 4;
        for (var i = 0; i < Length; i++)
        {
            merged[start + ((Offset + i) >> 1) - newOffset] += _counts[_start + i];
        }

        _counts = merged;
        _start = start;
        Offset = newOffset;
        Length = newLast - newOffset + 1;
        PackedSize = 0;
        foreach (var c in Counts)
        {
            PackedSize += Aws.Otlp.ProtobufWriter.SizeOfVarint((ulong)c);
        }
    }

    private void Resize(int before, int after)
    {
        // Room on both sides, so a window that grows one bucket at a time is copied O(log n) times.
        var bigger = new long[Math.Max(_counts.Length * 2, Length + before + after + 16)];
        var start = before > 0 ? bigger.Length - Length - Math.Max(after, (bigger.Length - Length) / 2) : (bigger.Length - Length - after) / 2;
        start = Math.Clamp(start, before, bigger.Length - Length - after);
        Array.Copy(_counts, _start, bigger, start, Length);
        _counts = bigger;
        _start = start;
    }
}
