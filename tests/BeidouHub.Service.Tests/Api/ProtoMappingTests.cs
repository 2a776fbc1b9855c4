using BeidouHub.Geo;
using BeidouHub.Protocol.V1;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Nmea.Sentences;
using BeidouHub.Receiver.Satellites;
using BeidouHub.Service.Api;
using BeidouHub.Service.Hub;

namespace BeidouHub.Service.Tests.Api;

/// <summary>
/// Domain values to beidouhub.v1 messages, each field as the proto's comments define it. Stream
/// subscribers of one shape share one message per update; drops are reported on a copy, so one
/// subscriber's count never shows in another's message.
/// </summary>
public class ProtoMappingTests
{
    private static readonly PositionShape Plain = new(Grid: true, Park: false, Gcj02: false, Bd09: false, Satellites: false);
    private static readonly PositionShape WithGcj = new(Grid: true, Park: false, Gcj02: true, Bd09: false, Satellites: false);
    private static readonly PositionShape Everything = new(Grid: true, Park: true, Gcj02: true, Bd09: true, Satellites: true);

    [Fact]
    public void ToSharedProto_SameShapeNoDrops_OneMessageForAll()
    {
        PositionUpdate u = Update();
        Position first = ProtoMapping.ToSharedProto(u, Plain, dropped: 0);
        Position second = ProtoMapping.ToSharedProto(u, Plain, dropped: 0);

        Assert.Same(first, second);
        Assert.Equal(ProtoMapping.ToProto(u, Plain, dropped: 0), first);
    }

    [Fact]
    public void ToProto_PublishedAt_OnTheWire()
    {
        PositionUpdate u = Update();
        Position p = ProtoMapping.ToProto(u, Plain, dropped: 0);

        Assert.Equal(u.PublishedAt, p.PublishedAt.ToDateTimeOffset());
    }

    [Fact]
    public void ToSharedProto_WithDrops_OwnCopyAndTheSharedOneUntouched()
    {
        PositionUpdate u = Update();
        Position shared = ProtoMapping.ToSharedProto(u, Plain, dropped: 0);
        Position slow = ProtoMapping.ToSharedProto(u, Plain, dropped: 7);

        Assert.NotSame(shared, slow);
        Assert.Equal(7UL, slow.Dropped);
        Assert.Equal(0UL, shared.Dropped);
        Assert.Equal(0UL, ProtoMapping.ToSharedProto(u, Plain, dropped: 0).Dropped);
        slow.Dropped = 0;
        Assert.Equal(shared, slow);
    }

    [Fact]
    public void ToSharedProto_AnotherShape_BuiltForThatShape()
    {
        PositionUpdate u = Update();
        Position plain = ProtoMapping.ToSharedProto(u, Plain, dropped: 0);
        Position gcj = ProtoMapping.ToSharedProto(u, WithGcj, dropped: 0);

        Assert.Null(plain.Gcj02);
        Assert.NotNull(gcj.Gcj02);
        Assert.Equal(u.Gcj02!.Value.Latitude, gcj.Gcj02.Latitude);

        // Back to the first shape: the right content again, whichever message is cached.
        Assert.Null(ProtoMapping.ToSharedProto(u, Plain, dropped: 0).Gcj02);
    }

    [Fact]
    public void ToProto_EveryField_CarriedInTheProtoUnits()
    {
        PositionUpdate u = Update() with
        {
            Time = new DateTime(2026, 11, 27, 2, 0, 0, 100, DateTimeKind.Utc),
            Quality = GgaQuality.RtkFloat,
            Mode = Receiver.Epochs.FixMode.TwoD,
            Rtk = Receiver.Epochs.RtkState.Float,
            AltitudeMsl = 61.2,
            GeoidSeparation = -18.4,
            Park = new ParkPoint(East: 1250.5, North: -340.25),
            Bd09 = new GeodeticPoint(27.861, 113.179),
            SpeedMps = 4.5,
            CourseDeg = 271.5,
            Hdop = 0.8,
            Vdop = 1.3,
            Pdop = 1.5,
            SigmaLatitude = 0.011,
            SigmaLongitude = 0.013,
            SigmaAltitude = 0.029,
            DiffAge = 1.2,
            DiffStation = 4095,
            UsedPerConstellation = [0, 1, 2, 3, 4, 5, 6, 7],
            Satellites =
            [
                new SkySatellite(new SatelliteId(Receiver.Satellites.Constellation.Beidou, 14), Signal: 0xB, Elevation: 45, Azimuth: 270, Cn0: 41, Used: true),
                new SkySatellite(new SatelliteId(Receiver.Satellites.Constellation.Gps, 5), Signal: null, Elevation: null, Azimuth: null, Cn0: null, Used: false),
            ],
            Zones = ["main-gate", "yard"],
        };

        Position p = ProtoMapping.ToProto(u, Everything, dropped: 3);

        Assert.Equal("truck-1", p.ReceiverId);
        Assert.Equal(42UL, p.Sequence);
        Assert.Equal(u.Time, p.Time.ToDateTime());
        Assert.Equal(7_200_000U, p.TimeOfDayMs);
        Assert.Equal(5U, p.Quality); // GGA quality 5: RTK float
        Assert.Equal(Protocol.V1.FixMode._2D, p.Mode);
        Assert.Equal(Protocol.V1.RtkState.Float, p.Rtk);
        Assert.Equal((27.858, 113.168), (p.Latitude, p.Longitude));
        Assert.Equal(61.2, p.AltitudeMsl);
        Assert.Equal(-18.4, p.GeoidSeparation);
        Assert.Equal((4526, 3_083_000.5, 38_516_000.25, ""), (p.Grid.Epsg, p.Grid.Northing, p.Grid.Easting, p.Grid.Name));
        Assert.Equal((1250.5, -340.25), (p.Park.East, p.Park.North));
        Assert.Equal((27.855, 113.173), (p.Gcj02.Latitude, p.Gcj02.Longitude));
        Assert.Equal((27.861, 113.179), (p.Bd09.Latitude, p.Bd09.Longitude));
        Assert.Equal(4.5, p.SpeedMps);
        Assert.Equal(271.5, p.CourseDeg);
        Assert.Equal((0.8, 1.3, 1.5), (p.Hdop, p.Vdop, p.Pdop));
        Assert.Equal((0.011, 0.013, 0.029), (p.SigmaLatitudeM, p.SigmaLongitudeM, p.SigmaAltitudeM));
        Assert.Equal(1.2, p.CorrectionAgeS);
        Assert.Equal(4095U, p.CorrectionStation);
        Assert.Equal(
            new UsedCounts { Gps = 1, Glonass = 2, Galileo = 3, Beidou = 4, Qzss = 5, Navic = 6, Sbas = 7 },
            p.Used);
        Assert.Equal(3UL, p.Dropped);
        Assert.True(p.Complete);
        Assert.Equal(["main-gate", "yard"], p.ZoneIds);
        Assert.Equal(
            [
                new Satellite { Constellation = Protocol.V1.Constellation.Beidou, Svid = 14, Signal = "B", ElevationDeg = 45, AzimuthDeg = 270, Cn0Dbhz = 41, Used = true },
                new Satellite { Constellation = Protocol.V1.Constellation.Gps, Svid = 5, Used = false },
            ],
            p.Satellites);
    }

    [Fact]
    public void ToProto_GridWithoutEpsgCode_EpsgZeroAndTheGridName()
    {
        PositionUpdate u = Update() with { GridEpsg = 0, GridName = "Zhuzhou city grid", Grid = new BeidouHub.Geo.GridPoint(79_410.04, 50_886.67) };

        Position p = ProtoMapping.ToProto(u, Plain, dropped: 0);

        Assert.Equal((0, "Zhuzhou city grid", 79_410.04, 50_886.67), (p.Grid.Epsg, p.Grid.Name, p.Grid.Northing, p.Grid.Easting));
    }

    [Fact]
    public void ToProto_EarlyUpdateWithoutOptionalValues_TheyAreAbsentAndCompleteFalse()
    {
        PositionUpdate u = Update() with { Complete = false, Latitude = null, Longitude = null, Grid = null, Gcj02 = null };

        Position p = ProtoMapping.ToProto(u, Everything, dropped: 0);

        Assert.False(p.Complete);
        Assert.Null(p.Time);
        Assert.False(p.HasLatitude || p.HasLongitude || p.HasAltitudeMsl || p.HasSpeedMps || p.HasHdop || p.HasSigmaLatitudeM || p.HasCorrectionStation);
        Assert.Null(p.Grid);
        Assert.Null(p.Gcj02);
    }

    [Fact]
    public void ToProto_OnlyBd09Asked_OnlyBd09Added()
    {
        PositionUpdate u = Update() with { Park = new ParkPoint(1250.5, -340.25), Bd09 = new GeodeticPoint(27.861, 113.179) };
        var bd09Only = new PositionShape(Grid: false, Park: false, Gcj02: false, Bd09: true, Satellites: false);

        Position p = ProtoMapping.ToProto(u, bd09Only, dropped: 0);

        Assert.Equal((27.861, 113.179), (p.Bd09.Latitude, p.Bd09.Longitude));
        Assert.Null(p.Grid);
        Assert.Null(p.Park);
        Assert.Null(p.Gcj02);
    }

    [Theory]
    [InlineData(Receiver.Epochs.FixMode.NoFix, Protocol.V1.FixMode.NoFix)]
    [InlineData(Receiver.Epochs.FixMode.TwoD, Protocol.V1.FixMode._2D)]
    [InlineData(Receiver.Epochs.FixMode.ThreeD, Protocol.V1.FixMode._3D)]
    [InlineData(Receiver.Epochs.FixMode.Unknown, Protocol.V1.FixMode.Unspecified)]
    public void ToProto_FixMode_TheProtoMode(Receiver.Epochs.FixMode mode, Protocol.V1.FixMode expected) =>
        Assert.Equal(expected, ProtoMapping.ToProto(Update() with { Mode = mode }, Plain, 0).Mode);

    [Theory]
    [InlineData(Receiver.Epochs.RtkState.None, Protocol.V1.RtkState.None)]
    [InlineData(Receiver.Epochs.RtkState.Float, Protocol.V1.RtkState.Float)]
    [InlineData(Receiver.Epochs.RtkState.Fixed, Protocol.V1.RtkState.Fixed)]
    public void ToProto_RtkState_TheProtoState(Receiver.Epochs.RtkState rtk, Protocol.V1.RtkState expected) =>
        Assert.Equal(expected, ProtoMapping.ToProto(Update() with { Rtk = rtk }, Plain, 0).Rtk);

    [Fact]
    public void ToProto_SkyUpdate_DropsTimeAndSatellites()
    {
        var time = new DateTime(2026, 11, 27, 2, 0, 1, DateTimeKind.Utc);
        var u = new SkyUpdate("truck-1", 9, time,
            [new SkySatellite(new SatelliteId(Receiver.Satellites.Constellation.Beidou, 14), 0x1, 45, 270, 41, true)],
            [0, 0, 0, 0, 1, 0, 0, 0]);

        SkyView sky = ProtoMapping.ToProto(u, dropped: 2);

        Assert.Equal(("truck-1", 9UL, 2UL), (sky.ReceiverId, sky.Sequence, sky.Dropped));
        Assert.Equal(time, sky.Time.ToDateTime());
        Assert.Equal(1U, sky.Used.Beidou);
        Assert.Equal(Protocol.V1.Constellation.Beidou, Assert.Single(sky.Satellites).Constellation);
    }

    [Theory]
    [InlineData(Geo.Zones.ZoneEventKind.Enter, ZoneEventKind.Enter)]
    [InlineData(Geo.Zones.ZoneEventKind.Exit, ZoneEventKind.Exit)]
    [InlineData(Geo.Zones.ZoneEventKind.Dwell, ZoneEventKind.Dwell)]
    public void ToProto_ZoneEvent_KindPositionAndDrops(Geo.Zones.ZoneEventKind kind, ZoneEventKind expected)
    {
        var time = new DateTimeOffset(2026, 11, 27, 2, 0, 1, TimeSpan.Zero);
        var u = new ZoneUpdate(new Geo.Zones.ZoneEvent(kind, "truck-1", "yard", time, new ParkPoint(East: 12.5, North: -3.25)));

        Protocol.V1.ZoneEvent e = ProtoMapping.ToProto(u, dropped: 4);

        Assert.Equal(expected, e.Kind);
        Assert.Equal(("truck-1", "yard", 4UL), (e.ReceiverId, e.ZoneId, e.Dropped));
        Assert.Equal(time, e.Time.ToDateTimeOffset());
        Assert.Equal((12.5, -3.25), (e.Position.East, e.Position.North));
    }

    [Theory]
    [InlineData(Receiver.Workers.ReceiverState.Connecting, ConnectionState.Connecting)]
    [InlineData(Receiver.Workers.ReceiverState.Connected, ConnectionState.Connected)]
    [InlineData(Receiver.Workers.ReceiverState.Stale, ConnectionState.Stale)]
    [InlineData(Receiver.Workers.ReceiverState.Disconnected, ConnectionState.Disconnected)]
    [InlineData(Receiver.Workers.ReceiverState.Stopped, ConnectionState.Stopped)]
    [InlineData(Receiver.Workers.ReceiverState.Faulted, ConnectionState.Faulted)]
    public void ToProto_ReceiverStatus_StateAndLastFix(Receiver.Workers.ReceiverState state, ConnectionState expected)
    {
        var fix = new DateTime(2026, 11, 27, 2, 0, 0, DateTimeKind.Utc);
        var s = new Receiver.Workers.ReceiverStatus
        {
            Id = "truck-1",
            Source = "tcp://10.0.0.7:5017",
            State = state,
            SentencesByType = new Dictionary<Receiver.Nmea.SentenceType, long>(),
            SentencesByTalker = new Dictionary<Receiver.Nmea.Talker, long>(),
            Rejected = new Dictionary<Receiver.Nmea.NmeaError, long>(),
            FramingDrops = new Dictionary<string, long>(),
            LastFixTime = fix,
            LastFixQuality = GgaQuality.RtkFixed,
        };

        Protocol.V1.ReceiverStatus r = ProtoMapping.ToProto(s);

        Assert.Equal(expected, r.State);
        Assert.Equal(fix, r.LastFixTime.ToDateTime());
        Assert.Equal(4U, r.LastFixQuality); // GGA quality 4: RTK fixed
    }

    [Fact]
    public void ToProto_FaultedReceiver_FaultsCountAndLastError()
    {
        var s = new Receiver.Workers.ReceiverStatus
        {
            Id = "truck-1",
            Source = "tcp://10.0.0.7:5017",
            State = Receiver.Workers.ReceiverState.Faulted,
            Faults = 3,
            Reconnects = 2,
            LastError = "InvalidOperationException: broken",
            SentencesByType = new Dictionary<Receiver.Nmea.SentenceType, long>(),
            SentencesByTalker = new Dictionary<Receiver.Nmea.Talker, long>(),
            Rejected = new Dictionary<Receiver.Nmea.NmeaError, long>(),
            FramingDrops = new Dictionary<string, long>(),
        };

        Protocol.V1.ReceiverStatus r = ProtoMapping.ToProto(s);

        Assert.Equal((ConnectionState.Faulted, 3UL, 2UL, "InvalidOperationException: broken"), (r.State, r.Faults, r.Reconnects, r.LastError));
    }

    private static PositionUpdate Update() => new()
    {
        ReceiverId = "truck-1",
        Sequence = 42,
        Complete = true,
        TimeOfDayMs = 7_200_000,
        Latitude = 27.858,
        Longitude = 113.168,
        Grid = new BeidouHub.Geo.GridPoint(3_083_000.5, 38_516_000.25),
        GridEpsg = 4526,
        Gcj02 = new BeidouHub.Geo.GeodeticPoint(27.855, 113.173),
        UsedPerConstellation = new int[ConstellationNames.Count],
        Satellites = [],
        Zones = ["main-gate"],
        PublishedAt = new DateTimeOffset(2026, 11, 27, 2, 0, 0, 123, TimeSpan.Zero),
    };
}
