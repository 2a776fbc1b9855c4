using BeidouHub.Geo;
using BeidouHub.Geo.Zones;

namespace BeidouHub.Service.Hub;

/// <summary>The configured coordinate systems and zones, built once at start.</summary>
internal sealed class GeoPipeline
{
    public GeoPipeline(IGrid grid, ParkGrid? park, ZoneMonitor zones)
    {
        Grid = grid;
        Park = park;
        Zones = zones;
    }

    /// <summary>The grid of the park: EPSG:4547 for Zhuzhou unless configured, or the city's own (WKT, ProjNET).</summary>
    public IGrid Grid { get; }

    /// <summary>The park's local grid, when configured.</summary>
    public ParkGrid? Park { get; }

    /// <summary>Zones and their per-receiver states.</summary>
    public ZoneMonitor Zones { get; }
}
