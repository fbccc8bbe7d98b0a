using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

using NbaSim.Observability.Export.Emf;

namespace NbaSim.Observability;

/// <summary>
/// The embedded default exporter: writes each batch as Embedded Metric Format lines to standard output, a file,
/// or the CloudWatch agent (TCP/UDP 25888). Needs no AWS account.
/// </summary>
public sealed class EmfExporter : IMetricExporter, IAsyncDisposable
{
    private readonly EmfDestination _destination;
    private readonly EmfFormat _format;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    /// <summary>Creates the exporter from the <c>NbaObservability:Emf</c> settings.</summary>
    public EmfExporter(IOptions<NbaObservabilityOptions> options, ILogger<EmfExporter>? logger = null)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value.Emf, logger)
    {
    }

    /// <summary>Creates the exporter.</summary>
    public EmfExporter(EmfExporterOptions options, ILogger<EmfExporter>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (NbaObservabilityOptionsValidator.CheckAgentEndpoint(options.AgentEndpoint) is { } problem)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(NbaObservabilityOptions), [problem]);
        }

        _destination = EmfDestination.Create(options);
        _format = options.Format;
        _logger = logger ?? NullLogger<EmfExporter>.Instance;
    }

    /// <summary>Creates the exporter over a destination of the caller's (tests: a destination that fails on cue).</summary>
    internal EmfExporter(EmfDestination destination, EmfFormat format = EmfFormat.Exact, ILogger<EmfExporter>? logger = null)
    {
        _destination = destination ?? throw new ArgumentNullException(nameof(destination));
        _format = format;
        _logger = logger ?? NullLogger<EmfExporter>.Instance;
    }

    /// <summary>Where lines go: <c>stdout</c>, a file path, or the agent's URL.</summary>
    public string Destination => _destination.Description;

    /// <inheritdoc />
    public int EstimateSize(MetricDatum datum) => MetricBatchSizer.EstimateQueryBytes(datum);

    /// <summary>True: a rollup is a second dimension set of the same EMF record, so CloudWatch aggregates it itself.</summary>
    public bool PublishesRollupsAsDimensionSets => true;

    /// <inheritdoc />
    public async Task<ExportResult> ExportAsync(IReadOnlyList<MetricDatum> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return default;
        }

        // What EMF cannot carry although PutMetricData can (a dimension name of 251-255 characters) is refused here,
        // logged and counted as dropped: written, CloudWatch would store the line and extract nothing.
        var refused = new List<(MetricDatum Datum, string Reason)>();
        var writable = Writable(batch, refused);
        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, writable.Count * 256));
        var lineStarts = new List<int>();
        var lineDatums = new List<MetricDatum[]>();
        var linePieces = new List<(MetricDatum Original, MetricDatum Piece)[]>();
        EmfSerializer.Write(writable, buffer, lineStarts, lineDatums, _destination.MaxDocumentBytes, _format, refused, linePieces);
        foreach (var (datum, reason) in refused)
        {
            Internal.Log.EmfDatumRefused(_logger, datum.ToString(), reason);
        }

        if (lineStarts.Count == 0)
        {
            return new ExportResult(0, 0, refused.Count);
        }

        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<int> poisoned;
        try
        {
            poisoned = await _destination.WriteAsync(buffer.WrittenMemory, lineStarts, cancellationToken).ConfigureAwait(false);
        }
        catch (EmfWriteException partial)
        {
            Internal.Log.EmfWriteFailed(_logger, partial.InnerException!.GetType().Name, partial.InnerException.Message);
            var rejected = Rejected(partial.Poisoned, lineDatums) + refused.Count;
            if (partial.Delivered == 0 && rejected == 0)
            {
                throw;
            }

            // Documents handed over are not sent again; the sink keeps the datums of the others.
            var undelivered = Undelivered(linePieces, partial.Delivered, partial.Poisoned);
            return ExportResult.Partial(new ExportResult(1, lineStarts.Count > partial.Delivered ? lineStarts[partial.Delivered] : buffer.WrittenCount, rejected), undelivered, partial.InnerException!);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            Internal.Log.EmfWriteFailed(_logger, ex.GetType().Name, ex.Message);
            throw;
        }
        finally
        {
            _writeGate.Release();
        }

        // One batch is what one PutMetricData call would carry, whatever the number of EMF documents.
        return new ExportResult(1, buffer.WrittenCount, Rejected(poisoned, lineDatums) + refused.Count);
    }

    /// <summary>
    /// What the documents from <paramref name="delivered"/> on (poisoned ones aside) carried: a datum none of whose
    /// documents was handed over goes back whole; of a datum split over documents some of which were handed over, only
    /// the unsent pieces go back, as datums of their own, so no sample is written twice.
    /// </summary>
    private static List<MetricDatum> Undelivered(List<(MetricDatum Original, MetricDatum Piece)[]> linePieces, int delivered, IReadOnlyList<int> poisoned)
    {
        var handled = new HashSet<MetricDatum>(ReferenceEqualityComparer.Instance);
        for (var line = 0; line < linePieces.Count; line++)
        {
            if (line < delivered || poisoned.Contains(line))
            {
                foreach (var (original, _) in linePieces[line])
                {
                    handled.Add(original);
                }
            }
        }

        var undelivered = new List<MetricDatum>();
        var whole = new HashSet<MetricDatum>(ReferenceEqualityComparer.Instance);
        for (var line = delivered; line < linePieces.Count; line++)
        {
            if (poisoned.Contains(line))
            {
                continue;
            }

            foreach (var (original, piece) in linePieces[line])
            {
                if (!handled.Contains(original))
                {
                    if (whole.Add(original))
                    {
                        undelivered.Add(original);
                    }
                }
                else if (!ReferenceEquals(original, piece))
                {
                    undelivered.Add(piece);
                }
            }
        }

        return undelivered;
    }

    private static IReadOnlyList<MetricDatum> Writable(IReadOnlyList<MetricDatum> batch, List<(MetricDatum Datum, string Reason)> refused)
    {
        List<MetricDatum>? writable = null;
        for (var i = 0; i < batch.Count; i++)
        {
            try
            {
                MetricValidator.ValidateForEmf(batch[i].Dimensions);
                MetricValidator.ValidateDistinctNames(batch[i].MetricName, batch[i].Dimensions);
                writable?.Add(batch[i]);
            }
            catch (MetricValidationException ex)
            {
                writable ??= [.. batch.Take(i)];
                refused.Add((batch[i], ex.Message));
            }
        }

        return writable ?? batch;
    }

    /// <summary>Datums of documents that can never be sent (logged, then counted as dropped by the sink).</summary>
    private int Rejected(IReadOnlyList<int> poisoned, List<MetricDatum[]> lineDatums)
    {
        if (poisoned.Count == 0)
        {
            return 0;
        }

        var datums = poisoned.SelectMany(i => lineDatums[i]).Distinct().ToList();
        foreach (var line in poisoned)
        {
            Internal.Log.EmfDocumentRejected(_logger, _destination.Description, lineDatums[line].Length);
        }

        return datums.Count;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _destination.DisposeAsync().ConfigureAwait(false);
        _writeGate.Dispose();
    }
}
