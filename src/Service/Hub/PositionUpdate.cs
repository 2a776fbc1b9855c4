using BeidouHub.Geo;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Nmea.Sentences;
using BeidouHub.Receiver.Satellites;

namespace BeidouHub.Service.Hub;

/// <summary>
/// One receiver's position for one epoch, immutable, with every coordinate the service offers
/// computed once (not per subscriber). <see cref="Complete"/> is false for the early update sent
/// when the epoch's position sentences are in.
/// </summary>
internal sealed record PositionUpdate
{
    public required string ReceiverId { get; init; }

    public required long Sequence { get; init; }

    public required bool Complete { get; init; }

    public DateTime? Time { get; init; }

    public int? TimeOfDayMs { get; init; }

    public GgaQuality? Quality { get; init; }

    public FixMode Mode { get; init; }

    public RtkState Rtk { get; init; }

    public double? Latitude { get; init; }

    public double? Longitude { get; init; }

    public double? AltitudeMsl { get; init; }

    public double? GeoidSeparation { get; init; }

    public GridPoint? Grid { get; init; }

    /// <summary>EPSG code of the grid; 0 for a grid without one (then see <see cref="GridName"/>).</summary>
    public int GridEpsg { get; init; }

    /// <summary>Name of a grid without an EPSG code (a WKT or parameters); null for an EPSG grid.</summary>
    public string? GridName { get; init; }

    public ParkPoint? Park { get; init; }

    public GeodeticPoint? Gcj02 { get; init; }

    public GeodeticPoint? Bd09 { get; init; }

    public double? SpeedMps { get; init; }

    public double? CourseDeg { get; init; }

    public double? Hdop { get; init; }

    public double? Vdop { get; init; }

    public double? Pdop { get; init; }

    public double? SigmaLatitude { get; init; }

    public double? SigmaLongitude { get; init; }

    public double? SigmaAltitude { get; init; }

    public double? DiffAge { get; init; }

    public int? DiffStation { get; init; }

    public required int[] UsedPerConstellation { get; init; }

    public required SkySatellite[] Satellites { get; init; }

    public required string[] Zones { get; init; }

    /// <summary>When the service handed the update out (for ages and latency); for a remote update, when its own node did.</summary>
    public DateTimeOffset PublishedAt { get; init; }

    /// <summary>True for an update another node of the cluster read (it came over NATS).</summary>
    public bool Remote { get; init; }

    /// <summary>
    /// The wire forms the API layer built for this update, one per subscriber shape, shared by the
    /// subscribers of that shape (one message, serialised once, per update and shape instead of
    /// one per subscriber). Not part of the update's value: do not derive updates with <c>with</c>
    /// (the copy would carry it).
    /// </summary>
    public object? WireCache => Volatile.Read(ref _wireCache);

    /// <summary>Sets <see cref="WireCache"/> to <paramref name="value"/> if it is still <paramref name="expected"/>; returns what it was.</summary>
    public object? CompareExchangeWireCache(object value, object? expected) => Interlocked.CompareExchange(ref _wireCache, value, expected);

    private object? _wireCache;

    /// <summary>How a quality filter ranks this position: 0 none, 1 fix, 2 differential, 3 RTK float, 4 RTK fixed.</summary>
    public int QualityRank => !Latitude.HasValue ? 0 : Rtk switch
    {
        RtkState.Fixed => 4,
        RtkState.Float => 3,
        _ => Quality is GgaQuality.Differential or GgaQuality.Pps ? 2 : 1,
    };

    /// <param name="sequenceBase">Added to the epoch's sequence: in a cluster, the receiver's lease
    /// term shifted left 32 bits, so a receiver's sequence keeps growing across a take-over.</param>
    public static PositionUpdate From(Epoch e, bool complete, GeoPipeline geo, string[] zones, DateTimeOffset now, long sequenceBase = 0)
    {
        GridPoint? grid = null;
        ParkPoint? park = null;
        GeodeticPoint? gcj = null;
        GeodeticPoint? bd = null;
        if (e.Latitude is { } lat && e.Longitude is { } lon)
        {
            grid = geo.Grid.Forward(lat, lon);
            park = geo.Park?.ToPark(grid.Value);
            gcj = BeidouHub.Geo.Gcj02.FromWgs84(new GeodeticPoint(lat, lon));
            bd = BeidouHub.Geo.Bd09.FromGcj02(gcj.Value);
        }

        int[] used = new int[ConstellationNames.Count];
        for (int c = 0; c < used.Length; c++)
        {
            used[c] = e.UsedIn((Constellation)c);
        }

        return new PositionUpdate
        {
            ReceiverId = e.Receiver,
            Sequence = sequenceBase + e.Sequence,
            Complete = complete,
            Time = e.UtcTime,
            TimeOfDayMs = e.TimeOfDayMs,
            Quality = e.Quality,
            Mode = e.Mode,
            Rtk = e.Rtk,
            Latitude = e.Latitude,
            Longitude = e.Longitude,
            AltitudeMsl = e.AltitudeMsl,
            GeoidSeparation = e.GeoidSeparation,
            Grid = grid,
            GridEpsg = geo.Grid.Epsg ?? 0,
            GridName = geo.Grid.Epsg is null ? geo.Grid.Name : null,
            Park = park,
            Gcj02 = gcj,
            Bd09 = bd,
            SpeedMps = e.SpeedMps,
            CourseDeg = e.CourseDeg,
            Hdop = complete ? e.Hdop : null,
            Vdop = complete ? e.Vdop : null,
            Pdop = complete ? e.Pdop : null,
            SigmaLatitude = complete ? e.SigmaLatitude : null,
            SigmaLongitude = complete ? e.SigmaLongitude : null,
            SigmaAltitude = complete ? e.SigmaAltitude : null,
            DiffAge = e.DiffAge,
            DiffStation = e.DiffStation,
            UsedPerConstellation = used,
            Satellites = complete ? e.Satellites.ToArray() : [],
            Zones = zones,
            PublishedAt = now,
        };
    }
}

/// <summary>A receiver's sky for one epoch.</summary>
internal sealed record SkyUpdate(string ReceiverId, long Sequence, DateTime? Time, SkySatellite[] Satellites, int[] UsedPerConstellation, bool Remote = false);

/// <summary>A zone event as the hub fans it out (<paramref name="Remote"/>: read by another node of the cluster).</summary>
internal sealed record ZoneUpdate(BeidouHub.Geo.Zones.ZoneEvent Event, bool Remote = false);
