using BeidouHub.Geo.Zones;

namespace BeidouHub.Geo.Tests.Zones;

public class ZoneMonitorTests
{
    private static readonly DateTimeOffset T0 = new(2025, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private static List<double[]> Ring(params (double X, double Y)[] points) => points.Select(p => new[] { p.X, p.Y }).ToList();

    private static ZoneDefinition Square(string id, double x0, double y0, double size, params List<double[]>[] holes)
    {
        var rings = new List<IList<double[]>> { Ring((x0, y0), (x0 + size, y0), (x0 + size, y0 + size), (x0, y0 + size), (x0, y0)) };
        rings.AddRange(holes);
        return new ZoneDefinition { Id = id, Coordinates = ZoneCoordinates.Park, Polygons = [rings] };
    }

    // Deterministic noise in [-amplitude, amplitude] (no Random: the same track every run).
    private static double Noise(int i, double amplitude) => amplitude * ((((i * 0.6180339887498949) + 0.1) % 1.0 * 2) - 1);

    private static List<ZoneEvent> Run(ZoneMonitor monitor, IEnumerable<ParkPoint> track, string receiver = "rx1", double hz = 10)
    {
        var events = new List<ZoneEvent>();
        int i = 0;
        foreach (ParkPoint p in track)
        {
            monitor.Update(receiver, T0.AddSeconds(i++ / hz), p, events);
        }

        return events;
    }

    private static IEnumerable<ParkPoint> AlongEastEdge(int epochs, double noise)
    {
        for (int i = 0; i < 20; i++)
        {
            yield return new ParkPoint(80, 50); // well inside first
        }

        for (int i = 0; i < epochs; i++)
        {
            yield return new ParkPoint(100 + Noise(i, noise), 10 + (i * 0.1));
        }
    }

    [Fact]
    public void Update_NoisyTrackAlongBoundary_DoesNotFlap()
    {
        var monitor = new ZoneMonitor([Square("yard", 0, 0, 100)], new ZoneMonitorOptions { MarginMetres = 2, ConfirmEpochs = 2 });

        List<ZoneEvent> events = Run(monitor, AlongEastEdge(800, 1.5));

        ZoneEvent only = Assert.Single(events);
        Assert.Equal(ZoneEventKind.Enter, only.Kind);
    }

    [Fact]
    public void Update_NoisyTrackAlongBoundaryWithoutHysteresis_Flaps()
    {
        // The same track with hysteresis off: shows the track above really is noisy enough.
        var monitor = new ZoneMonitor([Square("yard", 0, 0, 100)], new ZoneMonitorOptions { MarginMetres = 0, ConfirmEpochs = 1 });

        List<ZoneEvent> events = Run(monitor, AlongEastEdge(800, 1.5));

        Assert.True(events.Count(e => e.Kind == ZoneEventKind.Exit) > 50);
    }

    [Fact]
    public void Update_NoisyCrossing_ExactlyOneEnterAndOneExit()
    {
        var monitor = new ZoneMonitor([Square("yard", 0, 0, 100)], new ZoneMonitorOptions { MarginMetres = 2, ConfirmEpochs = 3 });
        IEnumerable<ParkPoint> track = Enumerable.Range(0, 2000).Select(i => new ParkPoint(-50 + (i * 0.1) + Noise(i, 1.0), 50 + Noise(i + 7, 1.0)));

        List<ZoneEvent> events = Run(monitor, track);

        Assert.Equal(2, events.Count);
        Assert.Equal(ZoneEventKind.Enter, events[0].Kind);
        Assert.Equal(ZoneEventKind.Exit, events[1].Kind);
        Assert.All(events, e => Assert.Equal(("rx1", "yard"), (e.ReceiverId, e.ZoneId)));
        Assert.InRange(events[0].Position.East, 2, 10);   // confirmed only beyond the 2 m margin
        Assert.InRange(events[1].Position.East, 102, 110);
        Assert.True(events[1].Time > events[0].Time);
    }

    [Fact]
    public void Update_PointInHole_IsOutsideAndWalkingIntoHoleExits()
    {
        var zone = Square("ring", 0, 0, 100, Ring((40, 40), (60, 40), (60, 60), (40, 60)));
        var monitor = new ZoneMonitor([zone], new ZoneMonitorOptions { MarginMetres = 1, ConfirmEpochs = 1 });

        Assert.Empty(Run(monitor, Enumerable.Repeat(new ParkPoint(50, 50), 10), "in-hole"));

        // From the ring band (x = 20) east into the hole centre (x = 50).
        List<ZoneEvent> events = Run(monitor, Enumerable.Range(0, 31).Select(i => new ParkPoint(20 + i, 50)), "walker");

        Assert.Equal([ZoneEventKind.Enter, ZoneEventKind.Exit], events.Select(e => e.Kind));
        Assert.InRange(events[1].Position.East, 41, 42);
    }

    [Fact]
    public void Update_StayInside_DwellFiresOnceAfterDwellTime()
    {
        var zone = Square("gate", 0, 0, 50);
        zone.DwellSeconds = 30;
        var monitor = new ZoneMonitor([zone], new ZoneMonitorOptions { MarginMetres = 1, ConfirmEpochs = 1 });

        List<ZoneEvent> events = Run(monitor, Enumerable.Range(0, 900).Select(i => new ParkPoint(25 + Noise(i, 0.5), 25)), hz: 10);

        Assert.Equal([ZoneEventKind.Enter, ZoneEventKind.Dwell], events.Select(e => e.Kind));
        double seconds = (events[1].Time - events[0].Time).TotalSeconds;
        Assert.InRange(seconds, 30, 30.1);
    }

    [Fact]
    public void Update_LeaveBeforeDwellTime_NoDwell()
    {
        var monitor = new ZoneMonitor([Square("gate", 0, 0, 50)], new ZoneMonitorOptions { MarginMetres = 1, ConfirmEpochs = 1, DwellSeconds = 30 });
        IEnumerable<ParkPoint> track = Enumerable.Range(0, 200).Select(i => new ParkPoint(25, 25))
            .Concat(Enumerable.Range(0, 400).Select(i => new ParkPoint(200, 25)));

        List<ZoneEvent> events = Run(monitor, track);

        Assert.Equal([ZoneEventKind.Enter, ZoneEventKind.Exit], events.Select(e => e.Kind));
    }

    [Fact]
    public void Update_TwoReceivers_StatesAreIndependent()
    {
        var monitor = new ZoneMonitor([Square("yard", 0, 0, 100)], new ZoneMonitorOptions { MarginMetres = 1, ConfirmEpochs = 1 });
        var events = new List<ZoneEvent>();

        monitor.Update("a", T0, new ParkPoint(50, 50), events);
        monitor.Update("b", T0, new ParkPoint(500, 50), events);
        monitor.Update("b", T0.AddSeconds(1), new ParkPoint(50, 50), events);
        monitor.Update("a", T0.AddSeconds(1), new ParkPoint(50, 50), events);

        Assert.Equal([("a", ZoneEventKind.Enter), ("b", ZoneEventKind.Enter)], events.Select(e => (e.ReceiverId, e.Kind)));
    }

    [Fact]
    public void Update_GeodeticZoneAndPositions_EvaluatedInParkGrid()
    {
        // A ~200 m square around the Zhuzhou city centre, as GeoJSON [lon, lat].
        const string json = """
            {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"centre","dwellSeconds":5},
              "geometry":{"type":"Polygon","coordinates":[[[113.133,27.827],[113.135,27.827],[113.135,27.829],[113.133,27.829],[113.133,27.827]]]}}]}
            """;
        GaussKrugerGrid grid = GaussKrugerGrid.FromEpsg(4526);
        ParkGrid park = ParkGrid.FromOrigin(grid.Forward(27.82, 113.12), rotationDeg: 30);
        var monitor = new ZoneMonitor(ZoneGeoJson.Parse(json), new ZoneMonitorOptions { MarginMetres = 1, ConfirmEpochs = 1 }, grid, park);
        var events = new List<ZoneEvent>();

        monitor.Update("rx", T0, new GeodeticPoint(27.825, 113.134), events); // ~220 m south: outside
        monitor.Update("rx", T0.AddSeconds(1), new GeodeticPoint(27.828, 113.134), events);
        monitor.Update("rx", T0.AddSeconds(7), new GeodeticPoint(27.8281, 113.1341), events);

        Assert.Equal([ZoneEventKind.Enter, ZoneEventKind.Dwell], events.Select(e => e.Kind));
        Assert.Equal(park.ToPark(grid.Forward(27.828, 113.134)), events[0].Position);
    }

    [Fact]
    public void Update_ThousandZones_MatchesBruteForceContainment()
    {
        // 1000 small squares on a jittered lattice; one receiver visits random points with
        // hysteresis off, so after each epoch "inside" must equal plain point-in-square.
        var zones = new List<ZoneDefinition>();
        for (int i = 0; i < 1000; i++)
        {
            zones.Add(Square($"z{i}", (i % 40 * 50) + Noise(i, 10), (i / 40 * 50) + Noise(i + 3, 10), 30 + Noise(i + 5, 10)));
        }

        var monitor = new ZoneMonitor(zones, new ZoneMonitorOptions { MarginMetres = 0, ConfirmEpochs = 1 });
        var inside = new HashSet<string>();
        var events = new List<ZoneEvent>();
        int entered = 0;
        for (int k = 0; k < 3000; k++)
        {
            var p = new ParkPoint(1000 + Noise(k, 1100), 650 + Noise(k + 11, 700));
            events.Clear();
            monitor.Update("rx", T0.AddSeconds(k), p, events);
            foreach (ZoneEvent e in events)
            {
                Assert.True(e.Kind == ZoneEventKind.Enter ? inside.Add(e.ZoneId) : inside.Remove(e.ZoneId));
            }

            var expected = zones.Where(z => ContainsSquare(z, p)).Select(z => z.Id).ToHashSet();
            Assert.True(expected.SetEquals(inside), $"epoch {k}");
            entered += events.Count(e => e.Kind == ZoneEventKind.Enter);
        }

        Assert.True(entered > 100, $"only {entered} entries: the test did not exercise the index");
    }

    private static bool ContainsSquare(ZoneDefinition z, ParkPoint p)
    {
        IList<double[]> r = z.Polygons[0][0];
        return p.East > r[0][0] && p.East < r[1][0] && p.North > r[0][1] && p.North < r[2][1];
    }

    [Fact]
    public void Constructor_DuplicateZoneIds_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ZoneMonitor([Square("a", 0, 0, 1), Square("a", 5, 5, 1)], new ZoneMonitorOptions()));

        Assert.Contains("'a'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_RingWithTwoPositions_ThrowsNamingZone()
    {
        var zone = new ZoneDefinition { Id = "thin", Coordinates = ZoneCoordinates.Park, Polygons = [[Ring((0, 0), (1, 1), (0, 0))]] };

        var ex = Assert.Throws<ArgumentException>(() => new ZoneMonitor([zone], new ZoneMonitorOptions()));

        Assert.Contains("'thin'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("at least 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_GeodeticZoneWithoutGrid_Throws()
    {
        var zone = new ZoneDefinition { Id = "geo", Polygons = [[Ring((113.1, 27.8), (113.2, 27.8), (113.2, 27.9))]] };

        Assert.Throws<ArgumentException>(() => new ZoneMonitor([zone], new ZoneMonitorOptions()));
    }

    [Fact]
    public void InsideZones_AfterConfirmedEnter_ListsOnlyZonesEntered()
    {
        var monitor = new ZoneMonitor([Square("yard", 0, 0, 100), Square("dock", 200, 0, 50)], new ZoneMonitorOptions { MarginMetres = 1, ConfirmEpochs = 2 });
        var inside = new List<string>();

        Run(monitor, [new ParkPoint(50, 50)]);
        monitor.InsideZones("rx1", inside);
        Assert.Empty(inside); // one epoch is not yet confirmed

        Run(monitor, [new ParkPoint(50, 50), new ParkPoint(50, 50)]);
        monitor.InsideZones("rx1", inside);
        Assert.Equal(["yard"], inside);

        inside.Clear();
        monitor.InsideZones("nobody", inside);
        Assert.Empty(inside);
    }
}
