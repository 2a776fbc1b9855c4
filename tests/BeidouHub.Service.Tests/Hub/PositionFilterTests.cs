using BeidouHub.Receiver.Epochs;
using BeidouHub.Service.Hub;

namespace BeidouHub.Service.Tests.Hub;

/// <summary>StreamPositionsRequest's server-side filters, as beidouhub.proto describes them.</summary>
public class PositionFilterTests
{
    private static readonly DateTime Noon = new(2026, 11, 27, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Accepts_EarlyDelivery_OnlyEarlyUpdates()
    {
        var filter = new PositionFilter([], [], 0, 0, early: true);

        Assert.True(filter.Accepts(PositionHubTests.Update("truck-a", 1, complete: false)));
        Assert.False(filter.Accepts(PositionHubTests.Update("truck-a", 1, complete: true)));
    }

    [Fact]
    public void Accepts_MinQualityRtkFloat_FloatAndFixedPassFixDoesNot()
    {
        var filter = new PositionFilter([], [], minRank: 3, 0, early: false);

        Assert.True(filter.Accepts(PositionHubTests.Update("truck-a", 1, true, rtk: RtkState.Float)));
        Assert.True(filter.Accepts(PositionHubTests.Update("truck-a", 2, true, rtk: RtkState.Fixed)));
        Assert.False(filter.Accepts(PositionHubTests.Update("truck-a", 3, true, rtk: RtkState.None)));
    }

    [Fact]
    public void Accepts_ZoneFilter_ReceiverInOneOfTheZonesAmongOthers()
    {
        var filter = new PositionFilter([], ["yard"], 0, 0, early: false);

        Assert.True(filter.Accepts(PositionHubTests.Update("truck-a", 1, true, zones: ["main-gate", "yard"])));
        Assert.False(filter.Accepts(PositionHubTests.Update("truck-a", 2, true, zones: ["main-gate"])));
    }

    [Fact]
    public void Accepts_OneHzReceiverAtMaxOneHz_EveryEpoch()
    {
        var filter = new PositionFilter([], [], 0, maxRateHz: 1, early: false);

        for (int i = 0; i < 5; i++)
        {
            Assert.True(filter.Accepts(PositionHubTests.Update("truck-a", i + 1, true, time: Noon.AddSeconds(i))));
        }
    }

    [Fact]
    public void Accepts_FourHzReceiverAtMaxOneHz_OneEpochPerSecondOfEpochTime()
    {
        var filter = new PositionFilter([], [], 0, maxRateHz: 1, early: false);

        List<bool> passed = Enumerable.Range(0, 9)
            .Select(i => filter.Accepts(PositionHubTests.Update("truck-a", i + 1, true, time: Noon.AddMilliseconds(250 * i))))
            .ToList();

        Assert.Equal([true, false, false, false, true, false, false, false, true], passed);
    }

    [Fact]
    public void Accepts_ReplayLoopsBackInTime_NotHeldBack()
    {
        var filter = new PositionFilter([], [], 0, maxRateHz: 1, early: false);
        Assert.True(filter.Accepts(PositionHubTests.Update("truck-a", 1, true, time: Noon.AddMinutes(30))));

        // A looping replay starts again at the recording's first epoch.
        Assert.True(filter.Accepts(PositionHubTests.Update("truck-a", 2, true, time: Noon)));
    }
}
