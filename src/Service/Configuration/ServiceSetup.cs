using System.Globalization;
using BeidouHub.Geo;
using BeidouHub.Geo.Zones;
using BeidouHub.Receiver.Decoding;
using BeidouHub.Receiver.Sources;
using BeidouHub.Receiver.Workers;
using BeidouHub.Service.Hub;
using BeidouHub.Simulator;

namespace BeidouHub.Service.Configuration;

/// <summary>A receiver ready to run: its options and its source.</summary>
internal sealed record ReceiverPlan(ReceiverOptions Options, IByteSource Source);

/// <summary>
/// Turns the configuration into receivers, coordinate systems and zones, or into one clear
/// error per problem (a value out of range, unknown scheme, duplicate id, missing file, bad zone),
/// checked at start, all of them at once.
/// </summary>
internal static class ServiceSetup
{
    /// <summary>The source URI schemes the service reads: Receiver's serial, tcp and replay, and the simulator's sim.</summary>
    public static SourceSchemes Sources { get; } = SourceSchemes.Receiver.With(SimSourceOptions.Scheme).With(History.HistorySourceOptions.Scheme);

    public const string DefaultNote = "no receivers configured: replaying the park recordings in seeds/ (truck, gate, walker) in a loop";

    /// <summary>Serial receivers on System.IO.Ports by <c>io=ports</c> from which, where the epoll path runs, the start-up log advises against it.</summary>
    public const int SerialPortsAdviceFrom = 32;

    /// <summary>
    /// The start-up advice for a hub with many serial receivers put on System.IO.Ports by
    /// <c>io=ports</c> where the epoll path (the default there) is available: on Linux each such
    /// port has a thread that wakes about every millisecond (bench/README: 0.55-0.75 core per 100
    /// idle ports on the 2-core reference machine). Ports that fell back because epoll cannot serve
    /// them do not count (each has its own log line). Null when fewer, or when epoll does not run here.
    /// </summary>
    public static string? SerialIoAdvice(IReadOnlyList<ReceiverPlan> receivers, bool epollAvailable)
    {
        int ports = receivers.Count(r => r.Source is SerialSource { Options.IoFallback: null });
        return !epollAvailable || ports < SerialPortsAdviceFrom
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"{ports} serial receivers are read through System.IO.Ports (io=ports), which wakes a thread per port about 1,000 times a second (about 0.7 core per 100 ports on a small 2-core box, idle or not); remove io=ports from their serial:// sources to read them all on one epoll thread that sleeps until bytes come (README: Sources)");
    }

    /// <summary>Serial receivers read with System.IO.Ports because the epoll path cannot serve them: (id, why), one start-up log line each.</summary>
    public static IEnumerable<(string Id, string Reason)> SerialIoFallbacks(IEnumerable<ReceiverPlan> receivers) =>
        receivers
            .Where(r => r.Source is SerialSource { Options.IoFallback: not null })
            .Select(r => (r.Options.Id, ((SerialSource)r.Source).Options.IoFallback!));

    /// <summary>The receivers (their replay and simulator sources paced by <paramref name="time"/>), the geo pipeline and zones, or every error at once.</summary>
    public static bool TryBuild(BeidouHubOptions options, BeidouHubOptionsValidator validator, TimeProvider time, out List<ReceiverPlan> receivers, out GeoPipeline? geo, out List<string> errors, out bool usedDefault)
    {
        errors = validator.Check(options);
        receivers = [];
        geo = null;
        usedDefault = options.Receivers.Count == 0;
        List<ReceiverConfig> configured = usedDefault ? DefaultReceivers() : options.Receivers;
        List<ZoneDefinition> zones = options.Zones.Count == 0 && options.ZonesFile is null && usedDefault ? DefaultZones() : [.. options.Zones];

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < configured.Count; i++)
        {
            ReceiverConfig r = configured[i];
            string where = $"BeidouHub:Receivers:{i}";
            if (string.IsNullOrWhiteSpace(r.Id))
            {
                errors.Add($"{where}: Id is missing");
                continue;
            }

            if (!Sources.TryParse(r.Source, out SourceOptions? source, out string? error))
            {
                errors.Add($"{where} ({r.Id}): {error}");
                continue;
            }

            foreach ((string id, SourceOptions expanded) in Expand(r.Id, source!))
            {
                if (!ids.Add(id))
                {
                    errors.Add($"{where}: duplicate receiver id '{id}'");
                    continue;
                }

                if (!ByteSources.TryCreate(expanded, time, out IByteSource? byteSource, out error))
                {
                    errors.Add($"{where} ({id}): {error}");
                    continue;
                }

                var decoder = new NmeaDecoderOptions { RequireChecksum = r.RequireChecksum };
                if (r.MaxSentenceLength is { } max)
                {
                    decoder = decoder with { MaxSentenceLength = max };
                }

                receivers.Add(new ReceiverPlan(
                    new ReceiverOptions
                    {
                        Id = id,
                        Source = expanded.Uri,
                        BackoffCap = r.BackoffCap ?? TimeSpan.FromSeconds(5),
                        StaleAfter = r.StaleAfter ?? TimeSpan.FromSeconds(5),
                        Decoder = decoder,
                        Recording = r.Record ? new RecordingOptions { Directory = options.RecordingsDirectory } : null,
                    },
                    byteSource!));
            }
        }

        if (!GridSetup.TryBuild(options.Geo, out IGrid? grid, out string? gridError))
        {
            errors.Add(gridError);
        }

        ParkGrid? park = null;
        if (grid is not null && options.Geo.Park is { } p && BeidouHubOptionsValidator.ParkSettingsValid(p))
        {
            park = BuildPark(p, errors);
        }

        if (options.ZonesFile is { } file)
        {
            try
            {
                zones.AddRange(ZoneGeoJson.Parse(File.ReadAllText(file), ZoneCoordinates.Geodetic));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or FormatException or System.Text.Json.JsonException)
            {
                errors.Add($"BeidouHub:ZonesFile '{Path.GetFullPath(file)}': {e.Message}");
            }
        }

        ZoneMonitor? monitor = null;
        if (grid is not null && BeidouHubOptionsValidator.ZoneSettingsValid(options.Geo))
        {
            try
            {
                monitor = new ZoneMonitor(zones, new ZoneMonitorOptions
                {
                    MarginMetres = options.Geo.ZoneMarginMetres,
                    ConfirmEpochs = options.Geo.ZoneConfirmEpochs,
                    DwellSeconds = options.Geo.ZoneDwellSeconds,
                }, grid, park);
            }
            catch (ArgumentException e)
            {
                errors.Add($"BeidouHub:Zones: {e.Message}");
            }
        }

        if (errors.Count > 0)
        {
            return false;
        }

        geo = new GeoPipeline(grid!, park, monitor!);
        return true;
    }

    private static ParkGrid? BuildPark(ParkConfig p, List<string> errors)
    {
        if (p.ControlPoints.Count > 0)
        {
            var points = p.ControlPoints.Select(c => new ControlPoint(c.Id, new GridPoint(c.Northing, c.Easting), new ParkPoint(c.East, c.North))).ToList();
            if (ParkGrid.TryFit(points, out ParkGridFit? fit, out string? error))
            {
                return fit.Grid;
            }

            errors.Add($"BeidouHub:Geo:Park:ControlPoints: {error}");
            return null;
        }

        if (p.OriginNorthing is { } n && p.OriginEasting is { } e)
        {
            return ParkGrid.FromOrigin(new GridPoint(n, e), p.RotationDeg, p.Scale);
        }

        errors.Add("BeidouHub:Geo:Park: give OriginNorthing and OriginEasting (+ RotationDeg, Scale), or ControlPoints");
        return null;
    }

    // sim://?fleet=N without an index is N receivers, {id}-{i}.
    private static IEnumerable<(string Id, SourceOptions Source)> Expand(string id, SourceOptions source)
    {
        if (source is SimSourceOptions sim && sim.Parameters.TryGetValue("fleet", out string? fleet) && !sim.Parameters.ContainsKey("index")
            && int.TryParse(fleet, NumberStyles.None, CultureInfo.InvariantCulture, out int count) && count > 0)
        {
            for (int i = 0; i < count; i++)
            {
                var parameters = new Dictionary<string, string>(sim.Parameters, StringComparer.OrdinalIgnoreCase) { ["index"] = i.ToString(CultureInfo.InvariantCulture) };
                string uri = "sim://?" + string.Join("&", parameters.Select(kv => $"{kv.Key}={kv.Value}"));
                yield return ($"{id}-{i}", new SimSourceOptions(uri, parameters));
            }

            yield break;
        }

        yield return (id, source);
    }

    private static List<ReceiverConfig> DefaultReceivers()
    {
        string seeds = Path.Combine(AppContext.BaseDirectory, "seeds");
        return
        [
            new() { Id = "truck-1", Source = Replay(seeds, "park-vehicle-rtk-10hz.nmea") },
            new() { Id = "gate-1", Source = Replay(seeds, "park-gate-outage.nmea") },
            new() { Id = "walker-1", Source = Replay(seeds, "park-handheld-bd-walk.nmea") },
        ];

        static string Replay(string dir, string file) => "replay://" + Path.Combine(dir, file) + "?speed=1&loop=true";
    }

    // Two demo zones on the simulated park loop (seeds/README.md): the main gate and the loading dock.
    private static List<ZoneDefinition> DefaultZones() =>
    [
        Box("main-gate", 27.8580, 113.1680, 40),
        Box("loading-dock", 27.8618, 113.1728, 60),
    ];

    private static ZoneDefinition Box(string id, double lat, double lon, double halfMetres)
    {
        double dLat = halfMetres / 111_320.0;
        double dLon = halfMetres / (111_320.0 * Math.Cos(lat * Math.PI / 180));
        List<double[]> ring =
        [
            [lon - dLon, lat - dLat], [lon + dLon, lat - dLat], [lon + dLon, lat + dLat], [lon - dLon, lat + dLat], [lon - dLon, lat - dLat],
        ];
        return new ZoneDefinition { Id = id, Coordinates = ZoneCoordinates.Geodetic, Polygons = [new List<IList<double[]>> { ring }] };
    }
}
