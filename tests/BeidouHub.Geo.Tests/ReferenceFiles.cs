using System.Globalization;

namespace BeidouHub.Geo.Tests;

/// <summary>Reads the committed reference files under Reference/ (see the scripts beside them).</summary>
internal static class ReferenceFiles
{
    public static IEnumerable<string[]> ReadRows(string name, char separator = ' ')
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Reference", name);
        foreach (string line in File.ReadLines(path))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            yield return line.Split(separator, StringSplitOptions.RemoveEmptyEntries);
        }
    }

    public static double D(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    public static int I(string s) => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture);

    /// <summary>Horizontal distance in metres between two nearby geodetic points (local sphere approximation).</summary>
    public static double MetresBetween(double lat1, double lon1, double lat2, double lon2)
    {
        const double r = 6378137.0;
        double dNorth = (lat2 - lat1) * Math.PI / 180.0 * r;
        double dEast = (lon2 - lon1) * Math.PI / 180.0 * r * Math.Cos(lat1 * Math.PI / 180.0);
        return Math.Sqrt((dNorth * dNorth) + (dEast * dEast));
    }
}
