using System.Diagnostics.Metrics;
using BeidouHub.Receiver.Workers;
using BeidouHub.Service.Hub;
using BeidouHub.Service.Receivers;

namespace BeidouHub.Service.Metrics;

/// <summary>
/// The service's metrics (meter <c>BeidouHub</c>), as the park's Prometheus sees them through
/// OpenTelemetry. Everything but the latency is an observable instrument that reads, at scrape
/// time, the counters the receivers and the hub already keep: the hot path gains nothing. The
/// latency is recorded per position handed to a gRPC stream, and only while a listener (the
/// Prometheus exporter) is on.
/// </summary>
internal sealed class ServiceMetrics
{
    public const string MeterName = "BeidouHub";

    // Seconds: a local hand-over is tens of µs, a burst of a thousand receivers tens of ms, a
    // stalled client seconds.
    private static readonly double[] LatencyBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly Histogram<double> _latency;
    private readonly TimeProvider _time;

    /// <param name="cluster">The cluster bridge, when the node is in a cluster (BeidouHub:Cluster).</param>
    public ServiceMetrics(IMeterFactory meters, PositionHub hub, ReceiverHost receivers, TimeProvider time, Cluster.ClusterBridge? cluster = null)
    {
        _time = time;
        Meter meter = meters.Create(MeterName);
        meter.CreateObservableCounter("beidouhub.receiver.sentences", () => PerReceiver(receivers, s => s.Sentences), "{sentence}", "Sentences accepted per receiver");
        meter.CreateObservableCounter("beidouhub.receiver.epochs", () => PerReceiver(receivers, s => s.Epochs), "{epoch}", "Epochs assembled per receiver");
        meter.CreateObservableCounter("beidouhub.receiver.checksum_failures", () => PerReceiver(receivers, s => s.ChecksumFailures), "{sentence}", "Sentences with a bad checksum per receiver");
        meter.CreateObservableCounter("beidouhub.receiver.reconnects", () => PerReceiver(receivers, s => s.Reconnects), "{reconnect}", "Reconnects per receiver");
        meter.CreateObservableGauge("beidouhub.receiver.fix_quality", () => Latest(hub, receivers, u => u.Quality is { } q ? (double)(int)q : 0), null, "GGA quality of the receiver's last position (0 no fix, 1 GNSS, 2 DGNSS, 4 RTK fixed, 5 RTK float)");
        meter.CreateObservableGauge("beidouhub.receiver.correction_age", () => Latest(hub, receivers, u => u.DiffAge), "s", "Age of the differential corrections of the receiver's last position");
        meter.CreateObservableCounter("beidouhub.hub.positions", () => hub.Published, "{position}", "Positions published into the hub (rate() is positions per second)");
        meter.CreateObservableCounter("beidouhub.subscriber.dropped", () => hub.Subscriptions.Select(s => new Measurement<long>(s.Dropped, new("stream", s.Stream), new("subscriber", s.Label))), "{update}", "Updates dropped for a slow subscriber");
        if (cluster is not null)
        {
            meter.CreateObservableCounter("beidouhub.cluster.published", () => cluster.Published, "{message}", "This node's updates published to NATS");
            meter.CreateObservableCounter("beidouhub.cluster.not_published", () => cluster.NotPublished, "{message}", "This node's updates not published (NATS unreachable)");
            meter.CreateObservableCounter("beidouhub.cluster.received", () => cluster.Received, "{position}", "Other nodes' positions taken into this hub");
            meter.CreateObservableCounter("beidouhub.cluster.duplicates", () => cluster.Duplicates, "{position}", "Other nodes' positions dropped as not newer than the last (duplicates, stragglers of a take-over)");
        }

        _latency = meter.CreateHistogram(
            "beidouhub.hub.latency", "s", "From a position's publication into the hub to its hand-over to a gRPC stream",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
    }

    /// <summary>Records a position's hub latency (only while someone listens: no clock read otherwise).</summary>
    public void HandedOver(PositionUpdate update)
    {
        if (_latency.Enabled)
        {
            _latency.Record((_time.GetUtcNow() - update.PublishedAt).TotalSeconds);
        }
    }

    private static IEnumerable<Measurement<long>> PerReceiver(ReceiverHost receivers, Func<ReceiverStatus, long> value)
    {
        foreach (ReceiverWorker w in receivers.Workers)
        {
            yield return new Measurement<long>(value(w.Snapshot()), new KeyValuePair<string, object?>("receiver", w.Id));
        }
    }

    private static IEnumerable<Measurement<double>> Latest(PositionHub hub, ReceiverHost receivers, Func<PositionUpdate, double?> value)
    {
        foreach (ReceiverWorker w in receivers.Workers)
        {
            if (hub.TryGetLatest(w.Id, out PositionUpdate? u) && value(u!) is { } v)
            {
                yield return new Measurement<double>(v, new KeyValuePair<string, object?>("receiver", w.Id));
            }
        }
    }
}
