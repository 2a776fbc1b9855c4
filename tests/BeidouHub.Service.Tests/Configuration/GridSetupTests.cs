using BeidouHub.Geo;
using BeidouHub.Service.Configuration;

namespace BeidouHub.Service.Tests.Configuration;

public class GridSetupTests
{
    // A city grid with its own central meridian, false origin and a 60 m height plane (test values).
    internal const string CityWkt =
        "PROJCS[\"Zhuzhou city grid (test)\",GEOGCS[\"CGCS2000 + 60 m\",DATUM[\"Zhuzhou_height_plane_60\",SPHEROID[\"CGCS2000 enlarged by 60 m\",6378197,298.257222101]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",113.125],PARAMETER[\"scale_factor\",1],PARAMETER[\"false_easting\",50000],PARAMETER[\"false_northing\",-3000000],UNIT[\"metre\",1]]";

    private const string Cgcs2000Geographic =
        "GEOGCS[\"China Geodetic Coordinate System 2000\",DATUM[\"China_2000\",SPHEROID[\"CGCS2000\",6378137,298.257222101]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]]";

    [Fact]
    public void TryBuild_NothingConfigured_Epsg4547FastPath()
    {
        Assert.True(GridSetup.TryBuild(new GeoConfig(), out IGrid? grid, out string? error), error);

        Assert.Equal(4547, Assert.IsType<GaussKrugerGrid>(grid).Epsg);
    }

    [Theory]
    [InlineData(4526, 4526)]
    [InlineData(0, 4547)] // 0: the 3-degree zone of the park's longitude
    public void TryBuild_GridEpsgAsBefore_GaussKrugerGrid(int configured, int expected)
    {
        Assert.True(GridSetup.TryBuild(new GeoConfig { GridEpsg = configured }, out IGrid? grid, out string? error), error);

        Assert.Equal(expected, Assert.IsType<GaussKrugerGrid>(grid).Epsg);
    }

    [Fact]
    public void TryBuild_GridEpsg_SameFastPathAsGridEpsgSetting()
    {
        Assert.True(GridSetup.TryBuild(new GeoConfig { Grid = new GridConfig { Epsg = 4508 } }, out IGrid? grid, out string? error), error);

        Assert.Equal(4508, Assert.IsType<GaussKrugerGrid>(grid).Epsg);
    }

    [Fact]
    public void TryBuild_GridWkt_WktGridThroughProjNet()
    {
        Assert.True(GridSetup.TryBuild(new GeoConfig { Grid = new GridConfig { Wkt = CityWkt } }, out IGrid? grid, out string? error), error);

        var wkt = Assert.IsType<WktGrid>(grid);
        Assert.Equal("Zhuzhou city grid (test)", wkt.Name);
        Assert.Null(wkt.Epsg);
        Assert.Equal(79410.040645, wkt.Forward(27.828, 113.134).Northing, 0.001); // cs2cs, see Geo's WktGridTests
    }

    [Fact]
    public void TryBuild_GridWktFile_ReadsTheFile()
    {
        string file = Path.Combine(Path.GetTempPath(), $"beidouhub-grid-{Guid.NewGuid():N}.prj");
        File.WriteAllText(file, CityWkt + "\n");
        try
        {
            Assert.True(GridSetup.TryBuild(new GeoConfig { Grid = new GridConfig { WktFile = file } }, out IGrid? grid, out string? error), error);

            Assert.Equal("Zhuzhou city grid (test)", grid.Name);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void TryBuild_GridParameters_SameGridAsTheWkt()
    {
        var config = new GridConfig { CentralMeridian = 113.125, FalseEasting = 50_000, FalseNorthing = -3_000_000, HeightPlane = 60, Name = "Zhuzhou 2000" };

        Assert.True(GridSetup.TryBuild(new GeoConfig { Grid = config }, out IGrid? grid, out string? error), error);

        Assert.Equal("Zhuzhou 2000", grid.Name);
        Assert.Null(grid.Epsg);
        GridPoint p = grid.Forward(27.828, 113.134);
        GridPoint q = WktGrid.FromWkt(CityWkt).Forward(27.828, 113.134);
        Assert.Equal(q.Northing, p.Northing, 1e-6);
        Assert.Equal(q.Easting, p.Easting, 1e-6);
    }

    [Fact]
    public void TryBuild_GridParametersOnlyCentralMeridian_ChineseGaussKrugerDefaults()
    {
        Assert.True(GridSetup.TryBuild(new GeoConfig { Grid = new GridConfig { CentralMeridian = 114 } }, out IGrid? grid, out string? error), error);

        // False easting 500 km, scale 1, no height plane: the EPSG:4547 numbers.
        GridPoint fast = GaussKrugerGrid.FromEpsg(4547).Forward(27.828, 113.134);
        Assert.Equal(fast.Northing, grid.Forward(27.828, 113.134).Northing, 0.001);
        Assert.Equal(fast.Easting, grid.Forward(27.828, 113.134).Easting, 0.001);
    }

    [Theory]
    [InlineData("both", "BeidouHub:Geo: give GridEpsg or Grid, not both")]
    [InlineData("epsg+wkt", "BeidouHub:Geo:Grid: give one of Epsg, Wkt, WktFile or the parameters, not Epsg and Wkt")]
    [InlineData("wkt+parameters", "BeidouHub:Geo:Grid: give one of Epsg, Wkt, WktFile or the parameters, not Wkt and the parameters")]
    [InlineData("none", "BeidouHub:Geo:Grid: give Epsg, Wkt, WktFile, or the Transverse Mercator parameters")]
    [InlineData("no-cm", "BeidouHub:Geo:Grid: CentralMeridian is missing")]
    [InlineData("name+wkt", "BeidouHub:Geo:Grid:Name names a grid given by parameters")]
    [InlineData("bad-epsg", "BeidouHub:Geo:Grid:Epsg: EPSG:3857 is not a CGCS2000 Gauss-Kruger CRS")]
    [InlineData("bad-gridepsg", "BeidouHub:Geo:GridEpsg: EPSG:32649 is not a CGCS2000 Gauss-Kruger CRS")]
    [InlineData("bad-wkt", "BeidouHub:Geo:Grid:Wkt: not a WKT coordinate system ProjNET can read")]
    [InlineData("geographic", "BeidouHub:Geo:Grid:Wkt: 'China Geodetic Coordinate System 2000' is a geographic CRS")]
    [InlineData("bad-parameter", "BeidouHub:Geo:Grid: HeightPlane 60000 is outside -1000..9000 metres")]
    [InlineData("missing-file", "BeidouHub:Geo:Grid:WktFile '/nonexistent/city.prj': ")]
    public void TryBuild_BadGrid_OneLineNamingTheSetting(string setting, string expected)
    {
        GeoConfig geo = setting switch
        {
            "both" => new GeoConfig { GridEpsg = 4547, Grid = new GridConfig { Wkt = CityWkt } },
            "epsg+wkt" => new GeoConfig { Grid = new GridConfig { Epsg = 4547, Wkt = CityWkt } },
            "wkt+parameters" => new GeoConfig { Grid = new GridConfig { Wkt = CityWkt, HeightPlane = 60 } },
            "none" => new GeoConfig { Grid = new GridConfig() },
            "no-cm" => new GeoConfig { Grid = new GridConfig { HeightPlane = 60 } },
            "name+wkt" => new GeoConfig { Grid = new GridConfig { Wkt = CityWkt, Name = "city" } },
            "bad-epsg" => new GeoConfig { Grid = new GridConfig { Epsg = 3857 } },
            "bad-gridepsg" => new GeoConfig { GridEpsg = 32649 },
            "bad-wkt" => new GeoConfig { Grid = new GridConfig { Wkt = "PROJCS[\"half" } },
            "geographic" => new GeoConfig { Grid = new GridConfig { Wkt = Cgcs2000Geographic } },
            "bad-parameter" => new GeoConfig { Grid = new GridConfig { CentralMeridian = 113, HeightPlane = 60_000 } },
            "missing-file" => new GeoConfig { Grid = new GridConfig { WktFile = "/nonexistent/city.prj" } },
            _ => throw new ArgumentOutOfRangeException(nameof(setting)),
        };

        Assert.False(GridSetup.TryBuild(geo, out IGrid? grid, out string? error));

        Assert.Null(grid);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
    }

    [Theory]
    [InlineData("EPSG:4526", 4526)]
    [InlineData("epsg:4547", 4547)]
    public void TryParseArgument_EpsgCode_FastPath(string value, int epsg)
    {
        Assert.True(GridSetup.TryParseArgument(value, out IGrid? grid, out string? error), error);

        Assert.Equal(epsg, Assert.IsType<GaussKrugerGrid>(grid).Epsg);
    }

    [Fact]
    public void TryParseArgument_InlineWkt_WktGrid()
    {
        Assert.True(GridSetup.TryParseArgument(CityWkt, out IGrid? grid, out string? error), error);

        Assert.Equal("Zhuzhou city grid (test)", Assert.IsType<WktGrid>(grid).Name);
    }

    [Theory]
    [InlineData("EPSG:3857", "--grid EPSG:3857: not a CGCS2000 Gauss-Kruger grid (EPSG:4491-4554)")]
    [InlineData("4547", "--grid 4547: give EPSG:CODE (4491-4554), a WKT (PROJCS[...]) or a file holding one")]
    [InlineData("GEOGCS[\"x\",DATUM[\"d\",SPHEROID[\"s\",6378137,298.257222101]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]]", "--grid: 'x' is a geographic CRS")]
    public void TryParseArgument_Unusable_Reason(string value, string expected)
    {
        Assert.False(GridSetup.TryParseArgument(value, out IGrid? grid, out string? error));

        Assert.Null(grid);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_EpsgAndCustomGrids_NamesThem()
    {
        Assert.Equal("EPSG:4547 (CGCS2000 / 3-degree Gauss-Kruger CM 114E)", GridSetup.Describe(GaussKrugerGrid.FromEpsg(4547)));
        Assert.Equal("'Zhuzhou city grid (test)' (WKT, ProjNET)", GridSetup.Describe(WktGrid.FromWkt(CityWkt)));
    }
}
