namespace Switchboard.Operations;

/// <summary>
/// How a metric's value behaves, which decides both its Prometheus <c># TYPE</c> and the observable instrument it is
/// published as on the <c>Switchboard</c> meter.
/// </summary>
public enum MetricKind
{
    /// <summary>Only goes up, from 0 at process start. Prometheus <c>counter</c> (its name ends in <c>_total</c>); <c>ObservableCounter</c>.</summary>
    Counter,

    /// <summary>
    /// Goes up and down, and the values of several nodes add up to a meaningful total (open connections, bytes held).
    /// Prometheus <c>gauge</c>; <c>ObservableUpDownCounter</c>, which OpenTelemetry asks for such sums.
    /// </summary>
    UpDownCounter,

    /// <summary>
    /// Goes up and down, and adding several nodes' values means nothing (say, the number of nodes each node sees).
    /// Prometheus <c>gauge</c>; <c>ObservableGauge</c>.
    /// </summary>
    Gauge,
}
