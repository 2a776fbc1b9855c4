namespace BeidouHub.Geo.Tests;

public class GaussKrugerGridTests
{
    private const double Millimetre = 0.001;

    private static List<(int Epsg, double Lat, double Lon, double Northing, double Easting)> Cs2csRows() =>
        ReferenceFiles.ReadRows("gauss-kruger-cs2cs.txt")
            .Select(r => (ReferenceFiles.I(r[0]), ReferenceFiles.D(r[1]), ReferenceFiles.D(r[2]), ReferenceFiles.D(r[3]), ReferenceFiles.D(r[4])))
            .ToList();

    [Fact]
    public void Cs2csReference_CoversChinaAndPark_ManyPointsAndCodes()
    {
        var rows = Cs2csRows();

        Assert.True(rows.Count >= 700, $"only {rows.Count} reference rows");
        Assert.Equal(64, rows.Select(r => r.Epsg).Distinct().Count());
        Assert.True(rows.Count(r => r.Lat is > 27.77 and < 27.93 && r.Lon is > 113.04 and < 113.26) >= 400);
    }

    [Fact]
    public void Forward_Cs2csReferencePoints_WithinOneMillimetre()
    {
        var failures = new List<string>();
        foreach (var group in Cs2csRows().GroupBy(r => r.Epsg))
        {
            GaussKrugerGrid grid = GaussKrugerGrid.FromEpsg(group.Key);
            foreach (var row in group)
            {
                GridPoint p = grid.Forward(row.Lat, row.Lon);
                double error = Math.Max(Math.Abs(p.Northing - row.Northing), Math.Abs(p.Easting - row.Easting));
                if (!(error <= Millimetre))
                {
                    failures.Add($"EPSG:{row.Epsg} {row.Lat} {row.Lon}: off by {error * 1000:F3} mm");
                }
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public void Forward_Cs2csReferencePoints_WithinOneMicrometre()
    {
        // cs2cs prints micrometres, so the reference is exact to 0.5 µm: the same series in a
        // different evaluation order must land within that (a millimetre hides a lost term).
        double worst = 0;
        foreach (var group in Cs2csRows().GroupBy(r => r.Epsg))
        {
            GaussKrugerGrid grid = GaussKrugerGrid.FromEpsg(group.Key);
            foreach (var row in group)
            {
                GridPoint p = grid.Forward(row.Lat, row.Lon);
                worst = Math.Max(worst, Math.Max(Math.Abs(p.Northing - row.Northing), Math.Abs(p.Easting - row.Easting)));
            }
        }

        Assert.InRange(worst, 0, Millimetre / 1000);
    }

    [Fact]
    public void Inverse_Cs2csReferenceGridCoordinates_WithinOneMillimetreOfGeodetic()
    {
        double worst = 0;
        foreach (var group in Cs2csRows().GroupBy(r => r.Epsg))
        {
            GaussKrugerGrid grid = GaussKrugerGrid.FromEpsg(group.Key);
            foreach (var row in group)
            {
                GeodeticPoint g = grid.Inverse(new GridPoint(Northing: row.Northing, Easting: row.Easting));
                worst = Math.Max(worst, ReferenceFiles.MetresBetween(row.Lat, row.Lon, g.Latitude, g.Longitude));
            }
        }

        // cs2cs prints micrometres, so the reference itself is exact to 0.5 µm.
        Assert.InRange(worst, 0, Millimetre);
    }

    [Fact]
    public void ForwardThenInverse_GridOverChina_RoundTripsWithinOneMillimetre()
    {
        double worst = 0;
        foreach (int epsg in new[] { 4547, 4526, 4508, 4497, 4534, 4554, 4491, 4512 })
        {
            GaussKrugerGrid grid = GaussKrugerGrid.FromEpsg(epsg);
            double half = (int)grid.Zone.Width / 2.0;
            for (double lat = 16; lat <= 54; lat += 1.9)
            {
                for (double dLon = -half - 0.5; dLon <= half + 0.5; dLon += 0.37)
                {
                    double lon = grid.Zone.CentralMeridian + dLon;
                    GeodeticPoint back = grid.Inverse(grid.Forward(lat, lon));
                    worst = Math.Max(worst, ReferenceFiles.MetresBetween(lat, lon, back.Latitude, back.Longitude));
                }
            }
        }

        Assert.InRange(worst, 0, Millimetre);
    }

    [Fact]
    public void Forward_ZhuzhouCityCentre_NorthingIsFirstNamedAxis()
    {
        GridPoint p = GaussKrugerGrid.FromEpsg(4547).Forward(latitudeDeg: 27.828, longitudeDeg: 113.134);

        // West of CM 114E: easting below the 500 km false easting; ~3080 km north of the equator.
        Assert.InRange(p.Northing, 3_079_000, 3_081_000);
        Assert.InRange(p.Easting, 400_000, 500_000);
    }

    [Fact]
    public void Forward_PrefixedAndUnprefixedZone_DifferByZoneMillions()
    {
        GridPoint plain = GaussKrugerGrid.FromEpsg(4547).Forward(27.9, 113.2);
        GridPoint prefixed = GaussKrugerGrid.FromEpsg(4526).Forward(27.9, 113.2);

        Assert.Equal(plain.Northing, prefixed.Northing);
        Assert.Equal(38_000_000.0, prefixed.Easting - plain.Easting, 6);
    }

    [Fact]
    public void ForwardSpan_ManyPoints_EqualsSinglePointForward()
    {
        GaussKrugerGrid grid = GaussKrugerGrid.FromEpsg(4547);
        var source = new GeodeticPoint[50];
        for (int i = 0; i < source.Length; i++)
        {
            source[i] = new GeodeticPoint(27.8 + (i * 0.003), 113.0 + (i * 0.005));
        }

        var destination = new GridPoint[source.Length];
        grid.Forward(source, destination);
        var back = new GeodeticPoint[source.Length];
        grid.Inverse(destination, back);

        for (int i = 0; i < source.Length; i++)
        {
            Assert.Equal(grid.Forward(source[i]), destination[i]);
            Assert.Equal(grid.Inverse(destination[i]), back[i]);
        }
    }

    [Fact]
    public void ForwardSpan_DestinationTooShort_Throws()
    {
        GaussKrugerGrid grid = GaussKrugerGrid.FromEpsg(4547);

        Assert.Throws<ArgumentException>(() => grid.Forward(new GeodeticPoint[3], new GridPoint[2]));
    }

    [Fact]
    public void TryFromEpsg_UnknownCode_ReturnsFalseWithMessage()
    {
        Assert.False(GaussKrugerGrid.TryFromEpsg(4490, out GaussKrugerGrid? grid, out string? error));
        Assert.Null(grid);
        Assert.Contains("EPSG:4490", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ForLongitude_Zhuzhou_DefaultsToThreeDegreeCm114()
    {
        Assert.Equal(4547, GaussKrugerGrid.ForLongitude(113.134).Epsg);
    }

    [SkippableFact]
    public void Forward_LiveCs2cs_WithinOneMillimetre()
    {
        Skip.IfNot(Cs2cs.IsAvailable, "cs2cs (proj-bin) not installed");

        foreach (int epsg in new[] { 4547, 4526, 4508, 4497, 4534, 4554, 4491, 4512, 4520, 4540 })
        {
            GaussKrugerGrid grid = GaussKrugerGrid.FromEpsg(epsg);
            double half = (int)grid.Zone.Width / 2.0;
            var input = new List<(double Lat, double Lon)>();
            for (int i = 0; i < 40; i++)
            {
                // A different point set from the committed file: an irrational-step walk.
                double u = (i * 0.5698402909980532) % 1.0;
                double v = (i * 0.3247179572447460 + 0.13) % 1.0;
                input.Add((18 + (35 * u), grid.Zone.CentralMeridian - half + (2 * half * v)));
            }

            var expected = Cs2cs.Transform("EPSG:4490", $"EPSG:{epsg}", input);
            for (int i = 0; i < input.Count; i++)
            {
                GridPoint p = grid.Forward(input[i].Lat, input[i].Lon);
                Assert.Equal(expected[i].A, p.Northing, Millimetre);
                Assert.Equal(expected[i].B, p.Easting, Millimetre);
            }
        }
    }
}
