using BeidouHub.Protocol.V1;
using BeidouHub.Receiver.Satellites;
using BeidouHub.Service.Api;
using BeidouHub.Service.Hub;

namespace BeidouHub.Service.Tests.Api;

/// <summary>
/// Stream subscribers of one shape share one message per update; drops are reported on a copy,
/// so one subscriber's count never shows in another's message.
/// </summary>
public class ProtoMappingTests
{
    private static readonly PositionShape s_plain = new(Grid: true, Park: false, Gcj02: false, Bd09: false, Satellites: false);
    private static readonly PositionShape s_withGcj = new(Grid: true, Park: false, Gcj02: true, Bd09: false, Satellites: false);

    [Fact]
    public void ToSharedProto_SameShapeNoDrops_OneMessageForAll()
    {
        PositionUpdate u = Update();
        Position first = ProtoMapping.ToSharedProto(u, s_plain, dropped: 0);
        Position second = ProtoMapping.ToSharedProto(u, s_plain, dropped: 0);

        Assert.Same(first, second);
        Assert.Equal(ProtoMapping.ToProto(u, s_plain, dropped: 0), first);
    }

    [Fact]
    public void ToProto_PublishedAt_OnTheWire()
    {
        PositionUpdate u = Update();
        Position p = ProtoMapping.ToProto(u, s_plain, dropped: 0);

        Assert.Equal(u.PublishedAt, p.PublishedAt.ToDateTimeOffset());
    }

    [Fact]
    public void ToSharedProto_WithDrops_OwnCopyAndTheSharedOneUntouched()
    {
        PositionUpdate u = Update();
        Position shared = ProtoMapping.ToSharedProto(u, s_plain, dropped: 0);
        Position slow = ProtoMapping.ToSharedProto(u, s_plain, dropped: 7);

        Assert.NotSame(shared, slow);
        Assert.Equal(7UL, slow.Dropped);
        Assert.Equal(0UL, shared.Dropped);
        Assert.Equal(0UL, ProtoMapping.ToSharedProto(u, s_plain, dropped: 0).Dropped);
        slow.Dropped = 0;
        Assert.Equal(shared, slow);
    }

    [Fact]
    public void ToSharedProto_AnotherShape_BuiltForThatShape()
    {
        PositionUpdate u = Update();
        Position plain = ProtoMapping.ToSharedProto(u, s_plain, dropped: 0);
        Position gcj = ProtoMapping.ToSharedProto(u, s_withGcj, dropped: 0);

        Assert.Null(plain.Gcj02);
        Assert.NotNull(gcj.Gcj02);
        Assert.Equal(u.Gcj02!.Value.Latitude, gcj.Gcj02.Latitude);

        // Back to the first shape: the right content again, whichever message is cached.
        Assert.Null(ProtoMapping.ToSharedProto(u, s_plain, dropped: 0).Gcj02);
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
