using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace BeidouHub.Geo;

/// <summary>A coordinate in the park's local plane, metres.</summary>
/// <param name="East">Along the park's east axis (its "X" on most site plans), metres.</param>
/// <param name="North">Along the park's north axis (its "Y"), metres.</param>
public readonly record struct ParkPoint(double East, double North);

/// <summary>A surveyed point known both in the Gauss-Kruger grid and in park coordinates.</summary>
/// <param name="Id">The surveyors' point name, e.g. "GCP-3".</param>
/// <param name="Grid">Gauss-Kruger grid coordinate, metres.</param>
/// <param name="Park">Park coordinate, metres.</param>
public readonly record struct ControlPoint(string Id, GridPoint Grid, ParkPoint Park);

/// <summary>Misfit of one control point after a fit: fitted minus given park coordinate, metres.</summary>
/// <param name="Id">Control point id.</param>
/// <param name="East">East residual, metres.</param>
/// <param name="North">North residual, metres.</param>
public readonly record struct ControlPointResidual(string Id, double East, double North)
{
    /// <summary>Horizontal residual length, metres.</summary>
    public double Length => Math.Sqrt((East * East) + (North * North));
}

/// <summary>Result of <see cref="ParkGrid.Fit"/>: the grid and how well the control points agree with it.</summary>
public sealed class ParkGridFit
{
    internal ParkGridFit(ParkGrid grid, ControlPointResidual[] residuals, double rms)
    {
        Grid = grid;
        Residuals = residuals;
        RmsMetres = rms;
    }

    /// <summary>The fitted park grid.</summary>
    public ParkGrid Grid { get; }

    /// <summary>One residual per control point, in input order.</summary>
    public IReadOnlyList<ControlPointResidual> Residuals { get; }

    /// <summary>Root mean square of the residual lengths, metres. Zero by construction for 2 points (no redundancy).</summary>
    public double RmsMetres { get; }

    /// <summary>Redundancy 2n - 4 of the 4-parameter fit; 0 means the residuals prove nothing.</summary>
    public int DegreesOfFreedom => (2 * Residuals.Count) - 4;
}

/// <summary>
/// The park's local plane as a 2D similarity (4-parameter Helmert) of the Gauss-Kruger grid:
/// park = scale · R(rotation) · (grid - origin). Rotation is the grid azimuth of the park's
/// north axis, degrees clockwise from grid north, as on a site plan. Allocation-free per point.
/// </summary>
public sealed class ParkGrid
{
    // park = c · (grid - gridRef) + parkRef with c = a + ib in complex E + iN notation; the
    // reference points keep the arithmetic near zero even with 38 500 000 m prefixed eastings.
    private readonly double _a;
    private readonly double _b;
    private readonly double _gridRefEast;
    private readonly double _gridRefNorth;
    private readonly double _parkRefEast;
    private readonly double _parkRefNorth;

    private ParkGrid(double a, double b, double gridRefEast, double gridRefNorth, double parkRefEast, double parkRefNorth)
    {
        _a = a;
        _b = b;
        _gridRefEast = gridRefEast;
        _gridRefNorth = gridRefNorth;
        _parkRefEast = parkRefEast;
        _parkRefNorth = parkRefNorth;
    }

    /// <summary>Park coordinates equal to grid coordinates (East = Easting, North = Northing).</summary>
    public static ParkGrid Identity { get; } = new(1, 0, 0, 0, 0, 0);

    /// <summary>Scale factor from grid metres to park metres.</summary>
    public double Scale => Math.Sqrt((_a * _a) + (_b * _b));

    /// <summary>Grid azimuth of the park's north axis, degrees clockwise from grid north, -180..180.</summary>
    public double RotationDeg => Math.Atan2(_b, _a) * (180.0 / Math.PI);

    /// <summary>The grid point whose park coordinate is (0, 0).</summary>
    public GridPoint Origin => ToGrid(new ParkPoint(0, 0));

    /// <summary>Park grid from its origin in the Gauss-Kruger grid, rotation and scale.</summary>
    /// <param name="origin">Grid coordinate of park (0, 0), metres.</param>
    /// <param name="rotationDeg">Grid azimuth of the park's north axis, degrees clockwise from grid north.</param>
    /// <param name="scale">Park metres per grid metre (1 unless the park plane was scaled, e.g. to ground level).</param>
    public static ParkGrid FromOrigin(GridPoint origin, double rotationDeg, double scale = 1.0)
    {
        if (!(scale > 0) || !double.IsFinite(scale) || !double.IsFinite(rotationDeg) || !double.IsFinite(origin.Northing) || !double.IsFinite(origin.Easting))
        {
            throw new ArgumentException("Origin, rotation and a positive scale must be finite numbers.");
        }

        double r = rotationDeg * (Math.PI / 180.0);
        return new ParkGrid(scale * Math.Cos(r), scale * Math.Sin(r), origin.Easting, origin.Northing, 0, 0);
    }

    /// <summary>Fits the park grid to control points by least squares (see <see cref="TryFit"/>).</summary>
    /// <exception cref="ArgumentException">The points cannot determine a similarity; the message says why.</exception>
    public static ParkGridFit Fit(IReadOnlyList<ControlPoint> points) =>
        TryFit(points, out ParkGridFit? fit, out string? error) ? fit : throw new ArgumentException(error, nameof(points));

    /// <summary>
    /// Fits a 4-parameter similarity (Helmert 2D) to control points known in both systems by
    /// least squares (closed form: centroids, then the complex ratio of centred coordinates).
    /// Needs at least 2 points with distinct ids and distinct grid and park positions (1 mm
    /// apart). Collinear points of 3 or more are accepted: a similarity has no shear, so a
    /// line of points fixes rotation, scale and shift as well as 2 points do, and the extra
    /// points still give residuals. Residuals are fitted minus given park coordinates.
    /// </summary>
    public static bool TryFit(IReadOnlyList<ControlPoint> points, [NotNullWhen(true)] out ParkGridFit? fit, [NotNullWhen(false)] out string? error)
    {
        fit = null;
        if (points is null || points.Count < 2)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"A park grid needs at least 2 control points; got {points?.Count ?? 0}.");
            return false;
        }

        error = Validate(points);
        if (error is not null)
        {
            return false;
        }

        int n = points.Count;
        double gE = 0, gN = 0, pE = 0, pN = 0;
        foreach (ControlPoint p in points)
        {
            gE += p.Grid.Easting;
            gN += p.Grid.Northing;
            pE += p.Park.East;
            pN += p.Park.North;
        }

        gE /= n;
        gN /= n;
        pE /= n;
        pN /= n;

        double sumRe = 0, sumIm = 0, spread = 0;
        foreach (ControlPoint p in points)
        {
            double dgE = p.Grid.Easting - gE, dgN = p.Grid.Northing - gN;
            double dpE = p.Park.East - pE, dpN = p.Park.North - pN;
            sumRe += (dpE * dgE) + (dpN * dgN);
            sumIm += (dpN * dgE) - (dpE * dgN);
            spread += (dgE * dgE) + (dgN * dgN);
        }

        var grid = new ParkGrid(sumRe / spread, sumIm / spread, gE, gN, pE, pN);
        var residuals = new ControlPointResidual[n];
        double sumSq = 0;
        for (int i = 0; i < n; i++)
        {
            ParkPoint fitted = grid.ToPark(points[i].Grid);
            residuals[i] = new ControlPointResidual(points[i].Id, fitted.East - points[i].Park.East, fitted.North - points[i].Park.North);
            sumSq += (residuals[i].East * residuals[i].East) + (residuals[i].North * residuals[i].North);
        }

        fit = new ParkGridFit(grid, residuals, Math.Sqrt(sumSq / n));
        return true;
    }

    private static string? Validate(IReadOnlyList<ControlPoint> points)
    {
        const double Coincident = 0.001; // metres
        for (int i = 0; i < points.Count; i++)
        {
            ControlPoint p = points[i];
            if (!double.IsFinite(p.Grid.Easting) || !double.IsFinite(p.Grid.Northing) || !double.IsFinite(p.Park.East) || !double.IsFinite(p.Park.North))
            {
                return $"Control point '{p.Id}' has a coordinate that is not a finite number.";
            }

            for (int j = 0; j < i; j++)
            {
                ControlPoint q = points[j];
                if (string.Equals(p.Id, q.Id, StringComparison.Ordinal))
                {
                    return $"Control point id '{p.Id}' appears more than once.";
                }

                if (Math.Abs(p.Grid.Easting - q.Grid.Easting) < Coincident && Math.Abs(p.Grid.Northing - q.Grid.Northing) < Coincident)
                {
                    return $"Control points '{q.Id}' and '{p.Id}' have the same grid coordinates (coincident or duplicated).";
                }

                if (Math.Abs(p.Park.East - q.Park.East) < Coincident && Math.Abs(p.Park.North - q.Park.North) < Coincident)
                {
                    return $"Control points '{q.Id}' and '{p.Id}' have the same park coordinates (coincident or duplicated).";
                }
            }
        }

        return null;
    }

    /// <summary>Gauss-Kruger grid to park coordinates.</summary>
    public ParkPoint ToPark(GridPoint grid)
    {
        double dE = grid.Easting - _gridRefEast;
        double dN = grid.Northing - _gridRefNorth;
        return new ParkPoint((_a * dE) - (_b * dN) + _parkRefEast, (_b * dE) + (_a * dN) + _parkRefNorth);
    }

    /// <summary>Park coordinates to Gauss-Kruger grid.</summary>
    public GridPoint ToGrid(ParkPoint park)
    {
        double dE = park.East - _parkRefEast;
        double dN = park.North - _parkRefNorth;
        double norm = (_a * _a) + (_b * _b);
        return new GridPoint(
            Northing: (((_a * dN) - (_b * dE)) / norm) + _gridRefNorth,
            Easting: (((_a * dE) + (_b * dN)) / norm) + _gridRefEast);
    }

    /// <summary>Converts many grid points; <paramref name="destination"/> must be at least as long as <paramref name="source"/>.</summary>
    public void ToPark(ReadOnlySpan<GridPoint> source, Span<ParkPoint> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("Destination is shorter than source.", nameof(destination));
        }

        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = ToPark(source[i]);
        }
    }
}
