using System.Diagnostics.Metrics;

namespace NbaSim.Observability.Meters;

/// <summary>
/// Reads one observable instrument through a <see cref="MeterListener"/> of its own, so its callback is called alone:
/// a callback that blocks holds only this instrument. While a read is still running no second one starts, which also
/// keeps a cumulative total's increase counted once.
/// </summary>
internal sealed class ObservableReader : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Action<Exception> _failed;
    private readonly object _gate = new();
    private Task? _running;

    public ObservableReader(Instrument instrument, InstrumentBinding binding, string ns, Action<Exception> failed, Action<ObservableReader, InstrumentBinding> completed)
    {
        Namespace = ns;
        Name = instrument.Name;
        _failed = failed;
        MeterBridge.SetCallbacks(_listener);

        // The meter was disposed: nothing more to read (the listener was never started, so it holds nothing global).
        _listener.MeasurementsCompleted = (_, _) => completed(this, binding);
        _listener.EnableMeasurementEvents(instrument, binding);
    }

    public string Namespace { get; }

    public string Name { get; }

    /// <summary>Starts a read on the thread pool; null while the previous one is still running.</summary>
    public Task? TryStart()
    {
        lock (_gate)
        {
            if (_running is { IsCompleted: false })
            {
                return null;
            }

            return _running = Task.Run(Read);
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Read()
    {
        try
        {
            _listener.RecordObservableInstruments();
        }
        catch (Exception ex)
        {
            // Other people's code threw: this instrument's value is missing for this period only.
            _failed(ex);
        }
    }
}
