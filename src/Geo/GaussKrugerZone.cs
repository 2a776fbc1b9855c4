using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace BeidouHub.Geo;

/// <summary>Width of a Gauss-Kruger zone in degrees of longitude.</summary>
public enum GaussKrugerZoneWidth
{
    /// <summary>3-degree zones: zone n has central meridian 3n degrees E (China: zones 25-45).</summary>
    ThreeDegree = 3,

    /// <summary>6-degree zones: zone n has central meridian 6n - 3 degrees E (China: zones 13-23).</summary>
    SixDegree = 6,
}

/// <summary>
/// One CRS of the CGCS2000 Gauss-Kruger family EPSG:4491-4554: Transverse Mercator on the
/// CGCS2000 ellipsoid, latitude of origin 0, scale factor 1, false northing 0. The parameters
/// follow the EPSG rows (PROJ <c>data/sql/projected_crs.sql</c>, <c>conversion.sql</c>):
/// <list type="bullet">
/// <item>4491-4501: 6-degree zones 13-23 with zone prefix, CM = 6·zone - 3, FE = zone·10⁶ + 500000.</item>
/// <item>4502-4512: 6-degree, CM 75E..135E step 6, FE 500000.</item>
/// <item>4513-4533: 3-degree zones 25-45 with zone prefix, CM = 3·zone, FE = zone·10⁶ + 500000.</item>
/// <item>4534-4554: 3-degree, CM 75E..135E step 3, FE 500000.</item>
/// </list>
/// </summary>
public sealed record GaussKrugerZone
{
    private GaussKrugerZone(int epsg, GaussKrugerZoneWidth width, int zone, bool zonePrefix)
    {
        Epsg = epsg;
        Width = width;
        Zone = zone;
        HasZonePrefix = zonePrefix;
        CentralMeridian = width == GaussKrugerZoneWidth.ThreeDegree ? 3 * zone : (6 * zone) - 3;
        FalseEasting = zonePrefix ? (zone * 1_000_000.0) + 500_000.0 : 500_000.0;
        Name = (width, zonePrefix) switch
        {
            (GaussKrugerZoneWidth.ThreeDegree, true) => string.Create(CultureInfo.InvariantCulture, $"CGCS2000 / 3-degree Gauss-Kruger zone {zone}"),
            (GaussKrugerZoneWidth.ThreeDegree, false) => string.Create(CultureInfo.InvariantCulture, $"CGCS2000 / 3-degree Gauss-Kruger CM {CentralMeridian}E"),
            (_, true) => string.Create(CultureInfo.InvariantCulture, $"CGCS2000 / Gauss-Kruger zone {zone}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"CGCS2000 / Gauss-Kruger CM {CentralMeridian}E"),
        };
    }

    /// <summary>First EPSG code of the family (6-degree zone 13 with prefix).</summary>
    public const int FirstEpsg = 4491;

    /// <summary>Last EPSG code of the family (3-degree CM 135E).</summary>
    public const int LastEpsg = 4554;

    /// <summary>EPSG code of the projected CRS.</summary>
    public int Epsg { get; }

    /// <summary>The EPSG name, e.g. "CGCS2000 / 3-degree Gauss-Kruger CM 114E".</summary>
    public string Name { get; }

    /// <summary>Zone width.</summary>
    public GaussKrugerZoneWidth Width { get; }

    /// <summary>Zone number (3-degree: 25-45, 6-degree: 13-23), also when the easting carries no prefix.</summary>
    public int Zone { get; }

    /// <summary>True when the false easting carries the zone number (e.g. 38 500 000 m).</summary>
    public bool HasZonePrefix { get; }

    /// <summary>Central meridian, degrees east.</summary>
    public double CentralMeridian { get; }

    /// <summary>False easting, metres.</summary>
    public double FalseEasting { get; }

    /// <summary>Returns the zone for an EPSG code in 4491-4554.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The code is not a CGCS2000 Gauss-Kruger CRS.</exception>
    public static GaussKrugerZone FromEpsg(int epsg) =>
        TryFromEpsg(epsg, out GaussKrugerZone? zone, out string? error) ? zone : throw new ArgumentOutOfRangeException(nameof(epsg), epsg, error);

    /// <summary>Looks up the zone for an EPSG code; on failure <paramref name="error"/> says why.</summary>
    public static bool TryFromEpsg(int epsg, [NotNullWhen(true)] out GaussKrugerZone? zone, [NotNullWhen(false)] out string? error)
    {
        zone = epsg switch
        {
            >= 4491 and <= 4501 => new GaussKrugerZone(epsg, GaussKrugerZoneWidth.SixDegree, epsg - 4491 + 13, true),
            >= 4502 and <= 4512 => new GaussKrugerZone(epsg, GaussKrugerZoneWidth.SixDegree, epsg - 4502 + 13, false),
            >= 4513 and <= 4533 => new GaussKrugerZone(epsg, GaussKrugerZoneWidth.ThreeDegree, epsg - 4513 + 25, true),
            >= 4534 and <= 4554 => new GaussKrugerZone(epsg, GaussKrugerZoneWidth.ThreeDegree, epsg - 4534 + 25, false),
            _ => null,
        };
        error = zone is null
            ? string.Create(CultureInfo.InvariantCulture, $"EPSG:{epsg} is not a CGCS2000 Gauss-Kruger CRS; supported are EPSG:4491-4554 (geographic: 4490, 4326).")
            : null;
        return zone is not null;
    }

    /// <summary>
    /// The zone whose central meridian is nearest <paramref name="longitudeDeg"/>: 3-degree zone
    /// n spans 3n ± 1.5 degrees, 6-degree zone n spans 6n - 6 .. 6n degrees (a longitude on a
    /// zone edge goes to the eastern zone). Zhuzhou (113.13E) gives 3-degree zone 38 (CM 114E,
    /// EPSG:4547 / 4526 with prefix) and 6-degree zone 19 (CM 111E, EPSG:4508 / 4497).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The longitude lies outside the zones EPSG defines for China.</exception>
    public static GaussKrugerZone ForLongitude(double longitudeDeg, GaussKrugerZoneWidth width, bool zonePrefix)
    {
        int zone;
        int first;
        int last;
        if (width == GaussKrugerZoneWidth.ThreeDegree)
        {
            zone = (int)Math.Floor((longitudeDeg + 1.5) / 3.0);
            (first, last) = (25, 45);
        }
        else if (width == GaussKrugerZoneWidth.SixDegree)
        {
            zone = (int)Math.Floor(longitudeDeg / 6.0) + 1;
            (first, last) = (13, 23);
        }
        else
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, "Zone width must be 3 or 6 degrees.");
        }

        if (!double.IsFinite(longitudeDeg) || zone < first || zone > last)
        {
            throw new ArgumentOutOfRangeException(nameof(longitudeDeg), longitudeDeg,
                string.Create(CultureInfo.InvariantCulture, $"Longitude {longitudeDeg} is outside the CGCS2000 {(int)width}-degree Gauss-Kruger zones {first}-{last}."));
        }

        int epsg = (width, zonePrefix) switch
        {
            (GaussKrugerZoneWidth.SixDegree, true) => 4491 + zone - 13,
            (GaussKrugerZoneWidth.SixDegree, false) => 4502 + zone - 13,
            (_, true) => 4513 + zone - 25,
            _ => 4534 + zone - 25,
        };
        return new GaussKrugerZone(epsg, width, zone, zonePrefix);
    }
}
