using System.Globalization;
using System.Text.Json;

namespace BeidouHub.Geo.Zones;

/// <summary>
/// Reads zones from GeoJSON (RFC 7946): a FeatureCollection (or a single Feature) whose
/// features have Polygon or MultiPolygon geometries. The zone id is the feature's "id" or its
/// "id"/"name" property; "dwellSeconds" in the properties sets the dwell time. RFC 7946
/// positions are [longitude, latitude]; for park-grid files (a common extension, e.g. QGIS
/// exports in a local CRS) pass <see cref="ZoneCoordinates.Park"/> and positions are [east, north].
/// </summary>
public static class ZoneGeoJson
{
    /// <summary>Parses GeoJSON text into zone definitions.</summary>
    /// <exception cref="FormatException">The text is not GeoJSON of polygons; the message says where.</exception>
    public static IReadOnlyList<ZoneDefinition> Parse(string json, ZoneCoordinates coordinates = ZoneCoordinates.Geodetic)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(json);
            JsonElement root = doc.RootElement;
            var zones = new List<ZoneDefinition>();
            string type = root.GetProperty("type").GetString() ?? "";
            if (type == "FeatureCollection")
            {
                int i = 0;
                foreach (JsonElement feature in root.GetProperty("features").EnumerateArray())
                {
                    zones.Add(ReadFeature(feature, coordinates, i++));
                }
            }
            else if (type == "Feature")
            {
                zones.Add(ReadFeature(root, coordinates, 0));
            }
            else
            {
                throw new FormatException($"GeoJSON root type '{type}' is not FeatureCollection or Feature.");
            }

            return zones;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"Not a GeoJSON polygon collection: {ex.Message}", ex);
        }
    }

    private static ZoneDefinition ReadFeature(JsonElement feature, ZoneCoordinates coordinates, int index)
    {
        JsonElement properties = feature.TryGetProperty("properties", out JsonElement p) && p.ValueKind == JsonValueKind.Object ? p : default;
        string? id = feature.TryGetProperty("id", out JsonElement idElement) ? Text(idElement) : null;
        if (id is null && properties.ValueKind == JsonValueKind.Object)
        {
            id = properties.TryGetProperty("id", out JsonElement pid) ? Text(pid)
                : properties.TryGetProperty("name", out JsonElement name) ? Text(name) : null;
        }

        id ??= string.Create(CultureInfo.InvariantCulture, $"zone-{index}");
        var zone = new ZoneDefinition { Id = id, Coordinates = coordinates };
        if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty("dwellSeconds", out JsonElement dwell))
        {
            zone.DwellSeconds = dwell.GetDouble();
        }

        JsonElement geometry = feature.GetProperty("geometry");
        string type = geometry.GetProperty("type").GetString() ?? "";
        JsonElement coords = geometry.GetProperty("coordinates");
        switch (type)
        {
            case "Polygon":
                zone.Polygons.Add(ReadPolygon(coords));
                break;
            case "MultiPolygon":
                foreach (JsonElement polygon in coords.EnumerateArray())
                {
                    zone.Polygons.Add(ReadPolygon(polygon));
                }

                break;
            default:
                throw new FormatException($"Feature '{id}' has geometry '{type}'; zones must be Polygon or MultiPolygon.");
        }

        return zone;
    }

    private static List<IList<double[]>> ReadPolygon(JsonElement polygon)
    {
        var rings = new List<IList<double[]>>();
        foreach (JsonElement ring in polygon.EnumerateArray())
        {
            var positions = new List<double[]>();
            foreach (JsonElement position in ring.EnumerateArray())
            {
                positions.Add([position[0].GetDouble(), position[1].GetDouble()]);
            }

            rings.Add(positions);
        }

        return rings;
    }

    private static string? Text(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.GetRawText(),
        _ => null,
    };
}
