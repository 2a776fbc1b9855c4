using BeidouHub.Service.Hub;
using BeidouHub.Service.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace BeidouHub.Service.Tests.Hub;

/// <summary>
/// One subscriber's queue, checked against its contract (Subscription's doc and
/// SlowSubscriberTimeout's): bounded, drop-oldest, drops reported with the next message, a
/// subscriber that reads nothing for the timeout while updates are dropped is ended.
/// </summary>
public class SubscriptionTests
{
    private static readonly TimeSpan HopelessAfter = TimeSpan.FromSeconds(60);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 27, 2, 0, 0, TimeSpan.Zero));
    private int _removed;

    [Fact]
    public void Offer_QueueFull_TheOldestIsDropped()
    {
        using Subscription<string> sub = Create(capacity: 2);

        sub.Offer("a");
        sub.Offer("b");
        sub.Offer("c");

        Assert.Equal(["b", "c"], Queued.Drain(sub));
    }

    [Fact]
    public void TakeDropped_TwoCalls_CountSinceThePreviousCallOnly()
    {
        using Subscription<string> sub = Create(capacity: 1);
        sub.Offer("a");
        sub.Offer("b");
        sub.Offer("c");

        Assert.Equal(2, sub.TakeDropped());
        Assert.Equal(0, sub.TakeDropped());
        sub.Offer("d");
        Assert.Equal(1, sub.TakeDropped());
    }

    [Fact]
    public void DroppedTotal_DropsReportedInSeveralMessages_CountsEveryDrop()
    {
        using Subscription<string> sub = Create(capacity: 1);
        sub.Offer("a");
        sub.Offer("b");
        sub.TakeDropped();
        sub.Offer("c");
        sub.Offer("d");

        Assert.Equal(3, sub.DroppedTotal);
    }

    [Fact]
    public void Offer_NotAccepted_NotQueued()
    {
        using Subscription<string> sub = Create(capacity: 4, accepts: s => s != "other");

        sub.Offer("other");
        sub.Offer("mine");

        Assert.Equal(["mine"], Queued.Drain(sub));
    }

    [Fact]
    public void Prime_FilterWouldRefuse_QueuedAnyway()
    {
        using Subscription<string> sub = Create(capacity: 4, accepts: _ => false);

        sub.Prime("snapshot");

        Assert.Equal(["snapshot"], Queued.Drain(sub));
    }

    [Fact]
    public void Offer_UnreadBeyondTimeoutWhileDropping_EndedAsSlowAndRemoved()
    {
        using Subscription<string> sub = Create(capacity: 1);
        sub.Offer("a");
        sub.Offer("b");
        _clock.Advance(HopelessAfter + TimeSpan.FromSeconds(1));

        sub.Offer("c");

        Assert.IsType<SlowSubscriberException>(sub.EndReason);
        Assert.Equal(["b"], Queued.Drain(sub)); // what was queued is still read, then the stream ends
        Assert.IsType<SlowSubscriberException>(sub.Reader.Completion.Exception?.InnerException);
        Assert.Equal(1, _removed);
    }

    [Fact]
    public void Offer_UnreadBeyondTimeoutButNothingDropped_NotEnded()
    {
        using Subscription<string> sub = Create(capacity: 4);
        sub.Offer("a");
        _clock.Advance(HopelessAfter * 10);

        sub.Offer("b");

        Assert.Null(sub.EndReason);
        Assert.Equal(["a", "b"], Queued.Drain(sub));
    }

    [Fact]
    public void Offer_DroppingButReadWithinTimeout_NotEnded()
    {
        using Subscription<string> sub = Create(capacity: 1);
        _clock.Advance(TimeSpan.FromSeconds(50));
        sub.TakeDropped(); // the pump wrote a message: the subscriber reads
        _clock.Advance(TimeSpan.FromSeconds(50)); // 100 s after subscribing, 50 s after the read

        sub.Offer("a");
        sub.Offer("b");
        sub.Offer("c");

        Assert.Null(sub.EndReason);
        Assert.Equal(["c"], Queued.Drain(sub));
    }

    [Fact]
    public void Offer_DroppingRightAfterSubscribing_NotEnded()
    {
        using Subscription<string> sub = Create(capacity: 1);

        sub.Offer("a");
        sub.Offer("b");
        sub.Offer("c");

        Assert.Null(sub.EndReason);
        Assert.Equal(["c"], Queued.Drain(sub));
    }

    [Fact]
    public void End_Twice_TheFirstReasonStaysAndRemovedOnce()
    {
        using Subscription<string> sub = Create(capacity: 1);
        var first = new SlowSubscriberException("first");

        sub.End(first);
        sub.End(new InvalidOperationException("second"));

        Assert.Same(first, sub.EndReason);
        Assert.Equal(1, _removed);
    }

    [Fact]
    public void End_ThenDispose_RemovedOnce()
    {
        Subscription<string> sub = Create(capacity: 1);

        sub.End(new InvalidOperationException("shutting down"));
        Assert.Equal(1, _removed);
        sub.Dispose();

        Assert.Equal(1, _removed);
    }

    [Fact]
    public void End_GracePeriod_RunsOnTheHubClock()
    {
        using Subscription<string> sub = Create(capacity: 1);

        sub.End(new SlowSubscriberException("slow"));
        Assert.False(sub.Ended.IsCancellationRequested); // a client that reads again gets what was buffered first
        _clock.Advance(HopelessAfter - TimeSpan.FromSeconds(1));
        Assert.False(sub.Ended.IsCancellationRequested);
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.True(sub.Ended.IsCancellationRequested);
    }

    [Fact]
    public void Dispose_Subscribed_Removed()
    {
        Subscription<string> sub = Create(capacity: 1);

        sub.Dispose();

        Assert.Equal(1, _removed);
        Assert.True(sub.Reader.Completion.IsCompleted);
    }

    private Subscription<string> Create(int capacity, Func<string, bool>? accepts = null) =>
        new(capacity, accepts ?? (_ => true), _ => _removed++, _clock, HopelessAfter);
}
