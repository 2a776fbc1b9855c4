using System.Net;
using BeidouHub.Service.Security;
using Microsoft.Extensions.Time.Testing;

namespace BeidouHub.Service.Tests.Security;

public class FailureLimiterTests
{
    private static readonly IPAddress Peer = IPAddress.Parse("10.0.0.7");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 3, 0, 0, TimeSpan.Zero));

    [Fact]
    public void IsLimited_TenFailuresInAMinute_LimitedUntilTheWindowEnds()
    {
        var limiter = new FailureLimiter(_time);
        for (int i = 0; i < FailureLimiter.Limit - 1; i++)
        {
            limiter.RecordFailure(Peer);
        }

        Assert.False(limiter.IsLimited(Peer, out _));
        _time.Advance(TimeSpan.FromSeconds(59));
        limiter.RecordFailure(Peer);

        Assert.True(limiter.IsLimited(Peer, out DateTimeOffset until));
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 3, 1, 0, TimeSpan.Zero), until);
        Assert.False(limiter.IsLimited(IPAddress.Parse("10.0.0.8"), out _));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(limiter.IsLimited(Peer, out _));
    }

    [Fact]
    public void IsLimited_FailuresSpreadOverWindows_NeverLimited()
    {
        var limiter = new FailureLimiter(_time);
        for (int i = 0; i < 30; i++)
        {
            limiter.RecordFailure(Peer);
            limiter.RecordFailure(Peer);
            _time.Advance(TimeSpan.FromSeconds(15));
            if (i % 4 == 3)
            {
                Assert.False(limiter.IsLimited(Peer, out _));
            }
        }
    }

    [Fact]
    public void RecordFailure_NotCounting_LoggedButNeverLimited()
    {
        var limiter = new FailureLimiter(_time);
        for (int i = 0; i < 50; i++)
        {
            limiter.RecordFailure(Peer, countsTowardLimit: false);
        }

        Assert.False(limiter.IsLimited(Peer, out _));
    }

    [Fact]
    public void RecordFailure_ManyInAWindow_ThreeLoggedThenOneNoteThenQuiet()
    {
        var limiter = new FailureLimiter(_time);

        FailureLimiter.Logging[] logging = [.. Enumerable.Range(0, 7).Select(_ => limiter.RecordFailure(Peer))];
        _time.Advance(FailureLimiter.Window);

        Assert.Equal(
            [FailureLimiter.Logging.Log, FailureLimiter.Logging.Log, FailureLimiter.Logging.Log, FailureLimiter.Logging.LogLast, FailureLimiter.Logging.Quiet, FailureLimiter.Logging.Quiet, FailureLimiter.Logging.Quiet],
            logging);
        Assert.Equal(FailureLimiter.Logging.Log, limiter.RecordFailure(Peer));
    }

    [Fact]
    public void RecordFailure_MorePeersThanCapacity_TableStaysBoundedNewestKept()
    {
        var limiter = new FailureLimiter(_time, capacity: 100);
        for (int i = 0; i < 1000; i++)
        {
            var peer = new IPAddress([10, 1, (byte)(i >> 8), (byte)i]);
            for (int f = 0; f < FailureLimiter.Limit; f++)
            {
                limiter.RecordFailure(peer);
            }

            _time.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.Equal(100, limiter.Count);
        Assert.True(limiter.IsLimited(new IPAddress([10, 1, 3, 231]), out _)); // peer 999, the latest
        Assert.False(limiter.IsLimited(new IPAddress([10, 1, 0, 0]), out _)); // peer 0, evicted
    }
}
