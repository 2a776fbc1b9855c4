using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using BeidouHub.Geo;

namespace BeidouHub.Service.Configuration;

/// <summary>
/// The grid positions are projected into, from <c>BeidouHub:Geo:GridEpsg</c> or
/// <c>BeidouHub:Geo:Grid</c> (and the decode verb's <c>--grid</c>), or one line saying what is
/// wrong. An EPSG code of the CGCS2000 Gauss-Kruger family takes the hand-written fast path;
/// a WKT or a city's Transverse Mercator parameters go through ProjNET (<see cref="WktGrid"/>).
/// </summary>
internal static class GridSetup
{
    /// <summary>The grid when none is configured: CGCS2000 3-degree Gauss-Kruger CM 114E (Zhuzhou).</summary>
    public const int DefaultEpsg = 4547;

    /// <summary>The park's longitude: an EPSG code of 0 picks its 3-degree zone.</summary>
    public const double ParkLongitude = 113.134;

    private const string Where = "BeidouHub:Geo:Grid";

    public static bool TryBuild(GeoConfig geo, [NotNullWhen(true)] out IGrid? grid, [NotNullWhen(false)] out string? error)
    {
        if (geo.Grid is not { } g)
        {
            return TryFromEpsg(geo.GridEpsg ?? DefaultEpsg, "BeidouHub:Geo:GridEpsg", out grid, out error);
        }

        grid = null;
        if (geo.GridEpsg is not null)
        {
            error = "BeidouHub:Geo: give GridEpsg or Grid, not both";
            return false;
        }

        bool parameters = g.CentralMeridian is not null || g.LatitudeOfOrigin is not null || g.FalseEasting is not null
            || g.FalseNorthing is not null || g.ScaleFactor is not null || g.HeightPlane is not null;
        var kinds = new List<string>(4);
        if (g.Epsg is not null)
        {
            kinds.Add("Epsg");
        }

        if (g.Wkt is not null)
        {
            kinds.Add("Wkt");
        }

        if (g.WktFile is not null)
        {
            kinds.Add("WktFile");
        }

        if (parameters)
        {
            kinds.Add("the parameters");
        }

        if (kinds.Count != 1)
        {
            error = kinds.Count == 0
                ? $"{Where}: give Epsg, Wkt, WktFile, or the Transverse Mercator parameters (CentralMeridian, LatitudeOfOrigin, FalseEasting, FalseNorthing, ScaleFactor, HeightPlane)"
                : $"{Where}: give one of Epsg, Wkt, WktFile or the parameters, not {string.Join(" and ", kinds)}";
            return false;
        }

        if (g.Name is not null && !parameters)
        {
            error = $"{Where}:Name names a grid given by parameters; an EPSG code or a WKT names itself";
            return false;
        }

        if (g.Epsg is { } epsg)
        {
            return TryFromEpsg(epsg, $"{Where}:Epsg", out grid, out error);
        }

        if (g.Wkt is { } wkt)
        {
            return TryFromWkt(wkt, $"{Where}:Wkt", out grid, out error);
        }

        if (g.WktFile is { } file)
        {
            return TryFromWktFile(file, $"{Where}:WktFile", out grid, out error);
        }

        if (g.CentralMeridian is not { } centralMeridian)
        {
            error = $"{Where}: CentralMeridian is missing (a Transverse Mercator by parameters needs at least its central meridian)";
            return false;
        }

        var tm = new LocalTransverseMercator
        {
            CentralMeridian = centralMeridian,
            LatitudeOfOrigin = g.LatitudeOfOrigin ?? 0,
            FalseEasting = g.FalseEasting ?? 500_000,
            FalseNorthing = g.FalseNorthing ?? 0,
            ScaleFactor = g.ScaleFactor ?? 1,
            HeightPlane = g.HeightPlane ?? 0,
            Name = g.Name,
        };
        if (!tm.TryCreateGrid(out WktGrid? local, out string? reason))
        {
            error = $"{Where}: {reason}";
            return false;
        }

        grid = local;
        error = null;
        return true;
    }

    /// <summary>The decode verb's <c>--grid</c>: <c>EPSG:CODE</c>, a WKT (<c>PROJCS[...]</c>), or a file holding one.</summary>
    public static bool TryParseArgument(string value, [NotNullWhen(true)] out IGrid? grid, [NotNullWhen(false)] out string? error)
    {
        if (value.StartsWith("EPSG:", StringComparison.OrdinalIgnoreCase))
        {
            grid = null;
            if (!int.TryParse(value.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int epsg) || !GaussKrugerGrid.TryFromEpsg(epsg, out GaussKrugerGrid? gk, out string? reason))
            {
                error = $"--grid {value}: not a CGCS2000 Gauss-Kruger grid (EPSG:4491-4554)";
                return false;
            }

            grid = gk;
            error = null;
            return true;
        }

        if (value.Contains('[', StringComparison.Ordinal))
        {
            return TryFromWkt(value, "--grid", out grid, out error);
        }

        if (!File.Exists(value))
        {
            grid = null;
            error = $"--grid {value}: give EPSG:CODE (4491-4554), a WKT (PROJCS[...]) or a file holding one";
            return false;
        }

        return TryFromWktFile(value, "--grid", out grid, out error);
    }

    /// <summary>How logs name the grid: "EPSG:4547 (CGCS2000 / 3-degree Gauss-Kruger CM 114E)", or the grid's own name.</summary>
    public static string Describe(IGrid grid) =>
        grid.Epsg is { } epsg ? string.Create(CultureInfo.InvariantCulture, $"EPSG:{epsg} ({grid.Name})") : $"'{grid.Name}' (WKT, ProjNET)";

    private static bool TryFromEpsg(int epsg, string where, [NotNullWhen(true)] out IGrid? grid, [NotNullWhen(false)] out string? error)
    {
        grid = null;
        if (epsg == 0)
        {
            grid = GaussKrugerGrid.ForLongitude(ParkLongitude);
            error = null;
            return true;
        }

        if (!GaussKrugerGrid.TryFromEpsg(epsg, out GaussKrugerGrid? gk, out string? reason))
        {
            error = $"{where}: {reason} Other grids: {Where}:Wkt, WktFile or the Transverse Mercator parameters.";
            return false;
        }

        grid = gk;
        error = null;
        return true;
    }

    private static bool TryFromWkt(string wkt, string where, [NotNullWhen(true)] out IGrid? grid, [NotNullWhen(false)] out string? error)
    {
        grid = null;
        if (!WktGrid.TryFromWkt(wkt, out WktGrid? wktGrid, out string? reason))
        {
            error = $"{where}: {reason}";
            return false;
        }

        grid = wktGrid;
        error = null;
        return true;
    }

    private static bool TryFromWktFile(string file, string where, [NotNullWhen(true)] out IGrid? grid, [NotNullWhen(false)] out string? error)
    {
        grid = null;
        string wkt;
        try
        {
            wkt = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error = $"{where} '{FullPath(file)}': {e.Message}";
            return false;
        }

        return TryFromWkt(wkt, $"{where} '{FullPath(file)}'", out grid, out error);
    }

    private static string FullPath(string file)
    {
        try
        {
            return Path.GetFullPath(file);
        }
        catch (ArgumentException)
        {
            return file;
        }
    }
}
