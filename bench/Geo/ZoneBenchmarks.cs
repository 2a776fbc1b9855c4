using BenchmarkDotNet.Attributes;
using BeidouHub.Geo;
using BeidouHub.Geo.Zones;

namespace BeidouHub.Bench.Geo;

/// <summary>
/// <see cref="ZoneMonitor.Update(string, DateTimeOffset, ParkPoint, ICollection{ZoneEvent})"/> per
/// position: a park of square 40 m zones on a 50 m pitch (10 or 1,000 of them), one vehicle
/// driving through them at 10 m/s, 10 Hz (1,024 positions per invocation, Enter/Exit/Dwell events
/// happen). Baseline: the position already in the park plane; Geodetic adds Gauss-Kruger + park grid.
/// </summary>
[MemoryDiagnoser]
public class ZoneBenchmarks
{
    private const int Positions = 1024;
    private const double Pitch = 50;
    private const double Side = 40;

    private readonly ParkPoint[] _park = new ParkPoint[Positions];
    private readonly GeodeticPoint[] _geodetic = new GeodeticPoint[Positions];
    private readonly List<ZoneEvent> _events = new(64);
    private ZoneMonitor _monitor = null!;
    private DateTimeOffset _time = new(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);

    [Params(10, 1000)]
    public int Zones { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        GaussKrugerGrid grid = GaussKrugerGrid.FromEpsg(4547);
        ParkGrid park = ParkGrid.FromOrigin(grid.Forward(27.858, 113.168), rotationDeg: 12.5);
        int columns = (int)Math.Ceiling(Math.Sqrt(Zones * 1.6));
        var zones = new List<ZoneDefinition>();
        for (int i = 0; i < Zones; i++)
        {
            double x = i % columns * Pitch, y = i / columns * Pitch;
            var ring = new List<double[]> { new[] { x, y }, new[] { x + Side, y }, new[] { x + Side, y + Side }, new[] { x, y + Side } };
            zones.Add(new ZoneDefinition
            {
                Id = $"zone-{i}",
                Coordinates = ZoneCoordinates.Park,
                Polygons = [new List<IList<double[]>> { ring }],
            });
        }

        _monitor = new ZoneMonitor(zones, new ZoneMonitorOptions { MarginMetres = 2, ConfirmEpochs = 2, DwellSeconds = 30 }, grid, park);

        // A diagonal drive through the zone field, 1 m per position, turning back at the far side.
        double width = Math.Min(columns, Zones) * Pitch;
        for (int i = 0; i < Positions; i++)
        {
            double along = i % (2 * width) < width ? i % width : width - (i % width);
            _park[i] = new ParkPoint(along, 5 + (along * 0.37));
            _geodetic[i] = grid.Inverse(park.ToGrid(_park[i]));
        }

        UpdatePark();
        UpdateGeodetic();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Positions)]
    public int UpdatePark()
    {
        int events = 0;
        foreach (ParkPoint p in _park)
        {
            _events.Clear();
            _time = _time.AddTicks(TimeSpan.TicksPerSecond / 10);
            _monitor.Update("rover-1", _time, p, _events);
            events += _events.Count;
        }

        return events;
    }

    [Benchmark(OperationsPerInvoke = Positions)]
    public int UpdateGeodetic()
    {
        int events = 0;
        foreach (GeodeticPoint p in _geodetic)
        {
            _events.Clear();
            _time = _time.AddTicks(TimeSpan.TicksPerSecond / 10);
            _monitor.Update("rover-1", _time, p, _events);
            events += _events.Count;
        }

        return events;
    }
}
