using BeidouHub.Service.History;
using BeidouHub.Store;

namespace BeidouHub.Service.Tests.History;

public class ZoneStaysTests
{
    private static readonly DateTime T0 = new(2026, 11, 27, 9, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void From_InsideBeforeLeavesAndComesBackAndStays_ThreeStaysInOrder()
    {
        ZoneEventRecord[] before =
        [
            Event(0, "forklift-1", T0.AddMinutes(-30)),  // entered before the period: inside at its start
            Event(1, "forklift-2", T0.AddMinutes(-20)),  // left before it: not inside
        ];
        ZoneEventRecord[] events =
        [
            Event(2, "forklift-1", T0.AddMinutes(5)),   // dwell: adds nothing
            Event(1, "forklift-1", T0.AddMinutes(10)),
            Event(0, "worker-7", T0.AddMinutes(12)),
            Event(0, "worker-7", T0.AddMinutes(13)),    // a second Enter while inside: the stay goes on
            Event(1, "forklift-2", T0.AddMinutes(14)),  // an Exit without a stay: nothing
            Event(1, "worker-7", T0.AddMinutes(20)),
            Event(0, "forklift-1", T0.AddMinutes(40)),
        ];

        List<ZoneStay> stays = ZoneStays.From(before, events, T0);

        Assert.Equal(
        [
            new ZoneStay("forklift-1", "hazard", T0, T0.AddMinutes(10), true),
            new ZoneStay("worker-7", "hazard", T0.AddMinutes(12), T0.AddMinutes(20), false),
            new ZoneStay("forklift-1", "hazard", T0.AddMinutes(40), null, false),
        ], stays);
    }

    [Fact]
    public void From_NoEvents_OnlyThoseInsideAtStart()
    {
        List<ZoneStay> stays = ZoneStays.From([Event(0, "b", T0.AddHours(-1)), Event(0, "a", T0.AddHours(-2))], [], T0);

        Assert.Equal([new ZoneStay("a", "hazard", T0, null, true), new ZoneStay("b", "hazard", T0, null, true)], stays);
    }

    private static ZoneEventRecord Event(int kind, string receiver, DateTime time) => new(kind, receiver, "hazard", time, 0, 0);
}
