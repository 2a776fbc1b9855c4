using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace BeidouHub.Geo;

/// <summary>
/// A city's or park's own Transverse Mercator (Gauss-Kruger) grid on CGCS2000, by its
/// parameters: its own central meridian through the area, false origin, scale factor, and a
/// project height plane. Chinese cities build such an independent system (城市独立坐标系) so
/// that grid distances equal distances measured on the ground: the central meridian goes
/// through the city, and the projection surface is lifted from the ellipsoid to the city's
/// mean elevation or a compensation height plane (抵偿高程面) (cnblogs "城市测量坐标系统的建立",
/// after CJJ/T 8 城市测量规范).
/// <para>
/// <b>How the height plane is realised.</b> The common way is ellipsoid expansion (椭球膨胀法):
/// the semi-major axis becomes a = a₀ + H with the flattening kept, and latitude/longitude
/// are projected on that ellipsoid as they are ("Application of Ellipsoid Expansion Method in
/// the Establishment of Linear Engineering Coordinate System", 2024, compares five variants
/// that differ in how much a grows; a₀ + H is the direct one, and the one PROJ users write
/// as <c>+a=a₀+H +rf=…</c>, OSGeo/PROJ#2499). This is what <see cref="HeightPlane"/> does.
/// A Transverse Mercator's coordinates are a times a function of latitude, longitude and
/// flattening, so a₀ + H is exactly a scale factor of k₀ (1 + H/a₀) about the false origin
/// (checked against cs2cs to the micrometre). Some systems scale by 1 + H/R with a mean
/// radius R ≈ 6371 km instead: for H = 60 m that is 1.05e-8 more, 3 cm at 3,080 km of
/// northing; give such a system as <c>ScaleFactor = k₀ (1 + H/R)</c> and <c>HeightPlane = 0</c>.
/// </para>
/// The grid is built as WKT (<see cref="ToWkt"/>) and transformed by ProjNET (<see cref="WktGrid"/>).
/// </summary>
public sealed record LocalTransverseMercator
{
    /// <summary>Lowest accepted height plane, metres (below the Dead Sea shore is a typo).</summary>
    public const double MinHeightPlane = -1000;

    /// <summary>Highest accepted height plane, metres (above Everest is a typo).</summary>
    public const double MaxHeightPlane = 9000;

    /// <summary>Central meridian, degrees east (-180..180).</summary>
    public required double CentralMeridian { get; init; }

    /// <summary>Latitude of the false origin, degrees (-90..90); 0 in Chinese grids (northing from the equator).</summary>
    public double LatitudeOfOrigin { get; init; }

    /// <summary>False easting, metres; 500 000 in Chinese grids.</summary>
    public double FalseEasting { get; init; } = 500_000;

    /// <summary>False northing, metres.</summary>
    public double FalseNorthing { get; init; }

    /// <summary>Scale factor on the central meridian (0.9..1.1); 1 in Gauss-Kruger grids.</summary>
    public double ScaleFactor { get; init; } = 1;

    /// <summary>
    /// The project height plane, metres above the CGCS2000 ellipsoid (-1000..9000): the ellipsoid
    /// is enlarged to a = 6378137 + H with CGCS2000's flattening. 0: no height plane.
    /// </summary>
    public double HeightPlane { get; init; }

    /// <summary>Name for logs and outputs; null gives one from the parameters.</summary>
    public string? Name { get; init; }

    /// <summary>The ellipsoid the grid projects on: CGCS2000's, enlarged by <see cref="HeightPlane"/>.</summary>
    public Ellipsoid Ellipsoid => new(Ellipsoid.Cgcs2000.SemiMajorAxis + HeightPlane, Ellipsoid.Cgcs2000.InverseFlattening);

    /// <summary>The name used: <see cref="Name"/>, or e.g. "CGCS2000 / TM CM 113.1E on height plane 60 m".</summary>
    public string DisplayName => Name ?? (HeightPlane == 0
        ? string.Create(CultureInfo.InvariantCulture, $"CGCS2000 / TM CM {CentralMeridian}E")
        : string.Create(CultureInfo.InvariantCulture, $"CGCS2000 / TM CM {CentralMeridian}E on height plane {HeightPlane} m"));

    /// <summary>Checks every parameter's range; false and one line per bad value otherwise.</summary>
    public bool TryValidate([NotNullWhen(false)] out string? error)
    {
        var errors = new List<string>();
        Check(CentralMeridian is >= -180 and <= 180, "CentralMeridian", CentralMeridian, "-180..180 degrees");
        Check(LatitudeOfOrigin is >= -90 and <= 90, "LatitudeOfOrigin", LatitudeOfOrigin, "-90..90 degrees");
        Check(Math.Abs(FalseEasting) <= 1e8, "FalseEasting", FalseEasting, "-1e8..1e8 metres");
        Check(Math.Abs(FalseNorthing) <= 1e8, "FalseNorthing", FalseNorthing, "-1e8..1e8 metres");
        Check(ScaleFactor is >= 0.9 and <= 1.1, "ScaleFactor", ScaleFactor, "0.9..1.1");
        Check(HeightPlane is >= MinHeightPlane and <= MaxHeightPlane, "HeightPlane", HeightPlane, "-1000..9000 metres");
        error = errors.Count == 0 ? null : string.Join("; ", errors);
        return error is null;

        void Check(bool ok, string name, double value, string range)
        {
            if (!ok)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{name} {value} is outside {range}"));
            }
        }
    }

    /// <summary>
    /// The grid as OGC WKT 1: a PROJCS with Transverse_Mercator on CGCS2000, or on CGCS2000's
    /// ellipsoid enlarged by the height plane (its own GEOGCS, so no tool applies a datum shift).
    /// </summary>
    public string ToWkt()
    {
        string geographic = HeightPlane == 0
            ? EpsgCatalog.Cgcs2000Geographic
            : string.Create(CultureInfo.InvariantCulture,
                $"GEOGCS[\"CGCS2000 on height plane {HeightPlane} m\",DATUM[\"China_2000_height_plane_{HeightPlane}_m\",SPHEROID[\"CGCS2000 + {HeightPlane} m\",{Ellipsoid.SemiMajorAxis:R},{Ellipsoid.InverseFlattening:R}]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]]");
        return string.Create(CultureInfo.InvariantCulture,
            $"PROJCS[\"{DisplayName.Replace("\"", "'", StringComparison.Ordinal)}\",{geographic},PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",{LatitudeOfOrigin:R}],PARAMETER[\"central_meridian\",{CentralMeridian:R}],PARAMETER[\"scale_factor\",{ScaleFactor:R}],PARAMETER[\"false_easting\",{FalseEasting:R}],PARAMETER[\"false_northing\",{FalseNorthing:R}],UNIT[\"metre\",1],AXIS[\"Northing\",NORTH],AXIS[\"Easting\",EAST]]");
    }

    /// <summary>The grid (ProjNET), or false and the reason.</summary>
    public bool TryCreateGrid([NotNullWhen(true)] out WktGrid? grid, [NotNullWhen(false)] out string? error)
    {
        grid = null;
        return TryValidate(out error) && WktGrid.TryFromWkt(ToWkt(), out grid, out error);
    }
}
