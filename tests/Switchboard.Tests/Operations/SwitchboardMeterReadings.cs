using System.Diagnostics.Metrics;
using Switchboard.Operations;

namespace Switchboard.Tests.Operations;

/// <summary>
/// Collects the <c>Switchboard</c> meter's observable instruments as dotnet-counters would, for one meter factory only:
/// tests in parallel each have their own host, and each host its own factory.
/// </summary>
internal sealed class SwitchboardMeterReadings : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, long> _latest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Instrument> _instruments = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public SwitchboardMeterReadings(object meterScope)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == GatewayMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, meterScope))
            {
                lock (_gate)
                {
                    _instruments[instrument.Name] = instrument;
                }

                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (_gate)
            {
                _latest[instrument.Name] = value;
            }
        });
        _listener.Start();
    }

    /// <summary>Polls every instrument now and returns its value; absent when no such instrument was published.</summary>
    public long? Read(string instrumentName)
    {
        _listener.RecordObservableInstruments();
        lock (_gate)
        {
            return _latest.TryGetValue(instrumentName, out var value) ? value : null;
        }
    }

    public Instrument? Instrument(string instrumentName)
    {
        lock (_gate)
        {
            return _instruments.GetValueOrDefault(instrumentName);
        }
    }

    public void Dispose() => _listener.Dispose();
}
