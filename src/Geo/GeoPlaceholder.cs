namespace BeidouHub.Geo;

/// <summary>Marker for the Geo assembly until its first types land.</summary>
internal static class GeoAssembly
{
}
