namespace BeidouHub.Geo.Tests;

public class Gcj02Tests
{
    private const double Centimetre = 0.01;

    public static TheoryData<string, double, double, double, double> Published()
    {
        var data = new TheoryData<string, double, double, double, double>();
        foreach (string[] r in ReferenceFiles.ReadRows("gcj02-published.txt"))
        {
            data.Add(r[0], ReferenceFiles.D(r[1]), ReferenceFiles.D(r[2]), ReferenceFiles.D(r[3]), ReferenceFiles.D(r[4]));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Published))]
    public void Forward_PublishedValues_WithinOneNanodegree(string kind, double lat, double lon, double expectedLat, double expectedLon)
    {
        var input = new GeodeticPoint(lat, lon);
        GeodeticPoint actual = kind switch
        {
            "wgs2gcj" => Gcj02.FromWgs84(input),
            "gcj2bd" => Bd09.FromGcj02(input),
            "bd2gcj-onestep" => Bd09.OneStepToGcj02(input),
            _ => throw new InvalidOperationException(kind),
        };

        Assert.Equal(expectedLat, actual.Latitude, 1e-9);
        Assert.Equal(expectedLon, actual.Longitude, 1e-9);
    }

    [Fact]
    public void FromWgs84_GridOverChina_MatchesCoordtransformFormulaWithinPicodegree()
    {
        // Gcj02 derives the sines from two SinCos by angle identities; the published formula
        // (transcribed below as coordtransform writes it, twelve Math.Sin) must agree everywhere
        // in the box, not just at the four published points.
        double worst = 0;
        for (double lat = 3.9; lat <= 53.5; lat += 0.137)
        {
            for (double lon = 73.7; lon <= 135.0; lon += 0.173)
            {
                GeodeticPoint actual = Gcj02.FromWgs84(new GeodeticPoint(lat, lon));
                (double expectedLat, double expectedLon) = CoordtransformWgs84ToGcj02(lat, lon);
                worst = Math.Max(worst, Math.Max(Math.Abs(actual.Latitude - expectedLat), Math.Abs(actual.Longitude - expectedLon)));
            }
        }

        Assert.InRange(worst, 0, 1e-12);
    }

    // wandergis/coordtransform src/index.ts wgs84togcj02, transformlat, transformlng, verbatim.
    private static (double Lat, double Lon) CoordtransformWgs84ToGcj02(double lat, double lng)
    {
        const double a = 6378245.0;
        const double ee = 0.00669342162296594323;
        double x = lng - 105.0;
        double y = lat - 35.0;
        double dlat = -100.0 + (2.0 * x) + (3.0 * y) + (0.2 * y * y) + (0.1 * x * y) + (0.2 * Math.Sqrt(Math.Abs(x)));
        dlat += ((20.0 * Math.Sin(6.0 * x * Math.PI)) + (20.0 * Math.Sin(2.0 * x * Math.PI))) * 2.0 / 3.0;
        dlat += ((20.0 * Math.Sin(y * Math.PI)) + (40.0 * Math.Sin(y / 3.0 * Math.PI))) * 2.0 / 3.0;
        dlat += ((160.0 * Math.Sin(y / 12.0 * Math.PI)) + (320 * Math.Sin(y * Math.PI / 30.0))) * 2.0 / 3.0;
        double dlng = 300.0 + x + (2.0 * y) + (0.1 * x * x) + (0.1 * x * y) + (0.1 * Math.Sqrt(Math.Abs(x)));
        dlng += ((20.0 * Math.Sin(6.0 * x * Math.PI)) + (20.0 * Math.Sin(2.0 * x * Math.PI))) * 2.0 / 3.0;
        dlng += ((20.0 * Math.Sin(x * Math.PI)) + (40.0 * Math.Sin(x / 3.0 * Math.PI))) * 2.0 / 3.0;
        dlng += ((150.0 * Math.Sin(x / 12.0 * Math.PI)) + (300.0 * Math.Sin(x / 30.0 * Math.PI))) * 2.0 / 3.0;
        double radlat = lat / 180.0 * Math.PI;
        double magic = Math.Sin(radlat);
        magic = 1 - (ee * magic * magic);
        double sqrtmagic = Math.Sqrt(magic);
        dlat = dlat * 180.0 / (a * (1 - ee) / (magic * sqrtmagic) * Math.PI);
        dlng = dlng * 180.0 / (a / sqrtmagic * Math.Cos(radlat) * Math.PI);
        return (lat + dlat, lng + dlng);
    }

    [Fact]
    public void FromWgs84_Zhuzhou_OffsetIsHundredsOfMetres()
    {
        var wgs = new GeodeticPoint(27.828, 113.134);
        GeodeticPoint gcj = Gcj02.FromWgs84(wgs);

        double metres = ReferenceFiles.MetresBetween(wgs.Latitude, wgs.Longitude, gcj.Latitude, gcj.Longitude);
        Assert.InRange(metres, 300, 1000);
    }

    [Fact]
    public void ToWgs84_GridOverChina_RoundTripsWithinOneCentimetre()
    {
        double worst = 0;
        for (double lat = 18.0; lat <= 53.0; lat += 0.7)
        {
            for (double lon = 74.0; lon <= 134.9; lon += 0.9)
            {
                GeodeticPoint back = Gcj02.ToWgs84(Gcj02.FromWgs84(new GeodeticPoint(lat, lon)));
                worst = Math.Max(worst, ReferenceFiles.MetresBetween(lat, lon, back.Latitude, back.Longitude));
            }
        }

        Assert.InRange(worst, 0, Centimetre);
    }

    [Fact]
    public void ToWgs84_PublishedPairs_RecoversWgsWithinOneCentimetre()
    {
        foreach (var row in Published().Where(r => (string)r[0] == "wgs2gcj"))
        {
            GeodeticPoint wgs = Gcj02.ToWgs84(new GeodeticPoint((double)row[3], (double)row[4]));

            Assert.InRange(ReferenceFiles.MetresBetween((double)row[1], (double)row[2], wgs.Latitude, wgs.Longitude), 0, Centimetre);
        }
    }

    [Fact]
    public void ToWgs84_Iterative_BeatsOneStepInverseByOrdersOfMagnitude()
    {
        var wgs = new GeodeticPoint(27.828, 113.134);
        GeodeticPoint gcj = Gcj02.FromWgs84(wgs);
        // The one-step inverse wgs ≈ 2·gcj − f(gcj) (coordtransform gcj02towgs84).
        GeodeticPoint f = Gcj02.FromWgs84(gcj);
        double oneStepError = ReferenceFiles.MetresBetween(wgs.Latitude, wgs.Longitude, (2 * gcj.Latitude) - f.Latitude, (2 * gcj.Longitude) - f.Longitude);
        GeodeticPoint iterative = Gcj02.ToWgs84(gcj);
        double iterativeError = ReferenceFiles.MetresBetween(wgs.Latitude, wgs.Longitude, iterative.Latitude, iterative.Longitude);

        Assert.InRange(oneStepError, 0.1, 5);
        Assert.InRange(iterativeError, 0, 1e-4);
    }

    [Theory]
    [InlineData(48.8566, 2.3522)]     // Paris
    [InlineData(35.68, 139.69)]       // Tokyo, east of 135.05E
    [InlineData(1.29, 103.85)]        // Singapore, south of 3.86N
    [InlineData(60.0, 100.0)]         // north of 53.55N
    [InlineData(40.0, 70.0)]          // west of 73.66E
    public void FromWgs84AndToWgs84_OutsideChina_Unchanged(double lat, double lon)
    {
        var p = new GeodeticPoint(lat, lon);

        Assert.True(Gcj02.IsOutsideChina(lat, lon));
        Assert.Equal(p, Gcj02.FromWgs84(p));
        Assert.Equal(p, Gcj02.ToWgs84(p));
    }

    [Theory]
    [InlineData(3.86, 73.66, false)]
    [InlineData(53.55, 135.05, false)]
    [InlineData(3.859, 100, true)]
    [InlineData(30, 135.051, true)]
    public void IsOutsideChina_BoxEdges_CoordtransformRule(double lat, double lon, bool outside)
    {
        Assert.Equal(outside, Gcj02.IsOutsideChina(lat, lon));
    }

    [Fact]
    public void Bd09ToWgs84_GridOverChina_RoundTripsWithinOneCentimetre()
    {
        double worst = 0;
        for (double lat = 18.0; lat <= 53.0; lat += 1.3)
        {
            for (double lon = 74.0; lon <= 134.9; lon += 1.7)
            {
                GeodeticPoint back = Bd09.ToWgs84(Bd09.FromWgs84(new GeodeticPoint(lat, lon)));
                worst = Math.Max(worst, ReferenceFiles.MetresBetween(lat, lon, back.Latitude, back.Longitude));
            }
        }

        Assert.InRange(worst, 0, Centimetre);
    }

    [Fact]
    public void Bd09ToGcj02_Iterative_MoreAccurateThanPublishedOneStep()
    {
        var gcj = new GeodeticPoint(39.915, 116.404);
        GeodeticPoint bd = Bd09.FromGcj02(gcj);

        GeodeticPoint oneStep = Bd09.OneStepToGcj02(bd);
        GeodeticPoint iterative = Bd09.ToGcj02(bd);

        Assert.InRange(ReferenceFiles.MetresBetween(gcj.Latitude, gcj.Longitude, iterative.Latitude, iterative.Longitude), 0, 1e-4);
        Assert.True(ReferenceFiles.MetresBetween(gcj.Latitude, gcj.Longitude, oneStep.Latitude, oneStep.Longitude) > 1e-3);
    }
}
