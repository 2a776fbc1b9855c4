using BeidouHub.Geo.Zones;

namespace BeidouHub.Geo.Tests;

public class AllocationTests
{
    private const int Points = 10_000;

    [Fact]
    public void PerEpochTransforms_TenThousandPoints_AllocateZeroBytes()
    {
        GaussKrugerGrid grid = GaussKrugerGrid.FromEpsg(4526);
        ParkGrid park = ParkGrid.FromOrigin(new GridPoint(3_079_000, 38_414_000), 17.5);
        double sink = 0;

        long bytes = SteadyStateAllocation.PerRound(() =>
        {
            for (int i = 0; i < Points; i++)
            {
                double lat = 27.8 + (i * 1e-6);
                double lon = 113.1 + (i * 1e-6);
                GridPoint g = grid.Forward(lat, lon);
                ParkPoint p = park.ToPark(g);
                GeodeticPoint gcj = Gcj02.FromWgs84(new GeodeticPoint(lat, lon));
                GeodeticPoint back = Gcj02.ToWgs84(gcj);
                GeodeticPoint bd = Bd09.FromGcj02(gcj);
                sink += p.East + gcj.Latitude + back.Longitude + bd.Latitude + grid.Inverse(g).Latitude;
            }
        });

        Assert.Equal(0, bytes);
        Assert.True(double.IsFinite(sink) && sink != 0); // keeps the loop observable
    }

    [Fact]
    public void WktGridForwardAndInverse_TenThousandPoints_AllocateZeroBytes()
    {
        // ProjNET's MathTransform.Transform(ref x, ref y) is the per-point path WktGrid uses.
        WktGrid grid = WktGrid.FromWkt(WktGridTests.CityWkt);
        double sink = 0;

        long bytes = SteadyStateAllocation.PerRound(() =>
        {
            for (int i = 0; i < Points; i++)
            {
                GridPoint g = grid.Forward(27.8 + (i * 1e-6), 113.1 + (i * 1e-6));
                sink += g.Northing + grid.Inverse(g).Latitude;
            }
        });

        Assert.Equal(0, bytes);
        Assert.True(double.IsFinite(sink) && sink != 0);
    }

    [Fact]
    public void BatchForward_TenThousandPoints_AllocatesZeroBytes()
    {
        GaussKrugerGrid grid = GaussKrugerGrid.FromEpsg(4547);
        ParkGrid park = ParkGrid.FromOrigin(new GridPoint(3_079_000, 414_000), -8);
        var source = new GeodeticPoint[Points];
        for (int i = 0; i < Points; i++)
        {
            source[i] = new GeodeticPoint(27.8 + (i * 1e-6), 113.1 + (i * 1e-6));
        }

        var gridPoints = new GridPoint[Points];
        var parkPoints = new ParkPoint[Points];

        long bytes = SteadyStateAllocation.PerRound(() =>
        {
            grid.Forward(source, gridPoints);
            park.ToPark(gridPoints, parkPoints);
        });

        Assert.Equal(0, bytes);
        Assert.NotEqual(default, parkPoints[Points - 1]);
    }

    [Fact]
    public void ZoneMonitorUpdate_SteadyStateInsideZone_AllocatesZeroBytes()
    {
        var zone = new ZoneDefinition
        {
            Id = "yard",
            Coordinates = ZoneCoordinates.Park,
            Polygons = [[new List<double[]> { new[] { 0.0, 0.0 }, new[] { 100.0, 0.0 }, new[] { 100.0, 100.0 }, new[] { 0.0, 100.0 } }]],
        };
        var monitor = new ZoneMonitor([zone], new ZoneMonitorOptions { MarginMetres = 1, ConfirmEpochs = 1 });
        var events = new List<ZoneEvent>(16);
        var t0 = new DateTimeOffset(2025, 5, 1, 0, 0, 0, TimeSpan.Zero);
        monitor.Update("rx", t0, new ParkPoint(50, 50), events);
        Assert.Single(events);

        long bytes = SteadyStateAllocation.PerRound(() =>
        {
            for (int i = 0; i < Points; i++)
            {
                monitor.Update("rx", t0.AddSeconds(i * 0.1), new ParkPoint(50 + ((i % 7) * 0.1), 50), events);
            }
        });

        Assert.Equal(0, bytes);
        Assert.Single(events);
    }
}
