using BeidouHub.Geo;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Nmea.Sentences;
using BeidouHub.Receiver.Satellites;
using BeidouHub.Service.Hub;
using BeidouHub.Store;

namespace BeidouHub.Service.History;

/// <summary>The hub's updates to the store's rows and back (a stored position read as the update the live stream carried).</summary>
internal static class HistoryMapping
{
    // The store's seven used counts, in the API's order (UsedCounts).
    private static readonly Constellation[] UsedOrder =
    [
        Constellation.Gps, Constellation.Glonass, Constellation.Galileo, Constellation.Beidou,
        Constellation.Qzss, Constellation.Navic, Constellation.Sbas,
    ];

    /// <summary>The row for a complete position; null for an epoch without a UTC date and time (it has no place in a time index).</summary>
    public static PositionRecord? ToRecord(PositionUpdate u)
    {
        if (u.Time is not { } time)
        {
            return null;
        }

        int[] used = new int[UsedOrder.Length];
        for (int i = 0; i < used.Length; i++)
        {
            int c = (int)UsedOrder[i];
            used[i] = c < u.UsedPerConstellation.Length ? u.UsedPerConstellation[c] : 0;
        }

        return new PositionRecord
        {
            Receiver = u.ReceiverId,
            Time = DateTime.SpecifyKind(time, DateTimeKind.Utc),
            Sequence = u.Sequence,
            Quality = (int)(u.Quality ?? 0),
            Mode = (int)u.Mode,
            Rtk = (int)u.Rtk,
            Latitude = u.Latitude,
            Longitude = u.Longitude,
            AltitudeMsl = u.AltitudeMsl,
            GeoidSeparation = u.GeoidSeparation,
            GridEpsg = u.GridEpsg,
            GridName = u.GridName,
            GridNorthing = u.Grid?.Northing,
            GridEasting = u.Grid?.Easting,
            ParkEast = u.Park?.East,
            ParkNorth = u.Park?.North,
            SpeedMps = u.SpeedMps,
            CourseDeg = u.CourseDeg,
            Hdop = u.Hdop,
            Vdop = u.Vdop,
            Pdop = u.Pdop,
            SigmaLatitude = u.SigmaLatitude,
            SigmaLongitude = u.SigmaLongitude,
            SigmaAltitude = u.SigmaAltitude,
            DiffAge = u.DiffAge,
            DiffStation = u.DiffStation,
            Used = used,
            Zones = u.Zones,
        };
    }

    public static ZoneEventRecord ToRecord(ZoneUpdate u) =>
        new((int)u.Event.Kind, u.Event.ReceiverId, u.Event.ZoneId, u.Event.Time.UtcDateTime, u.Event.Position.East, u.Event.Position.North);

    /// <summary>
    /// A stored position as the complete update it was (no satellites: the sky is not kept); the
    /// web-map coordinates are computed again from latitude/longitude, as the live path does.
    /// </summary>
    public static PositionUpdate ToUpdate(PositionRecord r)
    {
        int[] used = new int[ConstellationNames.Count];
        for (int i = 0; i < UsedOrder.Length && i < r.Used.Length; i++)
        {
            used[(int)UsedOrder[i]] = r.Used[i];
        }

        GeodeticPoint? gcj = null;
        GeodeticPoint? bd = null;
        if (r.Latitude is { } lat && r.Longitude is { } lon)
        {
            gcj = Gcj02.FromWgs84(new GeodeticPoint(lat, lon));
            bd = Bd09.FromGcj02(gcj.Value);
        }

        return new PositionUpdate
        {
            ReceiverId = r.Receiver,
            Sequence = r.Sequence,
            Complete = true,
            Time = r.Time,
            TimeOfDayMs = (int)(r.Time.TimeOfDay.Ticks / TimeSpan.TicksPerMillisecond),
            Quality = (GgaQuality)r.Quality,
            Mode = (FixMode)r.Mode,
            Rtk = (RtkState)r.Rtk,
            Latitude = r.Latitude,
            Longitude = r.Longitude,
            AltitudeMsl = r.AltitudeMsl,
            GeoidSeparation = r.GeoidSeparation,
            Grid = r.GridNorthing is { } n && r.GridEasting is { } e ? new GridPoint(n, e) : null,
            GridEpsg = r.GridEpsg,
            GridName = r.GridName,
            Park = r.ParkEast is { } pe && r.ParkNorth is { } pn ? new ParkPoint(pe, pn) : null,
            Gcj02 = gcj,
            Bd09 = bd,
            SpeedMps = r.SpeedMps,
            CourseDeg = r.CourseDeg,
            Hdop = r.Hdop,
            Vdop = r.Vdop,
            Pdop = r.Pdop,
            SigmaLatitude = r.SigmaLatitude,
            SigmaLongitude = r.SigmaLongitude,
            SigmaAltitude = r.SigmaAltitude,
            DiffAge = r.DiffAge,
            DiffStation = r.DiffStation,
            UsedPerConstellation = used,
            Satellites = [],
            Zones = r.Zones,
        };
    }
}
