using BeidouHub.Geo.Zones;

namespace BeidouHub.Service.Configuration;

/// <summary>
/// The <c>BeidouHub</c> configuration section (appsettings.json, environment variables
/// <c>BeidouHub__Receivers__0__Source=...</c>, command line <c>--BeidouHub:Receivers:0:Source=...</c>).
/// </summary>
internal sealed class BeidouHubOptions
{
    public const string Section = "BeidouHub";

    /// <summary>The receivers. None at all: the embedded default replays the park recordings of seeds/.</summary>
    public List<ReceiverConfig> Receivers { get; set; } = [];

    /// <summary>Coordinate systems.</summary>
    public GeoConfig Geo { get; set; } = new();

    /// <summary>Zones (geofences), inline.</summary>
    public List<ZoneDefinition> Zones { get; set; } = [];

    /// <summary>Zones from a GeoJSON file (Polygon/MultiPolygon features with an <c>id</c>).</summary>
    public string? ZonesFile { get; set; }

    /// <summary>Where the gRPC endpoint listens (HTTP/2 cleartext). TLS: configure Kestrel:Endpoints instead.</summary>
    public string Listen { get; set; } = "http://127.0.0.1:50051";

    /// <summary>Updates queued per subscriber before the oldest are dropped.</summary>
    public int SubscriberQueue { get; set; } = 4096;

    /// <summary>A subscriber that reads nothing this long while updates are dropped is ended.</summary>
    public TimeSpan SlowSubscriberTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the one-line summary is logged.</summary>
    public TimeSpan SummaryInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Folder for raw recordings of receivers that have <c>Record: true</c>.</summary>
    public string RecordingsDirectory { get; set; } = "recordings";
}

/// <summary>One receiver.</summary>
internal sealed class ReceiverConfig
{
    /// <summary>Unique id, e.g. <c>gate-3</c>. A <c>sim://?fleet=N</c> source makes N receivers <c>{Id}-{i}</c>.</summary>
    public string Id { get; set; } = "";

    /// <summary>Source URI: serial://, tcp://, replay://, sim://.</summary>
    public string Source { get; set; } = "";

    /// <summary>Record the raw bytes into the recordings folder.</summary>
    public bool Record { get; set; }

    public TimeSpan? BackoffCap { get; set; }

    public TimeSpan? StaleAfter { get; set; }

    public bool RequireChecksum { get; set; }

    public int? MaxSentenceLength { get; set; }
}

/// <summary>Coordinate systems of the park.</summary>
internal sealed class GeoConfig
{
    /// <summary>CGCS2000 Gauss-Kruger grid; 0 picks the 3-degree zone of the park's longitude. Neither this nor <see cref="Grid"/>: 4547 (Zhuzhou).</summary>
    public int? GridEpsg { get; set; }

    /// <summary>The grid as an EPSG code, a WKT (inline or file) or Transverse Mercator parameters; instead of <see cref="GridEpsg"/>.</summary>
    public GridConfig? Grid { get; set; }

    /// <summary>The park's local grid, if the park has one.</summary>
    public ParkConfig? Park { get; set; }

    public double ZoneMarginMetres { get; set; } = 2;

    public int ZoneConfirmEpochs { get; set; } = 2;

    public double ZoneDwellSeconds { get; set; }
}

/// <summary>
/// <c>Geo:Grid</c>: exactly one of <c>Epsg</c> (EPSG:4491-4554, the fast hand-written path),
/// <c>Wkt</c> or <c>WktFile</c> (a projected CRS, through ProjNET), or the parameters of a
/// city's Transverse Mercator (<c>CentralMeridian</c> and optionally the rest, through ProjNET).
/// </summary>
internal sealed class GridConfig
{
    public int? Epsg { get; set; }

    public string? Wkt { get; set; }

    public string? WktFile { get; set; }

    public double? CentralMeridian { get; set; }

    public double? LatitudeOfOrigin { get; set; }

    public double? FalseEasting { get; set; }

    public double? FalseNorthing { get; set; }

    public double? ScaleFactor { get; set; }

    public double? HeightPlane { get; set; }

    /// <summary>Name of a grid given by parameters (a WKT names itself in PROJCS["..."]).</summary>
    public string? Name { get; set; }
}

/// <summary>The park grid: origin + rotation (+ scale), or control points to fit.</summary>
internal sealed class ParkConfig
{
    public double? OriginNorthing { get; set; }

    public double? OriginEasting { get; set; }

    public double RotationDeg { get; set; }

    public double Scale { get; set; } = 1;

    public List<ControlPointConfig> ControlPoints { get; set; } = [];
}

/// <summary>A surveyed point in both grids.</summary>
internal sealed class ControlPointConfig
{
    public string Id { get; set; } = "";

    public double Northing { get; set; }

    public double Easting { get; set; }

    public double East { get; set; }

    public double North { get; set; }
}
