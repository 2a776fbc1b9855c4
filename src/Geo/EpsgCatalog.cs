using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using ProjNet.CoordinateSystems;

namespace BeidouHub.Geo;

/// <summary>
/// WKT (OGC WKT 1) for the coordinate systems BeidouHub supports, generated in code because
/// ProjNET ships no EPSG database: EPSG:4490 (CGCS2000 geographic), EPSG:4326 (WGS 84) and the
/// CGCS2000 Gauss-Kruger family EPSG:4491-4554. The text follows the EPSG/PROJ definitions
/// (compare <c>projinfo EPSG:4547 -o WKT1_GDAL</c>).
/// </summary>
public static class EpsgCatalog
{
    /// <summary>EPSG code of CGCS2000 geographic 2D.</summary>
    public const int Cgcs2000 = 4490;

    /// <summary>EPSG code of WGS 84 geographic 2D.</summary>
    public const int Wgs84 = 4326;

    internal const string Cgcs2000Geographic =
        "GEOGCS[\"China Geodetic Coordinate System 2000\",DATUM[\"China_2000\",SPHEROID[\"CGCS2000\",6378137,298.257222101,AUTHORITY[\"EPSG\",\"1024\"]],AUTHORITY[\"EPSG\",\"1043\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AUTHORITY[\"EPSG\",\"4490\"]]";

    private const string Wgs84Geographic =
        "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AUTHORITY[\"EPSG\",\"4326\"]]";

    /// <summary>Returns the WKT of a supported EPSG code.</summary>
    /// <exception cref="ArgumentException">The code is not supported.</exception>
    public static string GetWkt(int epsg) =>
        TryGetWkt(epsg, out string? wkt, out string? error) ? wkt : throw new ArgumentException(error, nameof(epsg));

    /// <summary>Returns the WKT of a supported EPSG code, or false and the reason.</summary>
    public static bool TryGetWkt(int epsg, [NotNullWhen(true)] out string? wkt, [NotNullWhen(false)] out string? error)
    {
        switch (epsg)
        {
            case Cgcs2000:
                wkt = Cgcs2000Geographic;
                error = null;
                return true;
            case Wgs84:
                wkt = Wgs84Geographic;
                error = null;
                return true;
        }

        if (!GaussKrugerZone.TryFromEpsg(epsg, out GaussKrugerZone? zone, out error))
        {
            wkt = null;
            return false;
        }

        wkt = ProjectedWkt(zone);
        return true;
    }

    /// <summary>Creates the ProjNET coordinate system of a supported EPSG code.</summary>
    /// <exception cref="ArgumentException">The code is not supported.</exception>
    public static CoordinateSystem Create(int epsg) =>
        TryCreate(epsg, out CoordinateSystem? system, out string? error) ? system : throw new ArgumentException(error, nameof(epsg));

    /// <summary>Creates the ProjNET coordinate system of a supported EPSG code, or returns false and the reason.</summary>
    public static bool TryCreate(int epsg, [NotNullWhen(true)] out CoordinateSystem? system, [NotNullWhen(false)] out string? error)
    {
        if (!TryGetWkt(epsg, out string? wkt, out error))
        {
            system = null;
            return false;
        }

        system = new CoordinateSystemFactory().CreateFromWkt(wkt);
        return true;
    }

    internal static string ProjectedWkt(GaussKrugerZone zone) => string.Create(CultureInfo.InvariantCulture,
        $"PROJCS[\"{zone.Name}\",{Cgcs2000Geographic},PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",{zone.CentralMeridian}],PARAMETER[\"scale_factor\",1],PARAMETER[\"false_easting\",{zone.FalseEasting}],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1,AUTHORITY[\"EPSG\",\"9001\"]],AXIS[\"Northing\",NORTH],AXIS[\"Easting\",EAST],AUTHORITY[\"EPSG\",\"{zone.Epsg}\"]]");
}
