namespace BeidouHub.Geo.Tests;

public class GaussKrugerZoneTests
{
    public static TheoryData<int, string, double, double> ProjinfoRows()
    {
        var data = new TheoryData<int, string, double, double>();
        foreach (string[] row in ReferenceFiles.ReadRows("epsg-gauss-kruger-projinfo.txt", '|'))
        {
            data.Add(ReferenceFiles.I(row[0]), row[1], ReferenceFiles.D(row[2]), ReferenceFiles.D(row[3]));
        }

        return data;
    }

    [Fact]
    public void ProjinfoRows_CoverWholeFamily_64Codes()
    {
        Assert.Equal(64, ProjinfoRows().Count);
    }

    [Theory]
    [MemberData(nameof(ProjinfoRows))]
    public void FromEpsg_EveryCodeOfFamily_MatchesProjEpsgDatabase(int epsg, string name, double centralMeridian, double falseEasting)
    {
        GaussKrugerZone zone = GaussKrugerZone.FromEpsg(epsg);

        Assert.Equal(epsg, zone.Epsg);
        Assert.Equal(name, zone.Name);
        Assert.Equal(centralMeridian, zone.CentralMeridian);
        Assert.Equal(falseEasting, zone.FalseEasting);
    }

    [Theory]
    [InlineData(4490)]
    [InlineData(4326)]
    [InlineData(4555)]
    [InlineData(32650)]
    [InlineData(-1)]
    public void TryFromEpsg_CodeOutsideFamily_ReturnsFalseWithMessage(int epsg)
    {
        bool ok = GaussKrugerZone.TryFromEpsg(epsg, out GaussKrugerZone? zone, out string? error);

        Assert.False(ok);
        Assert.Null(zone);
        Assert.Contains($"EPSG:{epsg}", error, StringComparison.Ordinal);
        Assert.Contains("4491-4554", error, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEpsg_UnknownCode_ThrowsArgumentException()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => GaussKrugerZone.FromEpsg(4555));

        Assert.Contains("4491-4554", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(GaussKrugerZoneWidth.ThreeDegree, false, 4547, "CGCS2000 / 3-degree Gauss-Kruger CM 114E")]
    [InlineData(GaussKrugerZoneWidth.ThreeDegree, true, 4526, "CGCS2000 / 3-degree Gauss-Kruger zone 38")]
    [InlineData(GaussKrugerZoneWidth.SixDegree, false, 4508, "CGCS2000 / Gauss-Kruger CM 111E")]
    [InlineData(GaussKrugerZoneWidth.SixDegree, true, 4497, "CGCS2000 / Gauss-Kruger zone 19")]
    public void ForLongitude_Zhuzhou_SelectsEpsgOfParkZone(GaussKrugerZoneWidth width, bool prefix, int epsg, string name)
    {
        GaussKrugerZone zone = GaussKrugerZone.ForLongitude(113.134, width, prefix);

        Assert.Equal(epsg, zone.Epsg);
        Assert.Equal(name, zone.Name);
    }

    [Theory]
    [InlineData(73.5, GaussKrugerZoneWidth.ThreeDegree, 4534)]  // western edge of zone 25 (CM 75E)
    [InlineData(112.49, GaussKrugerZoneWidth.ThreeDegree, 4546)] // just west of zone 38's edge 112.5E
    [InlineData(112.5, GaussKrugerZoneWidth.ThreeDegree, 4547)]  // a zone edge belongs to the eastern zone
    [InlineData(136.49, GaussKrugerZoneWidth.ThreeDegree, 4554)]
    [InlineData(72.0, GaussKrugerZoneWidth.SixDegree, 4502)]
    [InlineData(113.99, GaussKrugerZoneWidth.SixDegree, 4508)]
    [InlineData(114.0, GaussKrugerZoneWidth.SixDegree, 4509)]
    [InlineData(137.99, GaussKrugerZoneWidth.SixDegree, 4512)]
    public void ForLongitude_NearZoneEdges_PicksZoneContainingLongitude(double lon, GaussKrugerZoneWidth width, int epsg)
    {
        GaussKrugerZone zone = GaussKrugerZone.ForLongitude(lon, width, zonePrefix: false);

        Assert.Equal(epsg, zone.Epsg);
        double half = (int)width / 2.0;
        Assert.InRange(lon, zone.CentralMeridian - half, zone.CentralMeridian + half);
    }

    [Theory]
    [InlineData(73.49, GaussKrugerZoneWidth.ThreeDegree)]
    [InlineData(136.5, GaussKrugerZoneWidth.ThreeDegree)]
    [InlineData(71.99, GaussKrugerZoneWidth.SixDegree)]
    [InlineData(138.0, GaussKrugerZoneWidth.SixDegree)]
    [InlineData(double.NaN, GaussKrugerZoneWidth.SixDegree)]
    public void ForLongitude_OutsideChinaZones_Throws(double lon, GaussKrugerZoneWidth width)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => GaussKrugerZone.ForLongitude(lon, width, zonePrefix: true));

        Assert.Contains("outside", ex.Message, StringComparison.Ordinal);
    }
}
