using BenchmarkDotNet.Attributes;
using BeidouHub.Geo;

namespace BeidouHub.Bench.Geo;

/// <summary>
/// The per-point transforms of every published position, per point (1,024 points of a 2 km
/// square around the Zhuzhou park per invocation): CGCS2000 Gauss-Kruger forward on EPSG:4547
/// (baseline), grid to park plane, GCJ-02, and all three as <c>PositionUpdate.From</c> chains them.
/// Every coordinate of every result is summed: a row that used one would let the JIT drop the
/// work behind the other (it did: the GCJ-02 latitude and the GK northing went untimed).
/// </summary>
[MemoryDiagnoser]
public class TransformBenchmarks
{
    private const int Points = 1024;

    private readonly GeodeticPoint[] _points = new GeodeticPoint[Points];
    private readonly GridPoint[] _grid = new GridPoint[Points];
    private GaussKrugerGrid _gaussKruger = null!;
    private ParkGrid _park = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        for (int i = 0; i < Points; i++)
        {
            _points[i] = new GeodeticPoint(27.85 + (random.NextDouble() * 0.02), 113.16 + (random.NextDouble() * 0.02));
        }

        _gaussKruger = GaussKrugerGrid.FromEpsg(4547);
        GridPoint origin = _gaussKruger.Forward(27.858, 113.168);
        _park = ParkGrid.FromOrigin(origin, rotationDeg: 12.5);
        for (int i = 0; i < Points; i++)
        {
            _grid[i] = _gaussKruger.Forward(_points[i]);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Points)]
    public double GaussKrugerForward()
    {
        double sum = 0;
        foreach (GeodeticPoint p in _points)
        {
            GridPoint g = _gaussKruger.Forward(p.Latitude, p.Longitude);
            sum += g.Easting + g.Northing;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Points)]
    public double ParkGridToPark()
    {
        double sum = 0;
        foreach (GridPoint g in _grid)
        {
            ParkPoint q = _park.ToPark(g);
            sum += q.East + q.North;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Points)]
    public double Gcj02FromWgs84()
    {
        double sum = 0;
        foreach (GeodeticPoint p in _points)
        {
            GeodeticPoint c = Gcj02.FromWgs84(p);
            sum += c.Latitude + c.Longitude;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Points)]
    public double AllThree()
    {
        double sum = 0;
        foreach (GeodeticPoint p in _points)
        {
            GridPoint g = _gaussKruger.Forward(p.Latitude, p.Longitude);
            ParkPoint q = _park.ToPark(g);
            GeodeticPoint c = Gcj02.FromWgs84(p);
            sum += q.East + q.North + c.Latitude + c.Longitude;
        }

        return sum;
    }
}
