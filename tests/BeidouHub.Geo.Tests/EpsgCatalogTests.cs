using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;

namespace BeidouHub.Geo.Tests;

public class EpsgCatalogTests
{
    [Fact]
    public void Create_EverySupportedCode_ParsesWithNameAndAuthorityCode()
    {
        for (int epsg = GaussKrugerZone.FirstEpsg; epsg <= GaussKrugerZone.LastEpsg; epsg++)
        {
            CoordinateSystem cs = EpsgCatalog.Create(epsg);

            var projected = Assert.IsType<ProjectedCoordinateSystem>(cs);
            Assert.Equal(GaussKrugerZone.FromEpsg(epsg).Name, projected.Name);
            Assert.Equal(epsg, projected.AuthorityCode);
            Assert.Equal("EPSG", projected.Authority);
            Assert.Equal(6378137.0, projected.GeographicCoordinateSystem.HorizontalDatum.Ellipsoid.SemiMajorAxis);
            Assert.Equal(298.257222101, projected.GeographicCoordinateSystem.HorizontalDatum.Ellipsoid.InverseFlattening);
        }
    }

    [Theory]
    [InlineData(4490, "China Geodetic Coordinate System 2000", 298.257222101)]
    [InlineData(4326, "WGS 84", 298.257223563)]
    public void Create_GeographicCodes_ParseWithEllipsoid(int epsg, string name, double inverseFlattening)
    {
        var cs = Assert.IsType<GeographicCoordinateSystem>(EpsgCatalog.Create(epsg));

        Assert.Equal(name, cs.Name);
        Assert.Equal(epsg, cs.AuthorityCode);
        Assert.Equal(inverseFlattening, cs.HorizontalDatum.Ellipsoid.InverseFlattening);
    }

    [Fact]
    public void GetWkt_Epsg4547_HasEpsgParameters()
    {
        string wkt = EpsgCatalog.GetWkt(4547);

        Assert.StartsWith("PROJCS[\"CGCS2000 / 3-degree Gauss-Kruger CM 114E\"", wkt, StringComparison.Ordinal);
        Assert.Contains("PARAMETER[\"central_meridian\",114]", wkt, StringComparison.Ordinal);
        Assert.Contains("PARAMETER[\"false_easting\",500000]", wkt, StringComparison.Ordinal);
        Assert.Contains("AUTHORITY[\"EPSG\",\"4547\"]", wkt, StringComparison.Ordinal);
        Assert.Contains("PARAMETER[\"false_easting\",38500000]", EpsgCatalog.GetWkt(4526), StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_UnknownCode_ReturnsFalseWithMessage()
    {
        Assert.False(EpsgCatalog.TryCreate(3857, out CoordinateSystem? cs, out string? error));
        Assert.Null(cs);
        Assert.Contains("EPSG:3857", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_UnknownCode_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => EpsgCatalog.Create(32649));

        Assert.Contains("EPSG:32649", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4547)]
    [InlineData(4526)]
    [InlineData(4508)]
    [InlineData(4497)]
    [InlineData(4534)]
    [InlineData(4554)]
    public void ProjNetTransform_FromGeneratedWkt_AgreesWithOwnProjectionNearZhuzhouAndZone(int epsg)
    {
        // ProjNET is the independent cross-check of the generated WKT (parameters, axis
        // handling) and of the own Transverse Mercator; measured against the cs2cs reference
        // file ProjNET 2.0.0 is within 0.01 mm inside the zones, so 1 mm is a fair bound.
        var transform = new CoordinateTransformationFactory()
            .CreateFromCoordinateSystems(EpsgCatalog.Create(4490), EpsgCatalog.Create(epsg)).MathTransform;
        GaussKrugerGrid grid = GaussKrugerGrid.FromEpsg(epsg);
        double half = (int)grid.Zone.Width / 2.0;

        for (double lat = 18; lat <= 53; lat += 5)
        {
            for (double dLon = -half; dLon <= half; dLon += half / 2)
            {
                double lon = grid.Zone.CentralMeridian + dLon;
                (double x, double y) = transform.Transform(lon, lat);
                GridPoint own = grid.Forward(lat, lon);
                Assert.Equal(own.Easting, x, 0.001);
                Assert.Equal(own.Northing, y, 0.001);
            }
        }
    }
}
