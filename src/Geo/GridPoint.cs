namespace BeidouHub.Geo;

/// <summary>
/// A Gauss-Kruger grid coordinate in metres. EPSG's axis order for the CGCS2000 Gauss-Kruger
/// CRSs (coordinate system 4530) is northing (X) first, easting (Y) second; surveyors in China
/// write them the same way, GIS software often the other way round. Use the names.
/// </summary>
/// <param name="Northing">Northing (EPSG "X"), metres from the equator.</param>
/// <param name="Easting">Easting (EPSG "Y"), metres, including the false easting (and zone prefix, if any).</param>
public readonly record struct GridPoint(double Northing, double Easting);
