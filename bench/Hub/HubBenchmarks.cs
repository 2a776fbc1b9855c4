using BenchmarkDotNet.Attributes;
using BeidouHub.Geo;
using BeidouHub.Geo.Zones;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Nmea;
using BeidouHub.Service.Hub;

namespace BeidouHub.Bench.Hub;

/// <summary>
/// The hub per complete epoch: building the immutable <see cref="PositionUpdate"/> from the
/// assembler's epoch (baseline: what EpochPublisher does once per epoch, geo transforms included)
/// and <see cref="PositionHub.Publish(PositionUpdate)"/> to 1 or 10 position subscribers. Each
/// invocation publishes 64 updates, then drains every subscriber's queue as its gRPC pump would
/// (so no queue fills and drop-oldest never runs); the cost per update includes that read.
/// </summary>
[MemoryDiagnoser]
public class HubBenchmarks
{
    private const int Updates = 64;

    private readonly List<Subscription<PositionUpdate>> _subscriptions = [];
    private PositionHub _hub = null!;
    private GeoPipeline _geo = null!;
    private Epoch _epoch = null!;
    private PositionUpdate _update = null!;

    [Params(1, 10)]
    public int Subscribers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        GaussKrugerGrid grid = GaussKrugerGrid.FromEpsg(4547);
        _geo = new GeoPipeline(grid, ParkGrid.FromOrigin(grid.Forward(27.858, 113.168), 12.5), new ZoneMonitor([], new ZoneMonitorOptions(), grid));
        var sink = new CapturingSink();
        var assembler = new EpochAssembler("rover-1", sink);
        foreach (byte[] line in Enumerable.Range(0, 3).SelectMany(Corpus.EpochLines))
        {
            if (NmeaSentence.TryParse(line, out NmeaSentence s, out _))
            {
                assembler.Add(s);
            }
        }

        _epoch = sink.Last ?? throw new InvalidOperationException("No epoch assembled.");
        _hub = new PositionHub(capacity: 4096, hopelessAfter: TimeSpan.FromSeconds(60));
        for (int i = 0; i < Subscribers; i++)
        {
            _subscriptions.Add(_hub.SubscribePositions(new PositionFilter([], [], minRank: 0, maxRateHz: 0, early: false)));
        }

        _update = PositionUpdate.From(_epoch, complete: true, _geo, [], DateTimeOffset.UtcNow);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (Subscription<PositionUpdate> s in _subscriptions)
        {
            s.Dispose();
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Updates)]
    public long BuildUpdate()
    {
        long n = 0;
        for (int i = 0; i < Updates; i++)
        {
            n += PositionUpdate.From(_epoch, complete: true, _geo, [], _hub.Time.GetUtcNow()).Sequence;
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = Updates)]
    public long PublishAndDrain()
    {
        for (int i = 0; i < Updates; i++)
        {
            _hub.Publish(_update);
        }

        return Drain();
    }

    [Benchmark(OperationsPerInvoke = Updates)]
    public long BuildPublishAndDrain()
    {
        for (int i = 0; i < Updates; i++)
        {
            _hub.Publish(PositionUpdate.From(_epoch, complete: true, _geo, [], _hub.Time.GetUtcNow()));
        }

        return Drain();
    }

    private long Drain()
    {
        long n = 0;
        foreach (Subscription<PositionUpdate> s in _subscriptions)
        {
            s.TakeDropped();
            while (s.Reader.TryRead(out PositionUpdate? u))
            {
                n += u.Sequence;
            }
        }

        return n;
    }

    private sealed class CapturingSink : IEpochSink
    {
        public Epoch? Last { get; private set; }

        public void OnPosition(Epoch epoch)
        {
        }

        public void OnEpoch(Epoch epoch) => Last = epoch.Clone();
    }
}
