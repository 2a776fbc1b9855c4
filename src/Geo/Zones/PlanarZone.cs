namespace BeidouHub.Geo.Zones;

/// <summary>Where a point lies relative to a zone, given a hysteresis margin.</summary>
internal enum ZoneClass
{
    Outside,
    Boundary,
    Inside,
}

/// <summary>
/// A zone compiled to plane metres: all ring edges of all its polygons (even-odd rule, so holes
/// need no special case) bucketed into horizontal bands, so a point test reads only the edges
/// of one band (point in polygon) or of the few bands within the margin (distance).
/// </summary>
internal sealed class PlanarZone
{
    private readonly double[] _edges; // x1, y1, x2, y2 per edge
    private readonly int[] _bandStart;
    private readonly int[] _bandEdges;
    private readonly double _bandHeight;

    public PlanarZone(string id, double dwellSeconds, List<double[]> rings)
    {
        Id = id;
        DwellSeconds = dwellSeconds;
        Rings = [.. rings];
        var edges = new List<double>();
        MinX = MinY = double.PositiveInfinity;
        MaxX = MaxY = double.NegativeInfinity;
        foreach (double[] ring in rings)
        {
            int n = ring.Length / 2;
            for (int i = 0; i < n; i++)
            {
                int j = (i + 1) % n;
                edges.AddRange([ring[2 * i], ring[(2 * i) + 1], ring[2 * j], ring[(2 * j) + 1]]);
                MinX = Math.Min(MinX, ring[2 * i]);
                MaxX = Math.Max(MaxX, ring[2 * i]);
                MinY = Math.Min(MinY, ring[(2 * i) + 1]);
                MaxY = Math.Max(MaxY, ring[(2 * i) + 1]);
            }
        }

        _edges = [.. edges];
        int edgeCount = _edges.Length / 4;
        int bands = Math.Clamp(edgeCount / 2, 1, 4096);
        _bandHeight = Math.Max((MaxY - MinY) / bands, 1e-9);
        _bandStart = new int[bands + 1];
        var lists = new List<int>[bands];
        for (int b = 0; b < bands; b++)
        {
            lists[b] = [];
        }

        for (int e = 0; e < edgeCount; e++)
        {
            (int lo, int hi) = BandRange(Math.Min(_edges[(4 * e) + 1], _edges[(4 * e) + 3]), Math.Max(_edges[(4 * e) + 1], _edges[(4 * e) + 3]));
            for (int b = lo; b <= hi; b++)
            {
                lists[b].Add(e);
            }
        }

        var all = new List<int>();
        for (int b = 0; b < bands; b++)
        {
            _bandStart[b] = all.Count;
            all.AddRange(lists[b]);
        }

        _bandStart[bands] = all.Count;
        _bandEdges = [.. all];
    }

    public string Id { get; }

    public double DwellSeconds { get; }

    /// <summary>The rings as compiled: x, y pairs in plane metres, not closed.</summary>
    public IReadOnlyList<double[]> Rings { get; }

    public double MinX { get; }

    public double MinY { get; }

    public double MaxX { get; }

    public double MaxY { get; }

    public ZoneClass Classify(double x, double y, double margin)
    {
        if (x < MinX - margin || x > MaxX + margin || y < MinY - margin || y > MaxY + margin)
        {
            return ZoneClass.Outside;
        }

        if (margin > 0 && IsNearBoundary(x, y, margin))
        {
            return ZoneClass.Boundary;
        }

        return Contains(x, y) ? ZoneClass.Inside : ZoneClass.Outside;
    }

    // Crossing number (even-odd) with a ray towards +x; an edge counts when it straddles y with
    // the half-open rule (y1 > y) != (y2 > y), so a vertex on the ray is counted once.
    public bool Contains(double x, double y)
    {
        if (x < MinX || x > MaxX || y < MinY || y > MaxY)
        {
            return false;
        }

        int band = Math.Min((int)((y - MinY) / _bandHeight), _bandStart.Length - 2);
        bool inside = false;
        for (int k = _bandStart[band]; k < _bandStart[band + 1]; k++)
        {
            int e = 4 * _bandEdges[k];
            double x1 = _edges[e], y1 = _edges[e + 1], x2 = _edges[e + 2], y2 = _edges[e + 3];
            if ((y1 > y) != (y2 > y) && x < x1 + ((y - y1) * (x2 - x1) / (y2 - y1)))
            {
                inside = !inside;
            }
        }

        return inside;
    }

    private bool IsNearBoundary(double x, double y, double margin)
    {
        (int lo, int hi) = BandRange(y - margin, y + margin);
        double marginSq = margin * margin;
        for (int b = lo; b <= hi; b++)
        {
            for (int k = _bandStart[b]; k < _bandStart[b + 1]; k++)
            {
                int e = 4 * _bandEdges[k];
                if (SegmentDistanceSquared(x, y, _edges[e], _edges[e + 1], _edges[e + 2], _edges[e + 3]) < marginSq)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private (int Lo, int Hi) BandRange(double y0, double y1)
    {
        int last = _bandStart.Length - 2;
        int lo = Math.Clamp((int)Math.Floor((y0 - MinY) / _bandHeight), 0, last);
        int hi = Math.Clamp((int)Math.Floor((y1 - MinY) / _bandHeight), 0, last);
        return (lo, hi);
    }

    private static double SegmentDistanceSquared(double px, double py, double x1, double y1, double x2, double y2)
    {
        double dx = x2 - x1, dy = y2 - y1;
        double lenSq = (dx * dx) + (dy * dy);
        double t = lenSq > 0 ? Math.Clamp((((px - x1) * dx) + ((py - y1) * dy)) / lenSq, 0, 1) : 0;
        double ex = x1 + (t * dx) - px, ey = y1 + (t * dy) - py;
        return (ex * ex) + (ey * ey);
    }
}
