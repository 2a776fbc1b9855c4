namespace BeidouHub.Geo.Zones;

/// <summary>
/// Uniform grid over the zones' bounding boxes (grown by the margin): a cell lists the zones
/// whose box overlaps it, so a position is tested against a handful of zones, not all.
/// </summary>
internal sealed class ZoneIndex
{
    private readonly double _minX;
    private readonly double _minY;
    private readonly double _cellWidth;
    private readonly double _cellHeight;
    private readonly int _columns;
    private readonly int _rows;
    private readonly int[] _cellStart;
    private readonly int[] _cellZones;

    public ZoneIndex(IReadOnlyList<PlanarZone> zones, double margin)
    {
        if (zones.Count == 0)
        {
            _columns = _rows = 1;
            _cellWidth = _cellHeight = 1;
            _cellStart = [0, 0];
            _cellZones = [];
            return;
        }

        double minX = double.PositiveInfinity, minY = double.PositiveInfinity;
        double maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
        foreach (PlanarZone z in zones)
        {
            minX = Math.Min(minX, z.MinX - margin);
            minY = Math.Min(minY, z.MinY - margin);
            maxX = Math.Max(maxX, z.MaxX + margin);
            maxY = Math.Max(maxY, z.MaxY + margin);
        }

        // About 4 cells per zone, at most 512 x 512.
        int side = Math.Clamp((int)Math.Ceiling(2 * Math.Sqrt(zones.Count)), 1, 512);
        _columns = _rows = side;
        _minX = minX;
        _minY = minY;
        _cellWidth = Math.Max((maxX - minX) / side, 1e-6);
        _cellHeight = Math.Max((maxY - minY) / side, 1e-6);

        var lists = new List<int>[side * side];
        for (int z = 0; z < zones.Count; z++)
        {
            int c0 = Column(zones[z].MinX - margin), c1 = Column(zones[z].MaxX + margin);
            int r0 = Row(zones[z].MinY - margin), r1 = Row(zones[z].MaxY + margin);
            for (int r = r0; r <= r1; r++)
            {
                for (int c = c0; c <= c1; c++)
                {
                    (lists[(r * side) + c] ??= []).Add(z);
                }
            }
        }

        _cellStart = new int[lists.Length + 1];
        var all = new List<int>();
        for (int i = 0; i < lists.Length; i++)
        {
            _cellStart[i] = all.Count;
            if (lists[i] is { } list)
            {
                all.AddRange(list);
            }
        }

        _cellStart[lists.Length] = all.Count;
        _cellZones = [.. all];
    }

    /// <summary>Indices of zones whose grown box may contain (x, y).</summary>
    public ReadOnlySpan<int> Candidates(double x, double y)
    {
        double fx = (x - _minX) / _cellWidth;
        double fy = (y - _minY) / _cellHeight;
        if (!(fx >= 0 && fx <= _columns && fy >= 0 && fy <= _rows))
        {
            return [];
        }

        int cell = (Math.Min((int)fy, _rows - 1) * _columns) + Math.Min((int)fx, _columns - 1);
        return _cellZones.AsSpan(_cellStart[cell], _cellStart[cell + 1] - _cellStart[cell]);
    }

    private int Column(double x) => Math.Clamp((int)((x - _minX) / _cellWidth), 0, _columns - 1);

    private int Row(double y) => Math.Clamp((int)((y - _minY) / _cellHeight), 0, _rows - 1);
}
