using BeidouHub.Geo;
using BeidouHub.Protocol.V1;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Nmea.Sentences;
using BeidouHub.Receiver.Satellites;
using BeidouHub.Service.Api;
using BeidouHub.Service.Hub;
using DomainConstellation = BeidouHub.Receiver.Satellites.Constellation;
using DomainFixMode = BeidouHub.Receiver.Epochs.FixMode;
using DomainRtkState = BeidouHub.Receiver.Epochs.RtkState;
using ProtoZoneEvent = BeidouHub.Protocol.V1.ZoneEvent;

namespace BeidouHub.Service.Cluster;

/// <summary>
/// The API's messages as they travel between nodes, and back into the hub's updates on the node
/// that receives them (marked remote). A node sends every coordinate it computed, so every node
/// serves every shape of position without transforming again.
/// </summary>
internal static class ClusterMapping
{
    /// <summary>Every part of a position: grid, park, GCJ-02, BD-09, satellites (for complete positions).</summary>
    public static readonly PositionShape Full = new(Grid: true, Park: true, Gcj02: true, Bd09: true, Satellites: true);

    public static PositionUpdate ToUpdate(Position p)
    {
        GridPoint? grid = p.Grid is { } g ? new GridPoint(g.Northing, g.Easting) : null;
        int[] used = Used(p.Used);
        return new PositionUpdate
        {
            ReceiverId = p.ReceiverId,
            Sequence = (long)p.Sequence,
            Complete = p.Complete,
            Time = p.Time?.ToDateTime(),
            TimeOfDayMs = p.Time is null && p.TimeOfDayMs == 0 ? null : (int)p.TimeOfDayMs,
            Quality = (GgaQuality)p.Quality,
            Mode = p.Mode switch
            {
                Protocol.V1.FixMode.NoFix => DomainFixMode.NoFix,
                Protocol.V1.FixMode._2D => DomainFixMode.TwoD,
                Protocol.V1.FixMode._3D => DomainFixMode.ThreeD,
                _ => default,
            },
            Rtk = p.Rtk switch
            {
                Protocol.V1.RtkState.Fixed => DomainRtkState.Fixed,
                Protocol.V1.RtkState.Float => DomainRtkState.Float,
                _ => DomainRtkState.None,
            },
            Latitude = p.HasLatitude ? p.Latitude : null,
            Longitude = p.HasLongitude ? p.Longitude : null,
            AltitudeMsl = p.HasAltitudeMsl ? p.AltitudeMsl : null,
            GeoidSeparation = p.HasGeoidSeparation ? p.GeoidSeparation : null,
            Grid = grid,
            GridEpsg = p.Grid?.Epsg ?? 0,
            GridName = p.Grid is { Name.Length: > 0 } named ? named.Name : null,
            Park = p.Park is { } park ? new ParkPoint(park.East, park.North) : null,
            Gcj02 = p.Gcj02 is { } gcj ? new GeodeticPoint(gcj.Latitude, gcj.Longitude) : null,
            Bd09 = p.Bd09 is { } bd ? new GeodeticPoint(bd.Latitude, bd.Longitude) : null,
            SpeedMps = p.HasSpeedMps ? p.SpeedMps : null,
            CourseDeg = p.HasCourseDeg ? p.CourseDeg : null,
            Hdop = p.HasHdop ? p.Hdop : null,
            Vdop = p.HasVdop ? p.Vdop : null,
            Pdop = p.HasPdop ? p.Pdop : null,
            SigmaLatitude = p.HasSigmaLatitudeM ? p.SigmaLatitudeM : null,
            SigmaLongitude = p.HasSigmaLongitudeM ? p.SigmaLongitudeM : null,
            SigmaAltitude = p.HasSigmaAltitudeM ? p.SigmaAltitudeM : null,
            DiffAge = p.HasCorrectionAgeS ? p.CorrectionAgeS : null,
            DiffStation = p.HasCorrectionStation ? (int)p.CorrectionStation : null,
            UsedPerConstellation = used,
            Satellites = Satellites(p.Satellites),
            Zones = [.. p.ZoneIds],
            PublishedAt = p.PublishedAt?.ToDateTimeOffset() ?? default,
            Remote = true,
        };
    }

    public static SkyUpdate ToUpdate(SkyView s) =>
        new(s.ReceiverId, (long)s.Sequence, s.Time?.ToDateTime(), Satellites(s.Satellites), Used(s.Used), Remote: true);

    public static ZoneUpdate ToUpdate(ProtoZoneEvent e) => new(
        new Geo.Zones.ZoneEvent(
            e.Kind switch
            {
                ZoneEventKind.Enter => Geo.Zones.ZoneEventKind.Enter,
                ZoneEventKind.Exit => Geo.Zones.ZoneEventKind.Exit,
                _ => Geo.Zones.ZoneEventKind.Dwell,
            },
            e.ReceiverId,
            e.ZoneId,
            e.Time?.ToDateTimeOffset() ?? default,
            e.Position is { } at ? new ParkPoint(at.East, at.North) : default),
        Remote: true);

    private static SkySatellite[] Satellites(Google.Protobuf.Collections.RepeatedField<Satellite> list)
    {
        if (list.Count == 0)
        {
            return [];
        }

        var satellites = new SkySatellite[list.Count];
        for (int i = 0; i < satellites.Length; i++)
        {
            Satellite s = list[i];
            satellites[i] = new SkySatellite(
                new SatelliteId((DomainConstellation)(int)s.Constellation, (byte)s.Svid),
                s.HasSignal && s.Signal.Length == 1 && Uri.IsHexDigit(s.Signal[0]) ? (byte)Convert.ToInt32(s.Signal, 16) : null,
                s.HasElevationDeg ? (short)s.ElevationDeg : null,
                s.HasAzimuthDeg ? (short)s.AzimuthDeg : null,
                s.HasCn0Dbhz ? (short)s.Cn0Dbhz : null,
                s.Used);
        }

        return satellites;
    }

    private static int[] Used(UsedCounts? u)
    {
        int[] used = new int[ConstellationNames.Count];
        if (u is null)
        {
            return used;
        }

        used[(int)DomainConstellation.Gps] = (int)u.Gps;
        used[(int)DomainConstellation.Glonass] = (int)u.Glonass;
        used[(int)DomainConstellation.Galileo] = (int)u.Galileo;
        used[(int)DomainConstellation.Beidou] = (int)u.Beidou;
        used[(int)DomainConstellation.Qzss] = (int)u.Qzss;
        used[(int)DomainConstellation.Navic] = (int)u.Navic;
        used[(int)DomainConstellation.Sbas] = (int)u.Sbas;
        return used;
    }
}
