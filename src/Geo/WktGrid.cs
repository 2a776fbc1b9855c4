using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;
using ProjNet.IO.CoordinateSystems;

namespace BeidouHub.Geo;

/// <summary>
/// A grid given as an OGC WKT 1 projected CRS (<c>PROJCS[...]</c>) and transformed by ProjNET:
/// a city's or park's own coordinate system, which EPSG does not list. The latitude/longitude
/// given are taken as they are on the WKT's own geographic CRS, which must therefore be
/// CGCS2000 or WGS 84 without a datum shift (the two differ by less than 0.11 mm; README:
/// Coordinates), or that ellipsoid enlarged to a project height plane (see
/// <see cref="LocalTransverseMercator"/>). Refused, each with a one-line reason:
/// <list type="bullet">
/// <item>a geographic, geocentric, compound or local CRS: a grid is a projected CRS;</item>
/// <item>a datum with a <c>TOWGS84</c> shift, or another ellipsoid (Beijing 1954's Krassovsky,
/// Xian 1980's IAG 1975): those need a datum transformation BeidouHub does not do;</item>
/// <item>a prime meridian other than Greenwich, angles not in degrees, lengths not in metres,
/// axes other than east and north;</item>
/// <item>a projection ProjNET 2.0 does not implement (see <see cref="SupportedProjections"/>).</item>
/// </list>
/// ESRI's <c>Gauss_Kruger</c> (ArcGIS .prj files of Chinese grids) is read as the Transverse
/// Mercator it is. Per point: ProjNET's <c>MathTransform.Transform(ref x, ref y)</c>, which
/// allocates nothing (bench/README: Geo). Thread-safe after construction.
/// </summary>
public sealed class WktGrid : IGrid
{
    /// <summary>The projections ProjNET 2.0 implements, by their WKT names.</summary>
    public const string SupportedProjections =
        "Transverse_Mercator (also ESRI's Gauss_Kruger), Mercator_1SP, Mercator_2SP, Lambert_Conformal_Conic_2SP, Albers_Conic_Equal_Area, " +
        "Lambert_Azimuthal_Equal_Area, Cassini_Soldner, Hotine_Oblique_Mercator, Oblique_Mercator, Oblique_Stereographic, Polyconic, Krovak";

    // CGCS2000 and WGS 84 share a = 6378137 m; their 1/f are 298.257222101 and 298.257223563.
    private const double MinInverseFlattening = 298.257222;
    private const double MaxInverseFlattening = 298.257224;

    private readonly MathTransform _forward;
    private readonly MathTransform _inverse;

    private WktGrid(ProjectedCoordinateSystem system, MathTransform forward, MathTransform inverse)
    {
        ProjectedSystem = system;
        _forward = forward;
        _inverse = inverse;
        Name = string.IsNullOrWhiteSpace(system.Name) ? "unnamed WKT grid" : system.Name;
        Epsg = string.Equals(system.Authority, "EPSG", StringComparison.OrdinalIgnoreCase) && system.AuthorityCode > 0 ? (int)system.AuthorityCode : null;
        HeightPlane = system.GeographicCoordinateSystem.HorizontalDatum.Ellipsoid.SemiMajorAxis - Ellipsoid.Cgcs2000.SemiMajorAxis;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The WKT's <c>AUTHORITY["EPSG", code]</c>, when it has one; otherwise null.</summary>
    public int? Epsg { get; }

    /// <summary>How far the WKT's semi-major axis lies above CGCS2000's, metres: the project height plane (0: none).</summary>
    public double HeightPlane { get; }

    /// <summary>The coordinate system as ProjNET read it.</summary>
    internal ProjectedCoordinateSystem ProjectedSystem { get; }

    /// <summary>The grid a WKT defines.</summary>
    /// <exception cref="ArgumentException">The WKT is not one BeidouHub can use; the message says why in one line.</exception>
    public static WktGrid FromWkt(string wkt) =>
        TryFromWkt(wkt, out WktGrid? grid, out string? error) ? grid : throw new ArgumentException(error, nameof(wkt));

    /// <summary>
    /// Whether this build transforms WKT grids: false in the native (AOT) build, which sets the switch
    /// <c>BeidouHub.Geo.WktGrids</c> off and so leaves ProjNET's transformations out. ProjNET 2.0 creates
    /// its projections with <c>Activator.CreateInstance</c> on internal types it keeps in a dictionary,
    /// which native code cannot do (README: Publishing a native binary).
    /// </summary>
    [FeatureSwitchDefinition(WktGridsSwitch)]
    public static bool IsSupported => !AppContext.TryGetSwitch(WktGridsSwitch, out bool on) || on;

    private const string WktGridsSwitch = "BeidouHub.Geo.WktGrids";

    /// <summary>The grid a WKT defines, or false and the reason in one line (for configuration and command lines).</summary>
    public static bool TryFromWkt(string wkt, [NotNullWhen(true)] out WktGrid? grid, [NotNullWhen(false)] out string? error)
    {
        grid = null;
        if (!IsSupported)
        {
            error = "this is the native (AOT) build, which has no WKT or Transverse Mercator parameter grids (ProjNET cannot run as native code); use the ReadyToRun build (deploy/publish.sh --r2r) or an Epsg grid";
            return false;
        }

        if (string.IsNullOrWhiteSpace(wkt))
        {
            error = "the WKT is empty";
            return false;
        }

        // ProjNET 2.0's reader loops forever on a quoted name that is never closed
        // (WktStreamTokenizer.ReadDoubleQuotedWord reads past the end without stopping).
        if (wkt.AsSpan().Count('"') % 2 != 0)
        {
            error = "not a WKT coordinate system ProjNET can read: a double-quoted name is not closed";
            return false;
        }

        object parsed;
        try
        {
            parsed = CoordinateSystemWktReader.Parse(wkt);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or NotSupportedException or InvalidOperationException or IndexOutOfRangeException or InvalidCastException)
        {
            error = $"not a WKT coordinate system ProjNET can read: {OneLine(e.Message)}";
            return false;
        }

        if (parsed is not ProjectedCoordinateSystem system)
        {
            error = parsed is GeographicCoordinateSystem geographic
                ? $"'{geographic.Name}' is a geographic CRS (GEOGCS); a grid is a projected CRS (PROJCS[..., PROJECTION[...], ...]): positions are geodetic already"
                : $"'{(parsed as CoordinateSystem)?.Name}' is a {parsed.GetType().Name}; a grid is a projected CRS (PROJCS)";
            return false;
        }

        error = CheckDatum(system.GeographicCoordinateSystem) ?? CheckUnitsAndAxes(system);
        if (error is not null)
        {
            return false;
        }

        system = WithEsriGaussKruger(system);
        MathTransform forward;
        try
        {
            forward = new CoordinateTransformationFactory().CreateFromCoordinateSystems(system.GeographicCoordinateSystem, system).MathTransform;
        }
        catch (NotSupportedException)
        {
            error = $"projection '{system.Projection.ClassName}' is not one ProjNET implements; it does {SupportedProjections}";
            return false;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or KeyNotFoundException or System.Reflection.TargetInvocationException)
        {
            error = $"projection '{system.Projection.ClassName}': {OneLine((e.InnerException ?? e).Message)}";
            return false;
        }

        // The inverse is built here, not on first use: ProjNET creates it lazily without a lock.
        grid = new WktGrid(system, forward, forward.Inverse());
        return true;
    }

    /// <inheritdoc/>
    public GridPoint Forward(double latitudeDeg, double longitudeDeg)
    {
        // ProjNET's order is x = longitude/easting, y = latitude/northing, whatever the WKT's AXIS say.
        double x = longitudeDeg;
        double y = latitudeDeg;
        try
        {
            _forward.Transform(ref x, ref y);
        }
        catch (ArgumentException)
        {
            return new GridPoint(double.NaN, double.NaN); // ProjNET's "convergence error" beyond its domain
        }

        return new GridPoint(Northing: y, Easting: x);
    }

    /// <inheritdoc/>
    public GeodeticPoint Inverse(GridPoint point)
    {
        double x = point.Easting;
        double y = point.Northing;
        try
        {
            _inverse.Transform(ref x, ref y);
        }
        catch (ArgumentException)
        {
            return new GeodeticPoint(double.NaN, double.NaN);
        }

        return new GeodeticPoint(Latitude: y, Longitude: x);
    }

    private static string? CheckDatum(GeographicCoordinateSystem geographic)
    {
        HorizontalDatum datum = geographic.HorizontalDatum;
        if (datum.Wgs84Parameters is { HasZeroValuesOnly: false })
        {
            return $"datum '{datum.Name}' has a TOWGS84 datum shift: BeidouHub applies none (receiver positions are CGCS2000, README: Coordinates); give the grid on CGCS2000 or WGS 84 without TOWGS84";
        }

        ProjNet.CoordinateSystems.Ellipsoid e = datum.Ellipsoid;
        double a = e.SemiMajorAxis * (e.AxisUnit?.MetersPerUnit ?? 1);
        double height = a - Ellipsoid.Cgcs2000.SemiMajorAxis;
        if (!(e.InverseFlattening is >= MinInverseFlattening and <= MaxInverseFlattening)
            || !(height is >= LocalTransverseMercator.MinHeightPlane and <= LocalTransverseMercator.MaxHeightPlane))
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"ellipsoid '{e.Name}' (a = {a} m, 1/f = {e.InverseFlattening}) is neither CGCS2000/WGS 84 (a = 6378137 m, 1/f = 298.25722) nor that enlarged to a height plane of {LocalTransverseMercator.MinHeightPlane}..{LocalTransverseMercator.MaxHeightPlane} m: a grid on Beijing 1954 or Xian 1980 needs a datum transformation BeidouHub does not do");
        }

        if (geographic.PrimeMeridian.Longitude != 0)
        {
            return $"prime meridian '{geographic.PrimeMeridian.Name}' is not Greenwich";
        }

        return Math.Abs((geographic.AngularUnit.RadiansPerUnit / (Math.PI / 180)) - 1) > 1e-9
            ? $"angular unit '{geographic.AngularUnit.Name}' is not the degree"
            : null;
    }

    private static string? CheckUnitsAndAxes(ProjectedCoordinateSystem system)
    {
        if (system.LinearUnit.MetersPerUnit != 1)
        {
            return $"linear unit '{system.LinearUnit.Name}' is not the metre (northing and easting are metres)";
        }

        for (int i = 0; i < system.Dimension; i++)
        {
            AxisOrientationEnum axis = system.GetAxis(i).Orientation;
            if (axis is not (AxisOrientationEnum.East or AxisOrientationEnum.North))
            {
                return $"axis '{system.GetAxis(i).Name}' points {axis}; a grid's axes are north and east";
            }
        }

        return null;
    }

    // ESRI writes Chinese Gauss-Kruger grids as PROJECTION["Gauss_Kruger"] (projinfo EPSG:4547
    // -o WKT1_ESRI), a name ProjNET's registry lacks; it is the Transverse Mercator.
    private static ProjectedCoordinateSystem WithEsriGaussKruger(ProjectedCoordinateSystem system)
    {
        string name = system.Projection.ClassName.Replace('-', '_').Replace(' ', '_');
        if (!string.Equals(name, "Gauss_Kruger", StringComparison.OrdinalIgnoreCase))
        {
            return system;
        }

        var factory = new CoordinateSystemFactory();
        var parameters = new List<ProjectionParameter>(system.Projection.NumParameters);
        for (int i = 0; i < system.Projection.NumParameters; i++)
        {
            parameters.Add(system.Projection.GetParameter(i));
        }

        IProjection projection = factory.CreateProjection(system.Projection.Name, "Transverse_Mercator", parameters);
        ProjectedCoordinateSystem copy = factory.CreateProjectedCoordinateSystem(
            system.Name, system.GeographicCoordinateSystem, projection, system.LinearUnit, system.GetAxis(0), system.GetAxis(1));
        copy.Authority = system.Authority;
        copy.AuthorityCode = system.AuthorityCode;
        return copy;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
