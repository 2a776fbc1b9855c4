namespace BeidouHub.Geo.Tests;

public class WktGridTests
{
    private const double Millimetre = 0.001;
    private const double RoundTripDegrees = 1e-9;

    // `projinfo EPSG:4547 -o WKT1_GDAL --single-line` (PROJ 9.1.1).
    internal const string Epsg4547Wkt =
        "PROJCS[\"CGCS2000 / 3-degree Gauss-Kruger CM 114E\",GEOGCS[\"China Geodetic Coordinate System 2000\",DATUM[\"China_2000\",SPHEROID[\"CGCS2000\",6378137,298.257222101,AUTHORITY[\"EPSG\",\"1024\"]],AUTHORITY[\"EPSG\",\"1043\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AUTHORITY[\"EPSG\",\"4490\"]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",114],PARAMETER[\"scale_factor\",1],PARAMETER[\"false_easting\",500000],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1,AUTHORITY[\"EPSG\",\"9001\"]],AUTHORITY[\"EPSG\",\"4547\"]]";

    // `projinfo EPSG:4547 -o WKT1_ESRI --single-line`: what an ArcGIS .prj of the same grid says.
    private const string Epsg4547EsriWkt =
        "PROJCS[\"CGCS2000_3_Degree_GK_CM_114E\",GEOGCS[\"GCS_China_Geodetic_Coordinate_System_2000\",DATUM[\"D_China_2000\",SPHEROID[\"CGCS2000\",6378137.0,298.257222101]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]],PROJECTION[\"Gauss_Kruger\"],PARAMETER[\"False_Easting\",500000.0],PARAMETER[\"False_Northing\",0.0],PARAMETER[\"Central_Meridian\",114.0],PARAMETER[\"Scale_Factor\",1.0],PARAMETER[\"Latitude_Of_Origin\",0.0],UNIT[\"Meter\",1.0]]";

    // A city grid of the kind Chinese cities keep (the numbers are made up for the test):
    // central meridian 113°07'30" through the city, false origin moved near the city, and a
    // 60 m height plane realised as the CGCS2000 ellipsoid enlarged to a = 6378137 + 60.
    internal const string CityWkt =
        "PROJCS[\"Zhuzhou city grid (test)\",GEOGCS[\"CGCS2000 + 60 m\",DATUM[\"Zhuzhou_height_plane_60\",SPHEROID[\"CGCS2000 enlarged by 60 m\",6378197,298.257222101]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",113.125],PARAMETER[\"scale_factor\",1],PARAMETER[\"false_easting\",50000],PARAMETER[\"false_northing\",-3000000],UNIT[\"metre\",1],AXIS[\"Northing\",NORTH],AXIS[\"Easting\",EAST]]";

    // The same grid as PROJ writes it (cs2cs takes a +proj string as one argument without the '+').
    private const string CityProj = "proj=tmerc lat_0=0 lon_0=113.125 k=1 x_0=50000 y_0=-3000000 a=6378197 rf=298.257222101 units=m type=crs";
    private const string CityProjGeographic = "proj=longlat a=6378197 rf=298.257222101 type=crs";

    internal static readonly LocalTransverseMercator CityParameters = new()
    {
        CentralMeridian = 113.125,
        LatitudeOfOrigin = 0,
        FalseEasting = 50_000,
        FalseNorthing = -3_000_000,
        ScaleFactor = 1,
        HeightPlane = 60,
    };

    // Around Zhuzhou: the city centre, the park, and the corners of a 40 km square.
    private static readonly (double Lat, double Lon)[] Zhuzhou =
    [
        (27.828, 113.134), (27.858, 113.1686), (27.70, 112.95), (28.0, 113.35), (27.65, 113.30), (28.02, 112.93),
    ];

    [Fact]
    public void Forward_Epsg4547Wkt_AgreesWithFastPathWithinOneMillimetre()
    {
        WktGrid wkt = WktGrid.FromWkt(Epsg4547Wkt);
        GaussKrugerGrid fast = GaussKrugerGrid.FromEpsg(4547);

        foreach ((double lat, double lon) in Grid(27.6, 28.1, 112.8, 113.5))
        {
            GridPoint a = wkt.Forward(lat, lon);
            GridPoint b = fast.Forward(lat, lon);
            Assert.Equal(b.Northing, a.Northing, Millimetre);
            Assert.Equal(b.Easting, a.Easting, Millimetre);
        }
    }

    [Fact]
    public void FromWkt_Epsg4547_NameAndEpsgFromTheWkt()
    {
        WktGrid grid = WktGrid.FromWkt(Epsg4547Wkt);

        Assert.Equal("CGCS2000 / 3-degree Gauss-Kruger CM 114E", grid.Name);
        Assert.Equal(4547, grid.Epsg);
        Assert.Equal(0, grid.HeightPlane);
    }

    [Fact]
    public void Forward_EsriGaussKruger_ReadAsTransverseMercatorLikeTheFastPath()
    {
        WktGrid esri = WktGrid.FromWkt(Epsg4547EsriWkt);
        GaussKrugerGrid fast = GaussKrugerGrid.FromEpsg(4547);

        Assert.Equal("CGCS2000_3_Degree_GK_CM_114E", esri.Name);
        Assert.Null(esri.Epsg); // ESRI's WKT carries no AUTHORITY
        foreach ((double lat, double lon) in Zhuzhou)
        {
            Assert.Equal(fast.Forward(lat, lon).Northing, esri.Forward(lat, lon).Northing, Millimetre);
            Assert.Equal(fast.Forward(lat, lon).Easting, esri.Forward(lat, lon).Easting, Millimetre);
        }
    }

    [SkippableFact]
    public void Forward_Epsg4547Wkt_AgreesWithCs2csWithinOneMillimetre()
    {
        Skip.IfNot(Cs2cs.IsAvailable, "cs2cs (proj-bin) not installed");
        WktGrid grid = WktGrid.FromWkt(Epsg4547Wkt);

        List<(double A, double B)> expected = Cs2cs.Transform("EPSG:4490", "EPSG:4547", Zhuzhou); // lat lon in, northing easting out
        for (int i = 0; i < Zhuzhou.Length; i++)
        {
            GridPoint p = grid.Forward(Zhuzhou[i].Lat, Zhuzhou[i].Lon);
            Assert.Equal(expected[i].A, p.Northing, Millimetre);
            Assert.Equal(expected[i].B, p.Easting, Millimetre);
        }
    }

    [SkippableFact]
    public void Forward_CityGridAsWktAndAsParameters_AgreeWithCs2csWithinOneMillimetre()
    {
        Skip.IfNot(Cs2cs.IsAvailable, "cs2cs (proj-bin) not installed");
        // The source is the grid's own (enlarged) geographic CRS: latitude and longitude are
        // kept as they are, which is the ellipsoid expansion method (PROJ's ballpark from
        // EPSG:4490 gives the same numbers; this makes no datum choice for it).
        var input = Zhuzhou.Select(p => (p.Lon, p.Lat)).ToList();
        List<(double A, double B)> expected = Cs2cs.Transform(CityProjGeographic, CityProj, input); // easting northing out

        foreach (IGrid grid in new IGrid[] { WktGrid.FromWkt(CityWkt), Create(CityParameters) })
        {
            for (int i = 0; i < Zhuzhou.Length; i++)
            {
                GridPoint p = grid.Forward(Zhuzhou[i].Lat, Zhuzhou[i].Lon);
                Assert.Equal(expected[i].A, p.Easting, Millimetre);
                Assert.Equal(expected[i].B, p.Northing, Millimetre);
            }
        }
    }

    [Fact]
    public void Forward_CityGridAsWktAndAsParameters_CommittedCs2csValues()
    {
        // cs2cs -f %.6f "proj=longlat a=6378197 rf=298.257222101 type=crs" "proj=tmerc lat_0=0
        // lon_0=113.125 k=1 x_0=50000 y_0=-3000000 a=6378197 rf=298.257222101 units=m type=crs"
        // (PROJ 9.1.1; EPSG:4490 as the source gives the same digits): the suite's check where cs2cs is absent.
        (double Lat, double Lon, double Easting, double Northing)[] rows =
        [
            (27.828, 113.134, 50886.666805, 79410.040645),
            (27.858, 113.1686, 54294.226736, 82735.310603),
            (27.70, 112.95, 32739.059507, 65237.724112),
            (28.0, 113.35, 72131.660529, 98491.295907),
        ];

        foreach (IGrid grid in new IGrid[] { WktGrid.FromWkt(CityWkt), Create(CityParameters) })
        {
            foreach ((double lat, double lon, double easting, double northing) in rows)
            {
                GridPoint p = grid.Forward(lat, lon);
                Assert.Equal(easting, p.Easting, Millimetre);
                Assert.Equal(northing, p.Northing, Millimetre);
            }
        }
    }

    [Fact]
    public void ForwardThenInverse_Epsg4547AndCityGrids_RoundTripWithinOneNanodegree()
    {
        foreach (IGrid grid in new IGrid[] { WktGrid.FromWkt(Epsg4547Wkt), WktGrid.FromWkt(CityWkt), Create(CityParameters), WktGrid.FromWkt(Epsg4547EsriWkt) })
        {
            foreach ((double lat, double lon) in Grid(27.6, 28.1, 112.8, 113.5))
            {
                GeodeticPoint back = grid.Inverse(grid.Forward(lat, lon));
                Assert.Equal(lat, back.Latitude, RoundTripDegrees);
                Assert.Equal(lon, back.Longitude, RoundTripDegrees);
            }
        }
    }

    [Fact]
    public void Inverse_CityGridPoint_IsTheGeodeticPointCs2csProjected()
    {
        GeodeticPoint p = WktGrid.FromWkt(CityWkt).Inverse(new GridPoint(Northing: 79410.040645, Easting: 50886.666805));

        Assert.Equal(27.828, p.Latitude, 1e-8);
        Assert.Equal(113.134, p.Longitude, 1e-8);
    }

    [Fact]
    public void FromWkt_CityGrid_HeightPlaneFromTheEnlargedEllipsoidAndNoEpsg()
    {
        WktGrid grid = WktGrid.FromWkt(CityWkt);

        Assert.Equal(60, grid.HeightPlane, 1e-9);
        Assert.Null(grid.Epsg);
        Assert.Equal("Zhuzhou city grid (test)", grid.Name);
    }

    [Fact]
    public void FromWkt_WgsUtm_Accepted()
    {
        // `projinfo EPSG:32649`: WGS 84 is CGCS2000-compatible (no TOWGS84, same a, 1/f within 1.5e-6).
        const string utm49 = "PROJCS[\"WGS 84 / UTM zone 49N\",GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AUTHORITY[\"EPSG\",\"4326\"]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",111],PARAMETER[\"scale_factor\",0.9996],PARAMETER[\"false_easting\",500000],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1,AUTHORITY[\"EPSG\",\"9001\"]],AXIS[\"Easting\",EAST],AXIS[\"Northing\",NORTH],AUTHORITY[\"EPSG\",\"32649\"]]";

        Assert.True(WktGrid.TryFromWkt(utm49, out WktGrid? grid, out string? error), error);
        Assert.Equal(32649, grid.Epsg);
        // Zhuzhou is 2.13 degrees east of CM 111E: about 210 km east of the false easting.
        Assert.InRange(grid.Forward(27.828, 113.134).Easting, 709_000, 711_000);
    }

    [Theory]
    [InlineData("", "the WKT is empty")]
    [InlineData("PROJCS[\"broken\",GEOGCS[", "not a WKT coordinate system ProjNET can read")]
    [InlineData("EPSG:4547", "not a WKT coordinate system ProjNET can read")]
    [InlineData("PROJCS[\"half", "not a WKT coordinate system ProjNET can read: a double-quoted name is not closed")] // ProjNET alone never returns
    [InlineData(
        "GEOGCS[\"China Geodetic Coordinate System 2000\",DATUM[\"China_2000\",SPHEROID[\"CGCS2000\",6378137,298.257222101]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]]",
        "'China Geodetic Coordinate System 2000' is a geographic CRS (GEOGCS); a grid is a projected CRS")]
    [InlineData(
        "PROJCS[\"Beijing 1954 / 3-degree Gauss-Kruger CM 114E\",GEOGCS[\"Beijing 1954\",DATUM[\"Beijing_1954\",SPHEROID[\"Krassowsky 1940\",6378245,298.3],TOWGS84[15.8,-154.4,-82.3,0,0,0,0]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",114],PARAMETER[\"scale_factor\",1],PARAMETER[\"false_easting\",500000],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1]]",
        "datum 'Beijing_1954' has a TOWGS84 datum shift")]
    [InlineData(
        "PROJCS[\"Xian 1980 / 3-degree Gauss-Kruger CM 114E\",GEOGCS[\"Xian 1980\",DATUM[\"Xian_1980\",SPHEROID[\"IAG 1975\",6378140,298.257]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",114],PARAMETER[\"scale_factor\",1],PARAMETER[\"false_easting\",500000],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1]]",
        "ellipsoid 'IAG 1975' (a = 6378140 m, 1/f = 298.257) is neither CGCS2000/WGS 84")]
    [InlineData(
        "PROJCS[\"CGCS2000 / equidistant conic\",GEOGCS[\"CGCS2000\",DATUM[\"China_2000\",SPHEROID[\"CGCS2000\",6378137,298.257222101]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]],PROJECTION[\"Equidistant_Conic\"],PARAMETER[\"latitude_of_center\",30],PARAMETER[\"longitude_of_center\",105],PARAMETER[\"standard_parallel_1\",25],PARAMETER[\"standard_parallel_2\",47],PARAMETER[\"false_easting\",0],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1]]",
        "projection 'Equidistant_Conic' is not one ProjNET implements")]
    [InlineData(
        "PROJCS[\"CGCS2000 / TM in feet\",GEOGCS[\"CGCS2000\",DATUM[\"China_2000\",SPHEROID[\"CGCS2000\",6378137,298.257222101]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",114],PARAMETER[\"scale_factor\",1],PARAMETER[\"false_easting\",500000],PARAMETER[\"false_northing\",0],UNIT[\"foot\",0.3048]]",
        "linear unit 'foot' is not the metre")]
    [InlineData(
        "PROJCS[\"CGCS2000 / TM from Paris\",GEOGCS[\"CGCS2000 Paris\",DATUM[\"China_2000\",SPHEROID[\"CGCS2000\",6378137,298.257222101]],PRIMEM[\"Paris\",2.33722917],UNIT[\"degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",114],PARAMETER[\"scale_factor\",1],PARAMETER[\"false_easting\",500000],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1]]",
        "prime meridian 'Paris' is not Greenwich")]
    [InlineData(
        "PROJCS[\"CGCS2000 / south-west TM\",GEOGCS[\"CGCS2000\",DATUM[\"China_2000\",SPHEROID[\"CGCS2000\",6378137,298.257222101]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",114],PARAMETER[\"scale_factor\",1],PARAMETER[\"false_easting\",500000],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1],AXIS[\"Southing\",SOUTH],AXIS[\"Westing\",WEST]]",
        "axis 'Southing' points South")]
    public void TryFromWkt_UnusableWkt_FalseWithOneLineReason(string wkt, string reason)
    {
        Assert.False(WktGrid.TryFromWkt(wkt, out WktGrid? grid, out string? error));

        Assert.Null(grid);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void FromWkt_UnusableWkt_ThrowsWithTheReason()
    {
        var e = Assert.Throws<ArgumentException>(() => WktGrid.FromWkt("GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]]"));

        Assert.Contains("geographic CRS", e.Message, StringComparison.Ordinal);
    }

    internal static WktGrid Create(LocalTransverseMercator parameters) =>
        parameters.TryCreateGrid(out WktGrid? grid, out string? error) ? grid : throw new InvalidOperationException(error);

    private static IEnumerable<(double Lat, double Lon)> Grid(double lat0, double lat1, double lon0, double lon1)
    {
        for (double lat = lat0; lat <= lat1; lat += (lat1 - lat0) / 7)
        {
            for (double lon = lon0; lon <= lon1; lon += (lon1 - lon0) / 7)
            {
                yield return (lat, lon);
            }
        }
    }
}
