using BeidouHub.Geo;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Nmea.Sentences;
using BeidouHub.Receiver.Satellites;
using BeidouHub.Service.Api;
using BeidouHub.Service.Cluster;
using BeidouHub.Service.Hub;
using Microsoft.Extensions.Time.Testing;

namespace BeidouHub.Service.Tests.Cluster;

/// <summary>The cluster's parts that need no NATS: names on the wire, messages both ways, what a hub asks the cluster for.</summary>
public sealed class ClusterUnitTests
{
    [Theory]
    [InlineData("truck-7", "truck-7")]
    [InlineData("gate_1", "gate_1")]
    [InlineData("truck.7", "truck=2E7")]
    [InlineData("a>b*c d", "a=3Eb=2Ac=20d")]
    [InlineData("叉车1", "=E5=8F=89=E8=BD=A61")]
    [InlineData("=", "=3D")]
    [InlineData("", "=")]
    public void Token_AnyId_OneSubjectTokenAndKey(string id, string token)
    {
        Assert.Equal(token, ClusterSubjects.Token(id));
        Assert.Matches("^[-_=A-Za-z0-9]+$", ClusterSubjects.Token(id)); // a NATS token and a valid KV key
    }

    [Fact]
    public void Token_DifferentIds_DifferentTokens()
    {
        // '=' is escaped too, so an id cannot spell another's escape.
        Assert.NotEqual(ClusterSubjects.Token("a.b"), ClusterSubjects.Token("a=2Eb"));
    }

    [Fact]
    public void ToUpdate_OfTheFullMessage_GivesBackEveryValue()
    {
        PositionUpdate sent = Update();

        PositionUpdate back = ClusterMapping.ToUpdate(ProtoMapping.ToProto(sent, ClusterMapping.Full, 0));

        Assert.True(back.Remote);
        // The arrays compared apart (a record compares them by reference), then every other value at once.
        Assert.Equal(sent.Satellites, back.Satellites);
        Assert.Equal(sent.UsedPerConstellation, back.UsedPerConstellation);
        Assert.Equal(sent.Zones, back.Zones);
        Assert.Equal(sent with { Remote = true }, back with { Satellites = sent.Satellites, UsedPerConstellation = sent.UsedPerConstellation, Zones = sent.Zones });

        // And the message a subscriber on the receiving node gets is the one it would get on the sending node.
        PositionShape everything = new(Grid: true, Park: true, Gcj02: true, Bd09: true, Satellites: true);
        Assert.Equal(ProtoMapping.ToProto(sent, everything, 3), ProtoMapping.ToProto(back, everything, 3));
    }

    [Fact]
    public void ToUpdate_SkyAndZoneEvent_GiveBackTheirValues()
    {
        PositionUpdate u = Update();
        var sky = new SkyUpdate(u.ReceiverId, 9, u.Time, u.Satellites, u.UsedPerConstellation);
        var zone = new ZoneUpdate(new Geo.Zones.ZoneEvent(Geo.Zones.ZoneEventKind.Exit, "truck-1", "hazard", new DateTimeOffset(2026, 12, 5, 1, 2, 3, TimeSpan.Zero), new ParkPoint(12.5, -3.25)));

        SkyUpdate skyBack = ClusterMapping.ToUpdate(ProtoMapping.ToProto(sky, 0));
        ZoneUpdate zoneBack = ClusterMapping.ToUpdate(ProtoMapping.ToProto(zone, 0));

        Assert.Equal((sky.ReceiverId, sky.Sequence, sky.Time, true), (skyBack.ReceiverId, skyBack.Sequence, skyBack.Time, skyBack.Remote));
        Assert.Equal(sky.Satellites, skyBack.Satellites);
        Assert.Equal(zone.Event, zoneBack.Event);
        Assert.True(zoneBack.Remote);
    }

    [Fact]
    public void Interest_FollowsSubscribers_LocalOnlyOnesAskForNothing()
    {
        var hub = new PositionHub(16, TimeSpan.FromSeconds(60), new FakeTimeProvider());
        int changes = 0;
        hub.InterestChanged += () => changes++;

        using Subscription<PositionUpdate> history = hub.SubscribePositions(new PositionFilter([], [], 0, 0, early: false) { LocalOnly = true });
        using Subscription<ZoneUpdate> historyZones = hub.SubscribeZones(_ => true, localOnly: true);
        HubInterest none = hub.Interest();
        Assert.Equal((false, false, false, false, 0, 0), (none.AllPositions, none.AllEarly, none.Sky, none.Zones, none.Positions.Count, none.Early.Count));
        Assert.Equal(0, changes);

        Subscription<PositionUpdate> gate = hub.SubscribePositions(new PositionFilter(["gate"], [], 0, 0, early: true));
        using Subscription<PositionUpdate> trucks = hub.SubscribePositions(new PositionFilter(["truck-1", "truck-2"], [], 0, 0, early: false));
        using Subscription<SkyUpdate> sky = hub.SubscribeSky(_ => true);
        HubInterest want = hub.Interest();
        Assert.Equal((false, false, true, false), (want.AllPositions, want.AllEarly, want.Sky, want.Zones));
        Assert.Equal(["truck-1", "truck-2"], want.Positions.Order());
        Assert.Equal(["gate"], want.Early);
        Assert.Equal(3, changes);

        gate.Dispose();
        Assert.Empty(hub.Interest().Early);
        Assert.Equal(4, changes);

        // A filter by pattern or none at all asks for every receiver.
        using Subscription<PositionUpdate> all = hub.SubscribePositions(new PositionFilter([], [], 0, 0, early: false, receiverScope: id => id.StartsWith("truck", StringComparison.Ordinal)));
        Assert.True(hub.Interest().AllPositions);
    }

    [Fact]
    public void LocalOnlySubscriber_RemoteUpdate_NotOffered()
    {
        var hub = new PositionHub(16, TimeSpan.FromSeconds(60), new FakeTimeProvider());
        using Subscription<PositionUpdate> local = hub.SubscribePositions(new PositionFilter([], [], 0, 0, early: false) { LocalOnly = true });
        using Subscription<PositionUpdate> any = hub.SubscribePositions(new PositionFilter([], [], 0, 0, early: false));
        using Subscription<ZoneUpdate> localZones = hub.SubscribeZones(_ => true, localOnly: true);

        hub.Publish(Update() with { ReceiverId = "here" });
        hub.Publish(Update() with { ReceiverId = "there", Remote = true });
        hub.Publish(new ZoneUpdate(new Geo.Zones.ZoneEvent(Geo.Zones.ZoneEventKind.Enter, "there", "z", default, default), Remote: true));

        Assert.Equal(["here"], Drain(local).Select(u => u.ReceiverId));
        Assert.Equal(["here", "there"], Drain(any).Select(u => u.ReceiverId));
        Assert.Empty(Drain(localZones));
    }

    [Fact]
    public void SetLatest_OlderThanHeld_KeepsTheNewer()
    {
        var hub = new PositionHub(16, TimeSpan.FromSeconds(60), new FakeTimeProvider());
        hub.Publish(Update() with { Sequence = 50 });

        hub.SetLatest(Update() with { Sequence = 40, Remote = true });
        Assert.True(hub.TryGetLatest("truck-1", out PositionUpdate? held));
        Assert.Equal(50, held!.Sequence);

        hub.SetLatest(Update() with { Sequence = 60, Remote = true });
        Assert.True(hub.TryGetLatest("truck-1", out held));
        Assert.Equal((60L, true), (held!.Sequence, held.Remote));
    }

    private static List<T> Drain<T>(Subscription<T> sub)
        where T : class
    {
        var list = new List<T>();
        while (sub.Reader.TryRead(out T? u))
        {
            list.Add(u);
        }

        return list;
    }

    private static PositionUpdate Update()
    {
        int[] used = new int[ConstellationNames.Count];
        used[(int)Constellation.Beidou] = 14;
        used[(int)Constellation.Gps] = 8;
        return new PositionUpdate
        {
            ReceiverId = "truck-1",
            Sequence = 4_294_967_338,
            Complete = true,
            Time = new DateTime(2026, 12, 5, 1, 2, 3, 400, DateTimeKind.Utc),
            TimeOfDayMs = 3_723_400,
            Quality = GgaQuality.RtkFixed,
            Mode = FixMode.ThreeD,
            Rtk = RtkState.Fixed,
            Latitude = 27.858123456,
            Longitude = 113.168987654,
            AltitudeMsl = 61.25,
            GeoidSeparation = -14.5,
            Grid = new GridPoint(3_083_000.5, 38_516_000.25),
            GridEpsg = 4526,
            Park = new ParkPoint(120.5, 44.25),
            Gcj02 = new GeodeticPoint(27.855, 113.173),
            Bd09 = new GeodeticPoint(27.861, 113.179),
            SpeedMps = 4.5,
            CourseDeg = 271.5,
            Hdop = 0.6,
            Vdop = 0.9,
            Pdop = 1.1,
            SigmaLatitude = 0.012,
            SigmaLongitude = 0.015,
            SigmaAltitude = 0.03,
            DiffAge = 1.5,
            DiffStation = 23,
            UsedPerConstellation = used,
            Satellites = [new SkySatellite(new SatelliteId(Constellation.Beidou, 35), 1, 67, 212, 45, true), new SkySatellite(new SatelliteId(Constellation.Gps, 12), null, null, null, null, false)],
            Zones = ["main-gate", "yard"],
            PublishedAt = new DateTimeOffset(2026, 12, 5, 1, 2, 3, 450, TimeSpan.Zero),
        };
    }
}
