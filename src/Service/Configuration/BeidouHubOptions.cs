using BeidouHub.Geo.Zones;
using BeidouHub.Service.Security;

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

    /// <summary>
    /// Where the gRPC endpoint listens: <c>http://</c> (plain HTTP/2, loopback only unless
    /// <c>Tls:AllowInsecure</c>) or <c>https://</c> with a certificate in <see cref="Tls"/>.
    /// </summary>
    public string Listen { get; set; } = "http://127.0.0.1:50051";

    /// <summary>TLS for <see cref="Listen"/>: the certificate, client certificates (mTLS), plain listening beyond loopback.</summary>
    public TlsConfig Tls { get; set; } = new();

    /// <summary>Updates queued per subscriber before the oldest are dropped.</summary>
    public int SubscriberQueue { get; set; } = 4096;

    /// <summary>A subscriber that reads nothing this long while updates are dropped is ended.</summary>
    public TimeSpan SlowSubscriberTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the one-line summary is logged.</summary>
    public TimeSpan SummaryInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Folder for raw recordings of receivers that have <c>Record: true</c>.</summary>
    public string RecordingsDirectory { get; set; } = "recordings";

    /// <summary>The position history (SQLite): <see cref="HistoryConfig"/>.</summary>
    public HistoryConfig History { get; set; } = new();

    /// <summary>
    /// The park applications allowed to call the service, each with its API keys and scope. With
    /// none (and no <see cref="Jwt"/>) every client sees everything, which is only allowed on
    /// loopback unless <see cref="AllowAnonymous"/>. Read again when the configuration changes.
    /// </summary>
    public List<ApplicationConfig> Applications { get; set; } = [];

    /// <summary>JWT bearer tokens from the park's identity provider; scopes from the token's claims.</summary>
    public JwtConfig? Jwt { get; set; }

    /// <summary>Serve without credentials on a non-loopback address (no applications, no JWT): everyone on the network sees everything.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>The web console: the park's live map, sky plot, receiver board and events in a browser.</summary>
    public WebConfig Web { get; set; } = new();

    /// <summary>Several nodes on a NATS cluster: <see cref="ClusterConfig"/>; alone when not set.</summary>
    public ClusterConfig Cluster { get; set; } = new();

    /// <summary>RTCM corrections from NTRIP casters to the receivers: <see cref="CorrectionsConfig"/>.</summary>
    public CorrectionsConfig Corrections { get; set; } = new();

    /// <summary>The integrity monitor's alerts (jamming, spoofing, RTK lost...): <see cref="Integrity.IntegrityConfig"/>.</summary>
    public Integrity.IntegrityConfig Integrity { get; set; } = new();

    /// <summary>OpenTelemetry metrics on a Prometheus scrape endpoint: <see cref="MetricsConfig"/>.</summary>
    public MetricsConfig Metrics { get; set; } = new();
}

/// <summary>
/// <c>BeidouHub:Metrics</c>: a Prometheus scrape endpoint (<c>GET /metrics</c>) on its own port,
/// loopback by default. Its own port because Prometheus scrapes over HTTP/1.1 (the gRPC endpoint
/// is HTTP/2 only), scraping must not depend on the web console being on, and a scraper carries
/// no API key: the endpoint asks for none, so it is served only where the operator puts it. Beyond
/// loopback it follows the gRPC endpoint's rules (https with <c>BeidouHub:Tls</c>'s certificate,
/// or Tls:AllowInsecure; credentials or AllowAnonymous for the service).
/// </summary>
internal sealed class MetricsConfig
{
    public const string Section = "BeidouHub:Metrics";

    /// <summary>The path Prometheus scrapes.</summary>
    public const string Path = "/metrics";

    /// <summary>OpenTelemetry's registered port for the Prometheus exporter.</summary>
    public const int DefaultPort = 9464;

    public bool Enabled { get; set; } = true;

    /// <summary>http://IP:port or https://IP:port; not set: port 9464 on loopback, https when there is a certificate.</summary>
    public string? Listen { get; set; }

    public string ListenOn(TlsConfig tls) => Listen ?? $"{(tls.HasCertificate ? "https" : "http")}://127.0.0.1:{DefaultPort}";
}

/// <summary>
/// <c>BeidouHub:Web</c>: the web console, served by the service on its own endpoint (HTTP/1.1 and
/// HTTP/2, so browsers reach it) over the same API (gRPC-Web), the same access control and, when
/// <c>BeidouHub:Tls</c> has a certificate, the same TLS.
/// </summary>
internal sealed class WebConfig
{
    public const string Section = "BeidouHub:Web";

    /// <summary>Serve the console (and gRPC-Web for browsers); false: the gRPC endpoint only.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Where the console listens: http:// on loopback, or https:// with the certificate of
    /// <c>BeidouHub:Tls</c>. Not set: port 8080 on loopback, https when there is a certificate.
    /// </summary>
    public string? Listen { get; set; }

    /// <summary>The default port of the console.</summary>
    public const int DefaultPort = 8080;

    /// <summary><see cref="Listen"/>, or its default for the TLS in force.</summary>
    public string ListenOn(TlsConfig tls) => Listen ?? $"{(tls.HasCertificate ? "https" : "http")}://127.0.0.1:{DefaultPort}";

    /// <summary>Positions per receiver per second the map asks for (decimation by epoch time, on the server).</summary>
    public double MapRateHz { get; set; } = 2;

    /// <summary>A tile layer under the map; none: the park's own plane (grid lines and a scale bar), which works offline.</summary>
    public TileConfig? Tiles { get; set; }
}

/// <summary>An XYZ (Web Mercator) tile service under the console's map, and the datum its tiles are drawn in.</summary>
internal sealed class TileConfig
{
    /// <summary>URL template with {x}, {y}, {z} (and {s} for a server letter), e.g. Tianditu's vec_w with your tk key.</summary>
    public string Url { get; set; } = "";

    /// <summary>Cgcs2000 (Tianditu, OpenStreetMap: no offset) or Gcj02 (AMap, Tencent). Baidu's BD-09 tiles use their own tile grid, which XYZ cannot address.</summary>
    public TileDatum Datum { get; set; } = TileDatum.Cgcs2000;

    /// <summary>The tile provider's attribution, shown on the map (their terms usually require it).</summary>
    public string? Attribution { get; set; }

    public int MaxZoom { get; set; } = 18;
}

/// <summary>The datum a tile service draws its map in, so positions are placed on it in the same one.</summary>
internal enum TileDatum
{
    Cgcs2000,
    Gcj02,
}

/// <summary>
/// One park application: its credentials (API key hashes, client certificate thumbprints) and what
/// it may see. Nothing is granted by default: a scope list that is left out grants nothing,
/// <c>"*"</c> grants all.
/// </summary>
internal sealed class ApplicationConfig
{
    /// <summary>Unique id, in audit lines (e.g. <c>logistics</c>).</summary>
    public string Id { get; set; } = "";

    /// <summary>Key hashes as <c>beidouhub key new</c> prints them: <c>sha256:&lt;key id&gt;:&lt;salt&gt;:&lt;hash&gt;</c>. Several for rotation.</summary>
    public List<string> Keys { get; set; } = [];

    /// <summary>
    /// SHA-256 thumbprints of the client certificates (mTLS) that are this application, as
    /// <c>beidouhub key cert FILE APP</c> prints them: 64 hex digits (openssl's colon-separated
    /// form is taken too). Pinned one by one, so removing a line revokes that certificate alone.
    /// Needs <c>Tls:ClientCertificates</c> Allow or Require.
    /// </summary>
    public List<string> Certificates { get; set; } = [];

    /// <summary>Receiver ids and patterns (<c>truck-*</c>, <c>gate-?</c>), or <c>"*"</c>. Required.</summary>
    public List<string> Receivers { get; set; } = [];

    /// <summary>Zone ids and patterns, or <c>"*"</c>: zone filters, zone events and the zone ids in positions. None: no zones.</summary>
    public List<string> Zones { get; set; } = [];

    /// <summary>positions, sky, zones, receivers, or <c>"*"</c>. Required.</summary>
    public List<string> Rpcs { get; set; } = [];

    /// <summary>geodetic (latitude/longitude), grid, park, gcj02, bd09, or <c>"*"</c>. Required with positions.</summary>
    public List<string> Coordinates { get; set; } = [];

    /// <summary>Positions per receiver per second at most (caps max_rate_hz); 0: no cap.</summary>
    public double MaxRateHz { get; set; }

    /// <summary>From this instant the application's keys are refused and its open streams end.</summary>
    public DateTimeOffset? Expires { get; set; }
}

/// <summary>
/// JWT bearer tokens, validated offline against a signing key file (PEM public key or
/// certificate, or a JWKS document) or, with <see cref="Authority"/>, the issuer's published keys.
/// </summary>
internal sealed class JwtConfig
{
    /// <summary>The <c>iss</c> tokens must carry. Required.</summary>
    public string Issuer { get; set; } = "";

    /// <summary>The <c>aud</c> tokens must carry. Required.</summary>
    public string Audience { get; set; } = "";

    /// <summary>PEM file: a public key (RSA or EC) or a certificate.</summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>JWKS file (the identity provider's <c>jwks_uri</c> document, saved).</summary>
    public string? JwksFile { get; set; }

    /// <summary>Optional: the identity provider's URL, whose OpenID metadata and keys are fetched (needs the network).</summary>
    public string? Authority { get; set; }

    /// <summary>Tolerated clock difference for <c>exp</c>/<c>nbf</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
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

/// <summary>Whether the service asks TLS clients for a certificate (mTLS).</summary>
internal enum TlsClientCertificates
{
    /// <summary>Not asked for.</summary>
    None,

    /// <summary>Asked for; a client without one connects, one with a certificate not from <c>ClientCaFile</c> does not.</summary>
    Allow,

    /// <summary>Required, from <c>ClientCaFile</c>: a client without one cannot connect.</summary>
    Require,
}

/// <summary>
/// <c>BeidouHub:Tls</c>: the service's certificate, as PEM files (<c>CertificateFile</c> +
/// <c>KeyFile</c>) or PKCS#12 (<c>PfxFile</c> + <c>PfxPassword</c>); client certificates for
/// mTLS; and <c>AllowInsecure</c>, without which plain HTTP/2 is served on loopback only.
/// </summary>
internal sealed class TlsConfig
{
    public const string Section = "BeidouHub:Tls";

    /// <summary>PEM certificate, optionally followed by its chain (a fullchain.pem).</summary>
    public string? CertificateFile { get; set; }

    /// <summary>PEM private key of <see cref="CertificateFile"/> (PKCS#8, or PKCS#1/SEC1); not encrypted. Absent: the key is in the certificate file.</summary>
    public string? KeyFile { get; set; }

    /// <summary>PKCS#12 file with the certificate and its key, instead of the PEM files.</summary>
    public string? PfxFile { get; set; }

    public string? PfxPassword { get; set; }

    /// <summary>None, Allow or Require a client certificate (mTLS).</summary>
    public TlsClientCertificates ClientCertificates { get; set; }

    /// <summary>PEM CA certificate(s) that client certificates must chain to; the system store is not used for clients.</summary>
    public string? ClientCaFile { get; set; }

    /// <summary>Serve plain HTTP/2 on an address other than loopback (anyone on the network can read and forge the traffic).</summary>
    public bool AllowInsecure { get; set; }

    public bool HasCertificate => CertificateFile is not null || PfxFile is not null;

    /// <summary>
    /// The section's problems with <paramref name="listen"/> (<c>BeidouHub:Listen</c>), one line
    /// per bad value, before any file is read: an address that is no URL, https:// without a
    /// certificate or a certificate with http://, plain HTTP/2 beyond loopback without
    /// AllowInsecure, settings that only mean something together. <paramref name="serves"/> says
    /// in that last message what the endpoint would give away.
    /// </summary>
    public List<string> Validate(string listen, string key = "BeidouHub:Listen", string serves = "positions")
    {
        var problems = new List<string>();
        if (CertificateFile is not null && PfxFile is not null)
        {
            problems.Add($"{Section}: give CertificateFile (+ KeyFile) or PfxFile, not both");
        }

        if (KeyFile is not null && CertificateFile is null)
        {
            problems.Add($"{Section}:KeyFile is set without CertificateFile");
        }

        if (PfxPassword is not null && PfxFile is null)
        {
            problems.Add($"{Section}:PfxPassword is set without PfxFile");
        }

        if (ClientCertificates != TlsClientCertificates.None && !HasCertificate)
        {
            problems.Add($"{Section}:ClientCertificates={ClientCertificates} needs TLS: a CertificateFile or PfxFile and an https:// BeidouHub:Listen");
        }

        if (ClientCertificates != TlsClientCertificates.None && ClientCaFile is null)
        {
            problems.Add($"{Section}:ClientCertificates={ClientCertificates} needs ClientCaFile, the CA that client certificates must chain to");
        }

        if (ClientCertificates == TlsClientCertificates.None && ClientCaFile is not null)
        {
            problems.Add($"{Section}:ClientCaFile is set but ClientCertificates is None: set Allow or Require to ask clients for certificates");
        }

        if (!TlsEndpoint.TryParseListen(listen, out Uri? uri, out System.Net.IPAddress? address, out string? error, key))
        {
            problems.Add(error!);
            return problems;
        }

        if (uri!.Scheme == "https" && !HasCertificate)
        {
            problems.Add($"{key} '{listen}' needs a certificate: {Section}:CertificateFile and KeyFile, or PfxFile ('beidouhub tls-dev' makes one to try)");
        }
        else if (uri.Scheme == "http" && HasCertificate)
        {
            problems.Add($"{key} '{listen}' is plain http:// but {Section} has a certificate: listen on https://");
        }
        else if (uri.Scheme == "http" && !System.Net.IPAddress.IsLoopback(address!) && !AllowInsecure)
        {
            problems.Add($"{key} '{listen}' would serve {serves} unencrypted to the network: listen on https:// with a {Section} certificate ('beidouhub tls-dev' makes one to try), on 127.0.0.1, or set {Section}:AllowInsecure=true");
        }

        return problems;
    }
}
