using BenchmarkDotNet.Attributes;
using BeidouHub.Geo;
using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;

namespace BeidouHub.Bench.Geo;

/// <summary>
/// The two <see cref="IGrid"/> paths per point (1,024 points of a 2 km square around the Zhuzhou
/// park per invocation): the hand-written Gauss-Kruger on EPSG:4547 (baseline) and
/// <see cref="WktGrid"/> (ProjNET) on the same grid given as WKT and on a city grid with a 60 m
/// height plane; then ProjNET's own per-point entry points on the EPSG:4547 transform, to show
/// which allocate: <c>Transform(double[])</c> (a new array per point),
/// <c>Transform(double, double)</c> (a tuple, no allocation), <c>TransformList</c> (a list and an
/// array per point) and the in-place span batch over reused buffers. Every row sums both
/// coordinates of every result (see <see cref="TransformBenchmarks"/>). Min is shown beside the
/// mean: on the shared 2-core machine other builds inflate means, the fastest iteration less.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class GridBenchmarks
{
    private const int Points = 1024;

    // `projinfo EPSG:4547 -o WKT1_GDAL`, as tests/BeidouHub.Geo.Tests/WktGridTests.cs has it.
    private const string Epsg4547Wkt =
        "PROJCS[\"CGCS2000 / 3-degree Gauss-Kruger CM 114E\",GEOGCS[\"China Geodetic Coordinate System 2000\",DATUM[\"China_2000\",SPHEROID[\"CGCS2000\",6378137,298.257222101,AUTHORITY[\"EPSG\",\"1024\"]],AUTHORITY[\"EPSG\",\"1043\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AUTHORITY[\"EPSG\",\"4490\"]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",114],PARAMETER[\"scale_factor\",1],PARAMETER[\"false_easting\",500000],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1,AUTHORITY[\"EPSG\",\"9001\"]],AUTHORITY[\"EPSG\",\"4547\"]]";

    private readonly GeodeticPoint[] _points = new GeodeticPoint[Points];
    private readonly GridPoint[] _grid = new GridPoint[Points];
    private readonly double[][] _pointArrays = new double[Points][];
    private readonly double[] _xs = new double[Points];
    private readonly double[] _ys = new double[Points];
    private GaussKrugerGrid _gaussKruger = null!;
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1859", Justification = "The row measures the interface call GeoPipeline makes.")]
    private IGrid _gaussKrugerAsInterface = null!;
    private WktGrid _wkt4547 = null!;
    private WktGrid _city = null!;
    private MathTransform _projNet = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        for (int i = 0; i < Points; i++)
        {
            _points[i] = new GeodeticPoint(27.85 + (random.NextDouble() * 0.02), 113.16 + (random.NextDouble() * 0.02));
            _pointArrays[i] = [_points[i].Longitude, _points[i].Latitude];
        }

        _gaussKruger = GaussKrugerGrid.FromEpsg(4547);
        _gaussKrugerAsInterface = _gaussKruger;
        _wkt4547 = WktGrid.FromWkt(Epsg4547Wkt);
        var city = new LocalTransverseMercator { CentralMeridian = 113.125, FalseEasting = 50_000, FalseNorthing = -3_000_000, HeightPlane = 60 };
        if (!city.TryCreateGrid(out WktGrid? cityGrid, out string? error))
        {
            throw new InvalidOperationException(error);
        }

        _city = cityGrid;
        var system = (ProjectedCoordinateSystem)new CoordinateSystemFactory().CreateFromWkt(Epsg4547Wkt);
        _projNet = new CoordinateTransformationFactory().CreateFromCoordinateSystems(system.GeographicCoordinateSystem, system).MathTransform;
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
    public double GaussKrugerForwardThroughIGrid()
    {
        double sum = 0;
        foreach (GeodeticPoint p in _points)
        {
            GridPoint g = _gaussKrugerAsInterface.Forward(p.Latitude, p.Longitude);
            sum += g.Easting + g.Northing;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Points)]
    public double WktGridForwardEpsg4547()
    {
        double sum = 0;
        foreach (GeodeticPoint p in _points)
        {
            GridPoint g = _wkt4547.Forward(p.Latitude, p.Longitude);
            sum += g.Easting + g.Northing;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Points)]
    public double WktGridForwardCityHeightPlane()
    {
        double sum = 0;
        foreach (GeodeticPoint p in _points)
        {
            GridPoint g = _city.Forward(p.Latitude, p.Longitude);
            sum += g.Easting + g.Northing;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Points)]
    public double GaussKrugerInverse()
    {
        double sum = 0;
        foreach (GridPoint g in _grid)
        {
            GeodeticPoint p = _gaussKruger.Inverse(g);
            sum += p.Latitude + p.Longitude;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Points)]
    public double WktGridInverseEpsg4547()
    {
        double sum = 0;
        foreach (GridPoint g in _grid)
        {
            GeodeticPoint p = _wkt4547.Inverse(g);
            sum += p.Latitude + p.Longitude;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Points)]
    public double ProjNetTransformArray()
    {
        double sum = 0;
        foreach (double[] p in _pointArrays)
        {
            double[] g = _projNet.Transform(p);
            sum += g[0] + g[1];
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Points)]
    public double ProjNetTransformTuple()
    {
        double sum = 0;
        foreach (GeodeticPoint p in _points)
        {
            (double x, double y) = _projNet.Transform(p.Longitude, p.Latitude);
            sum += x + y;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Points)]
    public double ProjNetTransformList()
    {
        double sum = 0;
        foreach (double[] g in _projNet.TransformList(_pointArrays))
        {
            sum += g[0] + g[1];
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Points)]
    public double ProjNetTransformSpanReusedBuffers()
    {
        for (int i = 0; i < Points; i++)
        {
            _xs[i] = _points[i].Longitude;
            _ys[i] = _points[i].Latitude;
        }

        _projNet.Transform(_xs.AsSpan(), _ys.AsSpan());
        double sum = 0;
        for (int i = 0; i < Points; i++)
        {
            sum += _xs[i] + _ys[i];
        }

        return sum;
    }
}
