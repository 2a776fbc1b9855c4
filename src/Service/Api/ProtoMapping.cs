using BeidouHub.Protocol.V1;
using BeidouHub.Receiver.Epochs;
using DomainFixMode = BeidouHub.Receiver.Epochs.FixMode;
using DomainRtkState = BeidouHub.Receiver.Epochs.RtkState;
using BeidouHub.Receiver.Satellites;
using BeidouHub.Receiver.Workers;
using BeidouHub.Service.Hub;
using BeidouHub.Service.Security;
using Google.Protobuf.WellKnownTypes;
using ProtoConstellation = BeidouHub.Protocol.V1.Constellation;
using ProtoReceiverStatus = BeidouHub.Protocol.V1.ReceiverStatus;
using ProtoZoneEvent = BeidouHub.Protocol.V1.ZoneEvent;
using ProtoAlertKind = BeidouHub.Protocol.V1.AlertKind;
using ProtoAlertSeverity = BeidouHub.Protocol.V1.AlertSeverity;

namespace BeidouHub.Service.Api;

/// <summary>
/// Which optional parts a subscriber asked for, and what its application's scope leaves out:
/// latitude/longitude without geodetic in scope, zone ids outside the scope's zones.
/// </summary>
internal readonly record struct PositionShape(bool Grid, bool Park, bool Gcj02, bool Bd09, bool Satellites)
{
    /// <summary>CGCS2000 latitude/longitude in the message (false: the application's scope leaves them out).</summary>
    public bool Geodetic { get; init; } = true;

    /// <summary>The zones whose ids a position may carry; null: all (compared by reference, one scope object per application).</summary>
    public IdScope? Zones { get; init; }

    public static PositionShape From(IEnumerable<CoordinateSystem> systems, bool satellites)
    {
        var set = systems.ToHashSet();
        return new PositionShape(
            set.Contains(CoordinateSystem.Grid),
            set.Contains(CoordinateSystem.Park),
            set.Contains(CoordinateSystem.Gcj02),
            set.Contains(CoordinateSystem.Bd09),
            satellites);
    }
}

/// <summary>
/// The position messages of one update shared by its stream subscribers, one per shape asked for
/// (see <see cref="ProtoMapping.ToSharedProto"/>); grows by copy, so readers never lock.
/// </summary>
internal sealed class SharedPositions(PositionShape[] shapes, Position[] messages)
{
    public Position? Find(PositionShape shape)
    {
        for (int i = 0; i < shapes.Length; i++)
        {
            if (shapes[i] == shape)
            {
                return messages[i];
            }
        }

        return null;
    }

    public SharedPositions With(PositionShape shape, Position message) => new([.. shapes, shape], [.. messages, message]);
}

/// <summary>Domain values to beidouhub.v1 messages: strings and protobuf objects are made here, at the edge.</summary>
internal static class ProtoMapping
{
    /// <summary>
    /// The message for a stream subscriber: built and serialised once per update and shape
    /// (<see cref="PositionWire"/>), and shared by every subscriber that asked for that shape (the
    /// writers only read it, or copy its bytes); a subscriber with drops to report gets its own
    /// copy. Never mutate the result.
    /// </summary>
    public static Position ToSharedProto(PositionUpdate u, PositionShape shape, long dropped)
    {
        Position shared = Shared(u, shape);
        if (dropped == 0)
        {
            return shared;
        }

        Position own = shared.Clone();
        own.Dropped = (ulong)dropped;
        return own;
    }

    private static Position Shared(PositionUpdate u, PositionShape shape)
    {
        var cached = (SharedPositions?)u.WireCache;
        if (cached?.Find(shape) is { } found)
        {
            return found;
        }

        Position built = ToProto(u, shape, dropped: 0);
        PositionWire.Remember(built);
        while (true)
        {
            // Subscribers of several shapes add theirs side by side; one that lost the race to
            // another of the same shape takes the winner's message, so each shape's bytes are made once
            // per update in the common case and every subscriber of a shape holds the same object.
            SharedPositions next = cached is null ? new SharedPositions([shape], [built]) : cached.With(shape, built);
            object? seen = u.CompareExchangeWireCache(next, cached);
            if (ReferenceEquals(seen, cached))
            {
                return built;
            }

            cached = (SharedPositions?)seen;
            if (cached?.Find(shape) is { } other)
            {
                return other;
            }
        }
    }

    /// <summary>A new message the caller owns.</summary>
    public static Position ToProto(PositionUpdate u, PositionShape shape, long dropped)
    {
        var p = new Position
        {
            ReceiverId = u.ReceiverId,
            Sequence = (ulong)u.Sequence,
            TimeOfDayMs = (uint)(u.TimeOfDayMs ?? 0),
            Quality = (uint)(u.Quality ?? 0),
            Mode = u.Mode switch
            {
                DomainFixMode.NoFix => Protocol.V1.FixMode.NoFix,
                DomainFixMode.TwoD => Protocol.V1.FixMode._2D,
                DomainFixMode.ThreeD => Protocol.V1.FixMode._3D,
                _ => Protocol.V1.FixMode.Unspecified,
            },
            Rtk = u.Rtk switch
            {
                DomainRtkState.Fixed => Protocol.V1.RtkState.Fixed,
                DomainRtkState.Float => Protocol.V1.RtkState.Float,
                _ => Protocol.V1.RtkState.None,
            },
            Used = Used(u.UsedPerConstellation),
            Dropped = (ulong)dropped,
            Complete = u.Complete,
        };
        if (u.Time is { } time)
        {
            p.Time = Timestamp.FromDateTime(time);
        }

        if (u.PublishedAt != default)
        {
            p.PublishedAt = Timestamp.FromDateTimeOffset(u.PublishedAt);
        }

        if (shape.Geodetic && u.Latitude is { } latitude)
        {
            p.Latitude = latitude;
        }

        if (shape.Geodetic && u.Longitude is { } longitude)
        {
            p.Longitude = longitude;
        }

        if (u.AltitudeMsl is { } altitude)
        {
            p.AltitudeMsl = altitude;
        }

        if (u.GeoidSeparation is { } separation)
        {
            p.GeoidSeparation = separation;
        }

        if (u.SpeedMps is { } speed)
        {
            p.SpeedMps = speed;
        }

        if (u.CourseDeg is { } course)
        {
            p.CourseDeg = course;
        }

        if (u.Hdop is { } hdop)
        {
            p.Hdop = hdop;
        }

        if (u.Vdop is { } vdop)
        {
            p.Vdop = vdop;
        }

        if (u.Pdop is { } pdop)
        {
            p.Pdop = pdop;
        }

        if (u.SigmaLatitude is { } sigmaLatitude)
        {
            p.SigmaLatitudeM = sigmaLatitude;
        }

        if (u.SigmaLongitude is { } sigmaLongitude)
        {
            p.SigmaLongitudeM = sigmaLongitude;
        }

        if (u.SigmaAltitude is { } sigmaAltitude)
        {
            p.SigmaAltitudeM = sigmaAltitude;
        }

        if (u.DiffAge is { } age)
        {
            p.CorrectionAgeS = age;
        }

        if (u.DiffStation is { } station)
        {
            p.CorrectionStation = (uint)station;
        }

        if (shape.Grid && u.Grid is { } g)
        {
            p.Grid = new GridCoordinates { Epsg = u.GridEpsg, Northing = g.Northing, Easting = g.Easting, Name = u.GridName ?? string.Empty };
        }

        if (shape.Park && u.Park is { } park)
        {
            p.Park = new ParkCoordinates { East = park.East, North = park.North };
        }

        if (shape.Gcj02 && u.Gcj02 is { } gcj)
        {
            p.Gcj02 = new LatLon { Latitude = gcj.Latitude, Longitude = gcj.Longitude };
        }

        if (shape.Bd09 && u.Bd09 is { } bd)
        {
            p.Bd09 = new LatLon { Latitude = bd.Latitude, Longitude = bd.Longitude };
        }

        if (shape.Satellites)
        {
            AddSatellites(p.Satellites, u.Satellites);
        }

        if (shape.Zones is null)
        {
            p.ZoneIds.AddRange(u.Zones);
        }
        else
        {
            foreach (string zone in u.Zones)
            {
                if (shape.Zones.Matches(zone))
                {
                    p.ZoneIds.Add(zone);
                }
            }
        }

        return p;
    }

    public static SkyView ToProto(SkyUpdate u, long dropped)
    {
        var sky = new SkyView
        {
            ReceiverId = u.ReceiverId,
            Sequence = (ulong)u.Sequence,
            Used = Used(u.UsedPerConstellation),
            Dropped = (ulong)dropped,
        };
        if (u.Time is { } time)
        {
            sky.Time = Timestamp.FromDateTime(time);
        }

        AddSatellites(sky.Satellites, u.Satellites);
        return sky;
    }

    /// <summary>A zone event; <paramref name="park"/> false leaves out its park-grid position (an application without park coordinates in scope).</summary>
    public static ProtoZoneEvent ToProto(ZoneUpdate u, long dropped, bool park = true) => new()
    {
        Kind = u.Event.Kind switch
        {
            Geo.Zones.ZoneEventKind.Enter => ZoneEventKind.Enter,
            Geo.Zones.ZoneEventKind.Exit => ZoneEventKind.Exit,
            Geo.Zones.ZoneEventKind.Dwell => ZoneEventKind.Dwell,
            _ => ZoneEventKind.Unspecified,
        },
        ReceiverId = u.Event.ReceiverId,
        ZoneId = u.Event.ZoneId,
        Time = Timestamp.FromDateTimeOffset(u.Event.Time),
        Position = park ? new ParkCoordinates { East = u.Event.Position.East, North = u.Event.Position.North } : null,
        Dropped = (ulong)dropped,
    };

    public static CorrectionStatus ToProto(Receiver.Corrections.NtripStatus s)
    {
        var c = new CorrectionStatus
        {
            Source = s.Source,
            State = s.State switch
            {
                Receiver.Corrections.CasterState.WaitingForPosition => CasterState.WaitingForPosition,
                Receiver.Corrections.CasterState.Connecting => CasterState.Connecting,
                Receiver.Corrections.CasterState.Streaming => CasterState.Streaming,
                Receiver.Corrections.CasterState.Disconnected => CasterState.Disconnected,
                Receiver.Corrections.CasterState.Unauthorized => CasterState.Unauthorized,
                Receiver.Corrections.CasterState.MountpointMissing => CasterState.MountpointMissing,
                Receiver.Corrections.CasterState.Stopped => CasterState.Stopped,
                _ => CasterState.Unspecified,
            },
            StateSince = Timestamp.FromDateTimeOffset(s.StateSince),
            Bytes = (ulong)s.Bytes,
            Frames = (ulong)s.Frames,
            BadFrames = (ulong)s.BadFrames,
            SkippedBytes = (ulong)s.SkippedBytes,
            BytesForwarded = (ulong)s.BytesForwarded,
            FramesUndelivered = (ulong)s.FramesUndelivered,
            GgaSent = (ulong)s.GgaSent,
            Connections = (ulong)s.Connections,
            LastError = s.LastError ?? string.Empty,
        };
        if (s.CorrectionAge is { } age)
        {
            c.CorrectionAge = Duration.FromTimeSpan(age);
        }

        foreach ((int type, long n) in s.MessageTypes)
        {
            c.MessageTypes[(uint)type] = (ulong)n;
        }

        return c;
    }

    /// <summary>An alert event; <paramref name="receivers"/> (the caller's scope, null: all) narrows the receivers it names.</summary>
    public static AlertEvent ToProto(Integrity.AlertUpdate u, Func<string, bool>? receivers, long dropped)
    {
        Integrity.IntegrityAlert a = u.Alert;
        var alert = new Alert
        {
            Id = a.Id,
            // The proto enums are the domain's in the same order, after their UNSPECIFIED zero.
            Kind = (ProtoAlertKind)((int)a.Kind + 1),
            Severity = (ProtoAlertSeverity)((int)a.Severity + 1),
            StartTime = Timestamp.FromDateTime(DateTime.SpecifyKind(a.Start, DateTimeKind.Utc)),
            EndTime = a.End is { } end ? Timestamp.FromDateTime(DateTime.SpecifyKind(end, DateTimeKind.Utc)) : null,
            Message = a.Message,
            ParkWide = a.ParkWide,
        };
        alert.ReceiverIds.AddRange(receivers is null ? a.Receivers : a.Receivers.Where(receivers));
        return new AlertEvent
        {
            Kind = u.Snapshot ? AlertEventKind.Open : a.End is null ? AlertEventKind.Started : AlertEventKind.Ended,
            Alert = alert,
            Dropped = (ulong)dropped,
        };
    }

    public static ProtoReceiverStatus ToProto(Receiver.Workers.ReceiverStatus s)
    {
        var r = new ProtoReceiverStatus
        {
            Id = s.Id,
            Source = s.Source,
            State = s.State switch
            {
                ReceiverState.Connecting => ConnectionState.Connecting,
                ReceiverState.Connected => ConnectionState.Connected,
                ReceiverState.Stale => ConnectionState.Stale,
                ReceiverState.Disconnected => ConnectionState.Disconnected,
                ReceiverState.Stopped => ConnectionState.Stopped,
                ReceiverState.Faulted => ConnectionState.Faulted,
                _ => ConnectionState.Unspecified,
            },
            StateSince = Timestamp.FromDateTimeOffset(s.StateSince),
            Reconnects = (ulong)s.Reconnects,
            Faults = (ulong)s.Faults,
            Bytes = (ulong)s.Bytes,
            Sentences = (ulong)s.Sentences,
            ChecksumFailures = (ulong)s.ChecksumFailures,
            Epochs = (ulong)s.Epochs,
            LastFixQuality = (uint)(s.LastFixQuality ?? 0),
            LastError = s.LastError ?? string.Empty,
            RecordingFile = s.RecordingFile ?? string.Empty,
        };
        if (s.LastFixTime is { } fix)
        {
            r.LastFixTime = Timestamp.FromDateTime(fix);
        }

        foreach ((Receiver.Nmea.SentenceType type, long n) in s.SentencesByType)
        {
            r.SentencesByType[type.ToString().ToUpperInvariant()] = (ulong)n;
        }

        foreach ((Receiver.Nmea.Talker talker, long n) in s.SentencesByTalker)
        {
            r.SentencesByTalker[talker.ToString().ToUpperInvariant()] = (ulong)n;
        }

        foreach ((Receiver.Nmea.NmeaError error, long n) in s.Rejected)
        {
            r.Rejected[error.ToString()] = (ulong)n;
        }

        foreach ((string reason, long n) in s.FramingDrops)
        {
            r.FramingDrops[reason] = (ulong)n;
        }

        return r;
    }

    private static void AddSatellites(Google.Protobuf.Collections.RepeatedField<Satellite> target, SkySatellite[] satellites)
    {
        foreach (SkySatellite s in satellites)
        {
            var sat = new Satellite
            {
                Constellation = (ProtoConstellation)(int)s.Id.Constellation,
                Svid = s.Id.Svid,
                Used = s.Used,
            };
            if (s.Signal is { } sig)
            {
                sat.Signal = SignalIds.ToHex(sig);
            }

            if (s.Elevation is { } el)
            {
                sat.ElevationDeg = el;
            }

            if (s.Azimuth is { } az)
            {
                sat.AzimuthDeg = az;
            }

            if (s.Cn0 is { } cn0)
            {
                sat.Cn0Dbhz = cn0;
            }

            target.Add(sat);
        }
    }

    private static UsedCounts Used(int[] used) => new()
    {
        Gps = (uint)used[(int)Receiver.Satellites.Constellation.Gps],
        Glonass = (uint)used[(int)Receiver.Satellites.Constellation.Glonass],
        Galileo = (uint)used[(int)Receiver.Satellites.Constellation.Galileo],
        Beidou = (uint)used[(int)Receiver.Satellites.Constellation.Beidou],
        Qzss = (uint)used[(int)Receiver.Satellites.Constellation.Qzss],
        Navic = (uint)used[(int)Receiver.Satellites.Constellation.Navic],
        Sbas = (uint)used[(int)Receiver.Satellites.Constellation.Sbas],
    };
}
