using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;

namespace BeidouHub.Service.Configuration;

/// <summary>
/// Every value of the <c>BeidouHub</c> section against its range, one line per bad value naming its
/// key (<c>BeidouHub:SummaryInterval: must be at least 1 s (was 00:00:00)</c>). The one rule set:
/// <see cref="ServiceSetup.TryBuild"/> applies it before the service starts (so a bad value is a
/// line on stderr and exit 1, not a stack trace), and it is registered with <c>ValidateOnStart</c>
/// for the options the service resolves, so a reloaded section meets the same rules. What needs more
/// than the value (a source that opens, a file that exists, a zone's geometry, a grid's EPSG code) is
/// ServiceSetup's.
/// </summary>
internal sealed class BeidouHubOptionsValidator : IValidateOptions<BeidouHubOptions>
{
    public const int MinSubscriberQueue = 16;
    public const int MaxSubscriberQueue = 1 << 20;

    // A period below a second turns the summary and the slow-subscriber rule into busy work; 0 was a busy loop.
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    // Backoff starts at 250 ms; a cap below 100 ms would hammer a converter with connects. Stale
    // detection looks every StaleAfter/4 (at least 20 ms): below 100 ms a 10 Hz receiver flaps.
    private static readonly TimeSpan ReceiverMin = TimeSpan.FromMilliseconds(100);

    private readonly bool _checkListen;

    /// <summary>Listen is checked unless <c>Kestrel:Endpoints</c> is configured (then it is not used).</summary>
    public BeidouHubOptionsValidator(IConfiguration configuration)
        : this(checkListen: !configuration.GetSection("Kestrel:Endpoints").Exists())
    {
    }

    internal BeidouHubOptionsValidator(bool checkListen)
    {
        _checkListen = checkListen;
    }

    public ValidateOptionsResult Validate(string? name, BeidouHubOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> errors = Check(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>One line per bad value, in the section's order; empty when all are good.</summary>
    public List<string> Check(BeidouHubOptions options)
    {
        var errors = new List<string>();
        const string S = BeidouHubOptions.Section;
        if (_checkListen && !TryParseListen(options.Listen, out _, out _))
        {
            errors.Add($"{S}:Listen: must be http://IP:port or https://IP:port (with {S}:Tls), e.g. http://127.0.0.1:50051 (was '{options.Listen}')");
        }
        else if (_checkListen)
        {
            // TLS belongs to the endpoint BeidouHub:Listen describes (Kestrel:Endpoints brings its own).
            errors.AddRange(options.Tls.Validate(options.Listen));
        }

        if (options.Web.Enabled && _checkListen)
        {
            // The console's endpoint gets the same TLS rules as the gRPC one (the same certificate).
            errors.AddRange(options.Tls.Validate(options.Web.ListenOn(options.Tls), $"{WebConfig.Section}:Listen").Where(e => e.StartsWith(WebConfig.Section, StringComparison.Ordinal)));
        }

        if (options.Metrics.Enabled && _checkListen)
        {
            // The scrape endpoint gets the same TLS rules as the gRPC one.
            errors.AddRange(options.Tls.Validate(options.Metrics.ListenOn(options.Tls), $"{MetricsConfig.Section}:Listen", "the metrics (receiver ids, counters)").Where(e => e.StartsWith(MetricsConfig.Section, StringComparison.Ordinal)));
        }

        CheckWeb(options.Web, errors);
        Range(errors, $"{S}:SubscriberQueue", options.SubscriberQueue, MinSubscriberQueue, MaxSubscriberQueue);
        Range(errors, $"{S}:SlowSubscriberTimeout", options.SlowSubscriberTimeout, Second, TimeSpan.FromHours(1));
        Range(errors, $"{S}:SummaryInterval", options.SummaryInterval, Second, TimeSpan.FromDays(1));
        if (string.IsNullOrWhiteSpace(options.RecordingsDirectory))
        {
            errors.Add($"{S}:RecordingsDirectory: must name a folder (was '{options.RecordingsDirectory}')");
        }

        CheckHistory(options.History, errors);
        CheckCluster(options.Cluster, errors);
        if (options.Cluster.HistoryStream)
        {
            if (!options.Cluster.Enabled)
            {
                errors.Add($"{ClusterConfig.Section}:HistoryStream needs {ClusterConfig.Section}:Nats (the stream lives on the NATS cluster)");
            }
            else if (!options.History.Enabled || options.History.Store != HistoryStoreKind.Postgres)
            {
                errors.Add($"{ClusterConfig.Section}:HistoryStream needs a history store the nodes share: {HistoryConfig.Section}:Store=Postgres (with SQLite each node would keep a random share of the rows)");
            }
        }

        CheckIntegrity(options.Integrity, errors);
        for (int i = 0; i < options.Receivers.Count; i++)
        {
            ReceiverConfig r = options.Receivers[i];
            string key = $"{S}:Receivers:{i}";
            if (r.BackoffCap is { } cap)
            {
                Range(errors, $"{key}:BackoffCap", cap, ReceiverMin, TimeSpan.FromHours(1));
            }

            if (r.StaleAfter is { } stale)
            {
                Range(errors, $"{key}:StaleAfter", stale, ReceiverMin, TimeSpan.FromHours(1));
            }

            if (r.MaxSentenceLength is { } max)
            {
                // The framer's own limits: a sentence needs room for its address and checksum, and
                // the cap is the size of a scratch buffer per receiver.
                Range(errors, $"{key}:MaxSentenceLength", max, 16, 60_000);
            }
        }

        CheckCorrections(options.Corrections, errors);
        CheckZoneSettings(options.Geo, errors);
        if (options.Geo.Park is { } park)
        {
            CheckPark(park, errors);
        }

        return errors;
    }

    private static void CheckWeb(WebConfig web, List<string> errors)
    {
        const string W = WebConfig.Section;
        Range(errors, $"{W}:MapRateHz", web.MapRateHz, 0.1, 10);
        if (web.Tiles is not { } tiles)
        {
            return;
        }

        if (!Uri.TryCreate(tiles.Url.Replace("{", "", StringComparison.Ordinal).Replace("}", "", StringComparison.Ordinal), UriKind.Absolute, out Uri? url) || url.Scheme is not ("http" or "https")
            || !tiles.Url.Contains("{x}", StringComparison.Ordinal) || !tiles.Url.Contains("{y}", StringComparison.Ordinal) || !tiles.Url.Contains("{z}", StringComparison.Ordinal))
        {
            errors.Add($"{W}:Tiles:Url: must be an http(s) URL template with {{x}}, {{y}} and {{z}} (was '{tiles.Url}')");
        }

        Range(errors, $"{W}:Tiles:MaxZoom", tiles.MaxZoom, 1, 23);
    }

    /// <summary>True when the zone monitor's settings are in range (ServiceSetup builds the monitor only then).</summary>
    public static bool ZoneSettingsValid(GeoConfig geo)
    {
        var errors = new List<string>();
        CheckZoneSettings(geo, errors);
        return errors.Count == 0;
    }

    /// <summary>True when the park grid's numbers are in range (ServiceSetup builds the park grid only then).</summary>
    public static bool ParkSettingsValid(ParkConfig park)
    {
        var errors = new List<string>();
        CheckPark(park, errors);
        return errors.Count == 0;
    }

    private static void CheckCluster(ClusterConfig cluster, List<string> errors)
    {
        const string Key = ClusterConfig.Section;
        if (!cluster.Enabled)
        {
            return;
        }

        foreach (string url in cluster.Nats!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("nats" or "tls" or "ws" or "wss") || uri.Port <= 0)
            {
                // Only the host part: the URL may carry a password.
                string shown = Uri.TryCreate(url, UriKind.Absolute, out Uri? u) ? $"{u.Scheme}://{u.Host}:{u.Port}" : "(not a URL)";
                errors.Add($"{Key}:Nats: '{shown}' is not a NATS server URL like nats://127.0.0.1:4222 (schemes nats, tls, ws, wss, with the port)");
            }
        }

        if (cluster.NodeId is { } node && !IsToken(node.Trim()))
        {
            errors.Add($"{Key}:NodeId: '{node}' must be letters, digits, '-' or '_' (it names the node in leases and logs)");
        }

        if (!IsToken(cluster.Prefix))
        {
            errors.Add($"{Key}:Prefix: '{cluster.Prefix}' must be letters, digits, '-' or '_' (it starts every subject and bucket name)");
        }

        Range(errors, $"{Key}:LeaseTtl", cluster.LeaseTtl, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        Range(errors, $"{Key}:LatestInterval", cluster.LatestInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        Range(errors, $"{Key}:Replicas", cluster.Replicas, 0, 5);
        Range(errors, $"{Key}:HistoryStreamMaxAge", cluster.HistoryStreamMaxAge, TimeSpan.FromMinutes(1), TimeSpan.FromDays(365));
        Range(errors, $"{Key}:HistoryStreamMaxBytes", cluster.HistoryStreamMaxBytes, 1L << 20, long.MaxValue);
        foreach ((string name, string? file) in (ReadOnlySpan<(string, string?)>)[("CredentialsFile", cluster.CredentialsFile), ("CaFile", cluster.CaFile)])
        {
            if (!string.IsNullOrWhiteSpace(file) && !File.Exists(file))
            {
                errors.Add($"{Key}:{name}: file '{file}' not found");
            }
        }

        static bool IsToken(string s) => s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
    }

    private static void CheckHistory(HistoryConfig history, List<string> errors)
    {
        const string Key = HistoryConfig.Section;
        if (history.Enabled && history.Store == HistoryStoreKind.Sqlite && string.IsNullOrWhiteSpace(history.Path))
        {
            errors.Add($"{Key}:Path: must name the SQLite file, e.g. data/history.db (was '{history.Path}'), or set {Key}:Enabled=false");
        }

        if (history.Enabled && history.Store == HistoryStoreKind.Postgres)
        {
            // The value is not echoed: it may hold a password.
            if (string.IsNullOrWhiteSpace(history.ConnectionString))
            {
                errors.Add($"{Key}:ConnectionString: Store=Postgres needs an Npgsql connection string, e.g. Host=127.0.0.1;Port=5432;Database=beidouhub;Username=beidouhub;Password=...");
            }
            else if (Store.Postgres.PostgresHistoryStore.CheckConnectionString(history.ConnectionString) is { } problem)
            {
                errors.Add($"{Key}:ConnectionString: {problem}");
            }
        }

        // Below 10 ms a transaction per interval is busy work; above a minute, a crash loses a minute.
        Range(errors, $"{Key}:FlushInterval", history.FlushInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));
        Range(errors, $"{Key}:BatchSize", history.BatchSize, 1, 100_000);
        if (history.BufferLimit < history.BatchSize)
        {
            errors.Add(Invariant($"{Key}:BufferLimit: must be at least BatchSize ({history.BatchSize}) (was {history.BufferLimit})"));
        }
        else
        {
            Range(errors, $"{Key}:BufferLimit", history.BufferLimit, 1, 10_000_000);
        }

        Range(errors, $"{Key}:MaxRateHz", history.MaxRateHz, 0, 1000);
        Range(errors, $"{Key}:KeepDays", history.KeepDays, 0, 36_500);
    }

    // Values only; the receivers each entry matches and the CA file are CorrectionsSetup's. A caster
    // URL is echoed without its user information, a password never.
    private static void CheckCorrections(CorrectionsConfig corrections, List<string> errors)
    {
        for (int i = 0; i < corrections.Mountpoints.Count; i++)
        {
            MountpointConfig m = corrections.Mountpoints[i];
            string key = $"{CorrectionsConfig.Section}:Mountpoints:{i}";
            if (!Receiver.Corrections.NtripEndpoint.TryParse(m.Caster, out Receiver.Corrections.NtripEndpoint? caster, out string? error))
            {
                errors.Add($"{key}:Caster: {error}");
            }
            else
            {
                string? mountpoint = m.Mountpoint ?? caster!.Mountpoint;
                if (mountpoint is null)
                {
                    errors.Add($"{key}:Mountpoint: missing (or give it in the caster URL's path, ntrip://host:2101/MOUNT); 'beidouhub ntrip list {Receiver.Corrections.NtripEndpoint.Redact(m.Caster)}' lists them");
                }
                else if (!Receiver.Corrections.NtripEndpoint.IsValidMountpoint(mountpoint))
                {
                    errors.Add($"{key}:Mountpoint: '{mountpoint}' is not a mountpoint name (printable ASCII without space, '/', '?', '#' or '%')");
                }

                if (m.Password is not null && (m.User ?? caster!.User) is null)
                {
                    errors.Add($"{key}:Password is set without User");
                }
            }

            if (m.Version is not (Receiver.Corrections.NtripVersion.V1 or Receiver.Corrections.NtripVersion.V2))
            {
                errors.Add($"{key}:Version: must be V1 or V2 (was {(int)m.Version})");
            }

            if (m.Receivers.Count == 0 || m.Receivers.Any(string.IsNullOrWhiteSpace))
            {
                errors.Add($"{key}:Receivers: name the receivers this mountpoint serves (ids or patterns such as truck-*)");
            }

            // Casters want GGA every 5-60 s (a VRS recomputes for it); more than once a second is
            // wasted uplink, and a caster drops a client that says nothing for minutes.
            if (m.GgaInterval != TimeSpan.Zero)
            {
                Range(errors, $"{key}:GgaInterval", m.GgaInterval, Second, TimeSpan.FromMinutes(10));
            }

            Range(errors, $"{key}:BackoffCap", m.BackoffCap, Second, TimeSpan.FromHours(1));
            Range(errors, $"{key}:ReadTimeout", m.ReadTimeout, Second, TimeSpan.FromMinutes(10));
        }
    }

    private static void CheckIntegrity(Integrity.IntegrityConfig c, List<string> errors)
    {
        const string Key = Integrity.IntegrityConfig.Section;
        TimeSpan hour = TimeSpan.FromHours(1);

        // Debounce times are epoch times: 0 raises on one epoch (a jump does), an hour is already no monitor.
        Range(errors, $"{Key}:ConfirmAfter", c.ConfirmAfter, TimeSpan.Zero, hour);
        Range(errors, $"{Key}:ClearAfter", c.ClearAfter, TimeSpan.Zero, hour);
        Range(errors, $"{Key}:RtkLostAfter", c.RtkLostAfter, TimeSpan.Zero, hour);
        Range(errors, $"{Key}:RtkRegainedAfter", c.RtkRegainedAfter, TimeSpan.Zero, hour);
        Range(errors, $"{Key}:JumpHold", c.JumpHold, Second, hour);
        Range(errors, $"{Key}:ParkWindow", c.ParkWindow, TimeSpan.Zero, TimeSpan.FromMinutes(10));
        Range(errors, $"{Key}:MaxCorrectionAgeSeconds", c.MaxCorrectionAgeSeconds, 0.1, 3600);
        Range(errors, $"{Key}:MaxHorizontalSigmaMetres", c.MaxHorizontalSigmaMetres, 0.001, 10_000);
        Range(errors, $"{Key}:JumpSigmas", c.JumpSigmas, 0, 100);
        Range(errors, $"{Key}:JumpMarginMetres", c.JumpMarginMetres, 0, 100_000);
        Range(errors, $"{Key}:MaxAccelerationMps2", c.MaxAccelerationMps2, 0, 100);
        Range(errors, $"{Key}:TimeJumpSeconds", c.TimeJumpSeconds, 0.1, 86_400);
        Range(errors, $"{Key}:Cn0DropDb", c.Cn0DropDb, 1, 60);
        Range(errors, $"{Key}:Cn0MinSatellites", c.Cn0MinSatellites, 1, 200);
        Range(errors, $"{Key}:Cn0MinFraction", c.Cn0MinFraction, 0, 1);
        Range(errors, $"{Key}:Cn0MinElevationDeg", c.Cn0MinElevationDeg, 0, 90);
        Range(errors, $"{Key}:SatelliteDropFraction", c.SatelliteDropFraction, 0.05, 1);
        Range(errors, $"{Key}:ParkMinReceivers", c.ParkMinReceivers, 2, 100_000);
        Range(errors, $"{Key}:ParkMinFraction", c.ParkMinFraction, 0, 1);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < c.References.Count; i++)
        {
            Integrity.ReferenceConfig r = c.References[i];
            string key = $"{Key}:References:{i}";
            if (string.IsNullOrWhiteSpace(r.Receiver))
            {
                errors.Add($"{key}:Receiver: must name the reference receiver");
            }
            else if (!seen.Add(r.Receiver))
            {
                errors.Add($"{key}:Receiver: '{r.Receiver}' is a reference twice");
            }

            Range(errors, $"{key}:Latitude", r.Latitude, -90, 90);
            Range(errors, $"{key}:Longitude", r.Longitude, -180, 180);
            Range(errors, $"{key}:MaxDriftMetres", r.MaxDriftMetres, 0.001, 100_000);
        }
    }

    private static void CheckPark(ParkConfig park, List<string> errors)
    {
        string key = $"{BeidouHubOptions.Section}:Geo:Park";
        Finite(errors, $"{key}:OriginNorthing", park.OriginNorthing);
        Finite(errors, $"{key}:OriginEasting", park.OriginEasting);
        Range(errors, $"{key}:RotationDeg", park.RotationDeg, -360, 360);
        if (!(park.Scale > 0 && park.Scale <= 10))
        {
            errors.Add(Invariant($"{key}:Scale: must be greater than 0 and at most 10 (was {park.Scale})"));
        }

        for (int i = 0; i < park.ControlPoints.Count; i++)
        {
            ControlPointConfig c = park.ControlPoints[i];
            string point = $"{key}:ControlPoints:{i}";
            Finite(errors, $"{point}:Northing", c.Northing);
            Finite(errors, $"{point}:Easting", c.Easting);
            Finite(errors, $"{point}:East", c.East);
            Finite(errors, $"{point}:North", c.North);
        }
    }

    /// <summary>Listen as Kestrel takes it: http or https, an IP address (or localhost), a port.</summary>
    public static bool TryParseListen(string? listen, out IPAddress address, out int port)
    {
        address = IPAddress.None;
        port = 0;
        if (!Uri.TryCreate(listen, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/")
        {
            return false;
        }

        port = uri.Port;
        if (uri.Host is "localhost")
        {
            address = IPAddress.Loopback;
            return true;
        }

        if (!IPAddress.TryParse(uri.Host.Trim('[', ']'), out IPAddress? parsed))
        {
            return false;
        }

        address = parsed;
        return true;
    }

    private static void CheckZoneSettings(GeoConfig geo, List<string> errors)
    {
        string key = $"{BeidouHubOptions.Section}:Geo";
        Range(errors, $"{key}:ZoneMarginMetres", geo.ZoneMarginMetres, 0, 1000);
        Range(errors, $"{key}:ZoneConfirmEpochs", geo.ZoneConfirmEpochs, 1, 1000);
        Range(errors, $"{key}:ZoneDwellSeconds", geo.ZoneDwellSeconds, 0, 7 * 86_400);
    }

    private static void Range(List<string> errors, string key, int value, int min, int max)
    {
        if (value < min)
        {
            errors.Add(Invariant($"{key}: must be at least {min} (was {value})"));
        }
        else if (value > max)
        {
            errors.Add(Invariant($"{key}: must be at most {max} (was {value})"));
        }
    }

    private static void Range(List<string> errors, string key, double value, double min, double max)
    {
        if (double.IsNaN(value))
        {
            errors.Add($"{key}: must be a number (was NaN)");
        }
        else if (value < min)
        {
            errors.Add(Invariant($"{key}: must be at least {min} (was {value})"));
        }
        else if (value > max)
        {
            errors.Add(Invariant($"{key}: must be at most {max} (was {value})"));
        }
    }

    private static void Range(List<string> errors, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min)
        {
            errors.Add(Invariant($"{key}: must be at least {Human(min)} (was {value:c})"));
        }
        else if (value > max)
        {
            errors.Add(Invariant($"{key}: must be at most {Human(max)} (was {value:c})"));
        }
    }

    private static void Finite(List<string> errors, string key, double? value)
    {
        if (value is { } v && !double.IsFinite(v))
        {
            errors.Add(Invariant($"{key}: must be a finite number (was {v})"));
        }
    }

    // 100 ms, 1 s, 1 h, 1 d: the bound as a person says it.
    private static string Human(TimeSpan t) =>
        t.TotalDays >= 1 && t.Ticks % TimeSpan.TicksPerDay == 0 ? Invariant($"{t.TotalDays} d")
        : t.TotalHours >= 1 && t.Ticks % TimeSpan.TicksPerHour == 0 ? Invariant($"{t.TotalHours} h")
        : t.TotalMinutes >= 1 && t.Ticks % TimeSpan.TicksPerMinute == 0 ? Invariant($"{t.TotalMinutes} min")
        : t.TotalSeconds >= 1 && t.Ticks % TimeSpan.TicksPerSecond == 0 ? Invariant($"{t.TotalSeconds} s")
        : Invariant($"{t.TotalMilliseconds} ms");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
