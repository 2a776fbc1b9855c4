namespace BeidouHub.Geo;

/// <summary>
/// A geodetic position in decimal degrees on CGCS2000 (EPSG:4490) unless a method says otherwise.
/// Named members, never positional: EPSG:4490 lists latitude first, web maps list longitude first.
/// </summary>
/// <param name="Latitude">Geodetic latitude, degrees, -90..90, north positive.</param>
/// <param name="Longitude">Longitude, degrees, -180..180, east positive.</param>
public readonly record struct GeodeticPoint(double Latitude, double Longitude);
