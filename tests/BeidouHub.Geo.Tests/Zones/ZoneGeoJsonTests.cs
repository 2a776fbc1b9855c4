using BeidouHub.Geo.Zones;

namespace BeidouHub.Geo.Tests.Zones;

public class ZoneGeoJsonTests
{
    [Fact]
    public void Parse_FeatureCollection_ReadsIdsHolesAndMultiPolygons()
    {
        const string json = """
            {"type":"FeatureCollection","features":[
              {"type":"Feature","id":"plant","properties":{"dwellSeconds":60},
               "geometry":{"type":"Polygon","coordinates":[[[0,0],[100,0],[100,100],[0,100],[0,0]],[[40,40],[60,40],[60,60],[40,60],[40,40]]]}},
              {"type":"Feature","properties":{"name":"yards"},
               "geometry":{"type":"MultiPolygon","coordinates":[[[[200,0],[210,0],[210,10],[200,0]]],[[[300,0],[310,0],[310,10],[300,0]]]]}}]}
            """;

        IReadOnlyList<ZoneDefinition> zones = ZoneGeoJson.Parse(json, ZoneCoordinates.Park);

        Assert.Equal(["plant", "yards"], zones.Select(z => z.Id));
        Assert.Equal(60, zones[0].DwellSeconds);
        Assert.Equal(2, zones[0].Polygons[0].Count); // outer ring + hole
        Assert.Equal(2, zones[1].Polygons.Count);
        Assert.Equal([40.0, 40.0], zones[0].Polygons[0][1][0]);
        Assert.All(zones, z => Assert.Equal(ZoneCoordinates.Park, z.Coordinates));
    }

    [Fact]
    public void Parse_PointGeometry_ThrowsFormatException()
    {
        const string json = """{"type":"Feature","id":"p","geometry":{"type":"Point","coordinates":[113.1,27.8]}}""";

        var ex = Assert.Throws<FormatException>(() => ZoneGeoJson.Parse(json));

        Assert.Contains("Point", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NotJson_ThrowsFormatException()
    {
        Assert.Throws<FormatException>(() => ZoneGeoJson.Parse("{not json"));
    }
}
