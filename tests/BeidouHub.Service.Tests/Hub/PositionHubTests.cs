using BeidouHub.Geo;
using BeidouHub.Geo.Zones;
using BeidouHub.Receiver.Satellites;
using BeidouHub.Service.Hub;
using BeidouHub.Service.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace BeidouHub.Service.Tests.Hub;

/// <summary>
/// The hub's bookkeeping, against the contract in beidouhub.proto: a new subscriber first gets the
/// latest position of every matching receiver, then live updates; subscribers leave at once.
/// </summary>
public class PositionHubTests
{
    private static readonly PositionFilter CompleteOnly = new([], [], minRank: 0, maxRateHz: 0, early: false);

    private readonly PositionHub _hub = new(capacity: 8, TimeSpan.FromSeconds(60), new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 2, 0, 0, TimeSpan.Zero)));

    [Fact]
    public void Publish_EarlyUpdate_NotTheLatestPosition()
    {
        _hub.Publish(Update("truck-a", sequence: 1, complete: true));
        _hub.Publish(Update("truck-a", sequence: 2, complete: false));

        Assert.True(_hub.TryGetLatest("truck-a", out PositionUpdate? latest));
        Assert.Equal(1, latest!.Sequence);
    }

    [Fact]
    public void SubscribePositions_FilterOnReceivers_SnapshotOfThoseOnly()
    {
        _hub.Publish(Update("truck-a", sequence: 1, complete: true));
        _hub.Publish(Update("truck-b", sequence: 1, complete: true));

        using Subscription<PositionUpdate> sub = _hub.SubscribePositions(new PositionFilter(["truck-b"], [], 0, 0, early: false));

        Assert.Equal(["truck-b"], Queued.Drain(sub).Select(u => u.ReceiverId));
    }

    [Fact]
    public void SubscribePositions_EarlyDelivery_LatestCompletePositionFirst()
    {
        _hub.Publish(Update("truck-a", sequence: 1, complete: true));

        using Subscription<PositionUpdate> sub = _hub.SubscribePositions(new PositionFilter([], [], 0, 0, early: true));
        _hub.Publish(Update("truck-a", sequence: 2, complete: false));

        Assert.Equal([(1L, true), (2L, false)], Queued.Drain(sub).Select(u => (u.Sequence, u.Complete)));
    }

    [Fact]
    public void WantsEarly_EarlySubscriberComesAndGoes_TrueOnlyWhileSubscribed()
    {
        Assert.False(_hub.WantsEarly);
        using Subscription<PositionUpdate> complete = _hub.SubscribePositions(CompleteOnly);
        Assert.False(_hub.WantsEarly);

        Subscription<PositionUpdate> early = _hub.SubscribePositions(new PositionFilter([], [], 0, 0, early: true));
        Assert.True(_hub.WantsEarly);
        early.Dispose();

        Assert.False(_hub.WantsEarly);
    }

    [Fact]
    public void WantsEarly_OneOfTwoEarlySubscribersEndedThenDisposed_StillTrue()
    {
        using Subscription<PositionUpdate> stays = _hub.SubscribePositions(new PositionFilter([], [], 0, 0, early: true));
        Subscription<PositionUpdate> leaves = _hub.SubscribePositions(new PositionFilter([], [], 0, 0, early: true));

        leaves.End(new SlowSubscriberException("slow"));
        leaves.Dispose();

        Assert.True(_hub.WantsEarly);
    }

    [Fact]
    public void WantsEarly_CompleteSubscriberLeaves_StaysFalse()
    {
        Subscription<PositionUpdate> complete = _hub.SubscribePositions(CompleteOnly);

        complete.Dispose();

        Assert.False(_hub.WantsEarly);
    }

    [Fact]
    public void SubscriberCount_EachKindSubscribesThenLeaves_CountsThemAll()
    {
        Subscription<PositionUpdate> positions = _hub.SubscribePositions(CompleteOnly);
        Subscription<SkyUpdate> sky = _hub.SubscribeSky(_ => true);
        Subscription<ZoneUpdate> zones = _hub.SubscribeZones(_ => true);
        Assert.Equal(3, _hub.SubscriberCount);

        positions.Dispose();
        sky.Dispose();
        zones.Dispose();

        Assert.Equal(0, _hub.SubscriberCount);
    }

    [Fact]
    public void CompleteAll_OneSubscriberOfEachKind_EveryStreamEndsWithTheReason()
    {
        _hub.Running = true;
        using Subscription<PositionUpdate> positions = _hub.SubscribePositions(CompleteOnly);
        using Subscription<SkyUpdate> sky = _hub.SubscribeSky(_ => true);
        using Subscription<ZoneUpdate> zones = _hub.SubscribeZones(_ => true);
        var reason = new OperationCanceledException("shutting down");

        _hub.CompleteAll(reason);

        Assert.False(_hub.Running);
        Assert.Same(reason, positions.EndReason);
        Assert.Same(reason, sky.EndReason);
        Assert.Same(reason, zones.EndReason);
        Assert.Equal(0, _hub.SubscriberCount);
    }

    [Fact]
    public void Publish_SkyAndZone_ReachTheirSubscribers()
    {
        using Subscription<SkyUpdate> sky = _hub.SubscribeSky(u => u.ReceiverId == "truck-a");
        using Subscription<ZoneUpdate> zones = _hub.SubscribeZones(_ => true);

        _hub.Publish(new SkyUpdate("truck-b", 1, null, [], new int[ConstellationNames.Count]));
        _hub.Publish(new SkyUpdate("truck-a", 2, null, [], new int[ConstellationNames.Count]));
        _hub.Publish(new ZoneUpdate(new ZoneEvent(ZoneEventKind.Enter, "truck-a", "yard", DateTimeOffset.UnixEpoch, new ParkPoint(1, 2))));

        Assert.True(sky.Reader.TryRead(out SkyUpdate? s));
        Assert.Equal(2, s.Sequence);
        Assert.False(sky.Reader.TryRead(out _));
        Assert.True(zones.Reader.TryRead(out ZoneUpdate? z));
        Assert.Equal("yard", z.Event.ZoneId);
    }

    [Fact]
    public async Task Publish_ManySubscribers_EachGetsEveryUpdateInOrder()
    {
        // Enough subscribers that the hub offers one at a time on the thread pool.
        var hub = new PositionHub(capacity: 64, TimeSpan.FromSeconds(60));
        Subscription<PositionUpdate>[] subs = [.. Enumerable.Range(0, PositionHub.InterleaveFrom + 4).Select(_ => hub.SubscribePositions(CompleteOnly))];

        for (int i = 1; i <= 40; i++)
        {
            hub.Publish(Update("truck-a", sequence: i, complete: true));
        }

        foreach (Subscription<PositionUpdate> sub in subs)
        {
            Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), await ReadAsync(sub, 40));
            sub.Dispose();
        }
    }

    [Fact]
    public async Task Publish_SubscribersLeaveWhileTheFanOutIsBusy_NoUpdateOvertakesAnEarlierOne()
    {
        var hub = new PositionHub(capacity: 64, TimeSpan.FromSeconds(60));
        Subscription<PositionUpdate>[] subs = [.. Enumerable.Range(0, PositionHub.InterleaveFrom).Select(_ => hub.SubscribePositions(CompleteOnly))];
        Subscription<PositionUpdate> stays = subs[^1];

        // The first update goes through the fan-out (enough subscribers); then all but one leave,
        // and the next updates, with one subscriber, must still come after it.
        hub.Publish(Update("truck-a", sequence: 1, complete: true));
        foreach (Subscription<PositionUpdate> sub in subs[..^1])
        {
            sub.Dispose();
        }

        for (int i = 2; i <= 10; i++)
        {
            hub.Publish(Update("truck-a", sequence: i, complete: true));
        }

        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), await ReadAsync(stays, 10));
        stays.Dispose();
    }

    private static async Task<List<long>> ReadAsync(Subscription<PositionUpdate> sub, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var sequences = new List<long>();
        while (sequences.Count < count)
        {
            sequences.Add((await sub.Reader.ReadAsync(timeout.Token)).Sequence);
        }

        return sequences;
    }

    internal static PositionUpdate Update(string receiver, long sequence, bool complete, DateTime? time = null,
        double? latitude = 27.858, Receiver.Epochs.RtkState rtk = Receiver.Epochs.RtkState.None, string[]? zones = null) => new()
    {
        ReceiverId = receiver,
        Sequence = sequence,
        Complete = complete,
        Time = time,
        Latitude = latitude,
        Longitude = latitude is null ? null : 113.168,
        Quality = Receiver.Nmea.Sentences.GgaQuality.Autonomous,
        Rtk = rtk,
        UsedPerConstellation = new int[ConstellationNames.Count],
        Satellites = [],
        Zones = zones ?? [],
    };
}
