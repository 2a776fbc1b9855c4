namespace BeidouHub.Geo.Tests;

public class LocalTransverseMercatorTests
{
    [Fact]
    public void TryCreateGrid_CityParameters_SameGridAsTheHandWrittenWkt()
    {
        WktGrid fromParameters = WktGridTests.Create(WktGridTests.CityParameters);
        WktGrid fromWkt = WktGrid.FromWkt(WktGridTests.CityWkt);

        for (double lat = 27.6; lat <= 28.1; lat += 0.05)
        {
            GridPoint a = fromParameters.Forward(lat, 113.2);
            GridPoint b = fromWkt.Forward(lat, 113.2);
            Assert.Equal(b.Northing, a.Northing, 1e-6);
            Assert.Equal(b.Easting, a.Easting, 1e-6);
        }

        Assert.Equal(60, fromParameters.HeightPlane, 1e-9);
    }

    [Fact]
    public void HeightPlane_Sixty_EqualsScaleFactorOnePlusHOverA()
    {
        // The documented equivalence: a0 + H with the flattening kept is k0 (1 + H/a0) about the false origin.
        WktGrid enlarged = WktGridTests.Create(WktGridTests.CityParameters);
        WktGrid scaled = WktGridTests.Create(WktGridTests.CityParameters with { HeightPlane = 0, ScaleFactor = 1 + (60 / 6378137.0) });

        for (double lon = 112.9; lon <= 113.4; lon += 0.05)
        {
            GridPoint a = enlarged.Forward(27.85, lon);
            GridPoint b = scaled.Forward(27.85, lon);
            Assert.Equal(b.Northing, a.Northing, 1e-5);
            Assert.Equal(b.Easting, a.Easting, 1e-5);
        }
    }

    [Fact]
    public void Forward_HeightPlaneSixty_ScalesDistancesFromTheFalseOriginByOnePlusHOverA()
    {
        WktGrid plane = WktGridTests.Create(WktGridTests.CityParameters);
        WktGrid ellipsoid = WktGridTests.Create(WktGridTests.CityParameters with { HeightPlane = 0 });

        GridPoint p = plane.Forward(27.85, 113.2);
        GridPoint q = ellipsoid.Forward(27.85, 113.2);

        // Northing from the equator is 3,080 km, less the 3,000 km false northing: 60/a0 of
        // 3,080 km is 29 m; easting is 7.4 km east of the false easting: 7 cm.
        Assert.Equal((q.Northing + 3_000_000) * (1 + (60 / 6378137.0)), p.Northing + 3_000_000, 1e-4);
        Assert.Equal((q.Easting - 50_000) * (1 + (60 / 6378137.0)), p.Easting - 50_000, 1e-4);
    }

    [Fact]
    public void ToWkt_NoHeightPlane_ProjectsOnCgcs2000ItselfLikeEpsg4547()
    {
        var gk = new LocalTransverseMercator { CentralMeridian = 114 };

        string wkt = gk.ToWkt();
        WktGrid grid = WktGrid.FromWkt(wkt);

        Assert.Contains("SPHEROID[\"CGCS2000\",6378137,298.257222101", wkt, StringComparison.Ordinal);
        Assert.Equal("CGCS2000 / TM CM 114E", grid.Name);
        GridPoint fast = GaussKrugerGrid.FromEpsg(4547).Forward(27.828, 113.134);
        Assert.Equal(fast.Northing, grid.Forward(27.828, 113.134).Northing, 0.001);
        Assert.Equal(fast.Easting, grid.Forward(27.828, 113.134).Easting, 0.001);
    }

    [Fact]
    public void DisplayName_HeightPlaneAndGivenName()
    {
        Assert.Equal("CGCS2000 / TM CM 113.125E on height plane 60 m", WktGridTests.CityParameters.DisplayName);
        Assert.Equal("Zhuzhou 2000", (WktGridTests.CityParameters with { Name = "Zhuzhou 2000" }).DisplayName);
        Assert.Equal("Zhuzhou 2000", WktGridTests.Create(WktGridTests.CityParameters with { Name = "Zhuzhou 2000" }).Name);
    }

    [Theory]
    [InlineData(double.NaN, 0, 1, 0, "CentralMeridian NaN is outside -180..180 degrees")]
    [InlineData(181, 0, 1, 0, "CentralMeridian 181 is outside -180..180 degrees")]
    [InlineData(113, 91, 1, 0, "LatitudeOfOrigin 91 is outside -90..90 degrees")]
    [InlineData(113, 0, 0, 0, "ScaleFactor 0 is outside 0.9..1.1")]
    [InlineData(113, 0, 1, 60000, "HeightPlane 60000 is outside -1000..9000 metres")]
    [InlineData(113, 0, 1, -1001, "HeightPlane -1001 is outside -1000..9000 metres")]
    public void TryValidate_OutOfRange_OneReasonNamingTheValue(double cm, double lat0, double k, double h, string reason)
    {
        var p = new LocalTransverseMercator { CentralMeridian = cm, LatitudeOfOrigin = lat0, ScaleFactor = k, HeightPlane = h };

        Assert.False(p.TryValidate(out string? error));
        Assert.Equal(reason, error);
        Assert.False(p.TryCreateGrid(out WktGrid? grid, out string? createError));
        Assert.Null(grid);
        Assert.Equal(reason, createError);
    }

    [Fact]
    public void TryValidate_EdgesOfTheRanges_Valid()
    {
        var p = new LocalTransverseMercator { CentralMeridian = 180, LatitudeOfOrigin = -90, ScaleFactor = 1.1, HeightPlane = 9000, FalseEasting = double.Epsilon };

        Assert.True(p.TryValidate(out string? error), error);
    }
}
