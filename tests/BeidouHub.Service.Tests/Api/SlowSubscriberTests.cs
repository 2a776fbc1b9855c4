using BeidouHub.Protocol.V1;
using BeidouHub.Service.Tests.Support;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;

namespace BeidouHub.Service.Tests.Api;

/// <summary>
/// A subscriber that stops reading, against the real service: counted, not timed. The receiver is
/// fed in steps that the readers keep up with, so whatever the machine's load the fast subscribers
/// cannot fall behind, and the slow one must drop; the slow-subscriber rule runs on a
/// FakeTimeProvider that the test moves.
/// </summary>
public class SlowSubscriberTests
{
    private const int Step = 50;

    [Fact]
    public async Task StreamPositions_OneClientReadsNothing_OthersGetEverythingAndItSeesEveryDrop()
    {
        const int Epochs = 2000;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 3, 0, 0, TimeSpan.Zero));
        await using var feed = new ReceiverFeed();
        await using ServiceFixture service = await ServiceFixture.StartAsync(time,
            "--BeidouHub:Receivers:0:Id=truck", $"--BeidouHub:Receivers:0:Source={feed.Uri}", "--BeidouHub:SubscriberQueue=64");
        var client = new Positions.PositionsClient(service.Channel);
        using var fast1 = new PositionsServiceTests.Collector(client, new StreamPositionsRequest());
        using var fast2 = new PositionsServiceTests.Collector(client, new StreamPositionsRequest { Coordinates = { CoordinateSystem.Grid } });
        using var slowCall = client.StreamPositions(new StreamPositionsRequest { IncludeSatellites = true });
        await Eventually.True(() => service.Hub.SubscriberCount == 3, "three subscribers");
        await feed.AcceptAsync();
        long memoryBefore = GC.GetTotalMemory(forceFullCollection: true);

        // The slow client reads nothing while 2,000 epochs go through; queues of 64.
        for (int first = 0; first < Epochs; first += Step)
        {
            await feed.SendAsync(PositionsServiceTests.Track(27.8280, Step, first));
            int sent = first + Step;
            await Eventually.True(
                () => service.Hub.Published >= sent - 1 && fast1.Count == service.Hub.Published && fast2.Count == service.Hub.Published,
                $"the fast subscribers have epoch {sent - 1}");
        }

        feed.Close(); // the last epoch is handed out when the receiver goes
        await Eventually.True(() => fast1.Count == Epochs && fast2.Count == Epochs, "every epoch to the fast subscribers");
        long memoryAfter = GC.GetTotalMemory(forceFullCollection: true);
        long droppedByHub = service.Hub.DroppedTotal;

        // Reading at last, the slow client gets what its transport and queue held, and the drops
        // ride on the messages written after them: every epoch is either received or counted.
        int received = 0;
        ulong dropped = 0;
        while ((ulong)received + dropped < Epochs)
        {
            Assert.True(await slowCall.ResponseStream.MoveNext(), $"stream ended after {received} received + {dropped} dropped");
            received++;
            dropped += slowCall.ResponseStream.Current.Dropped;
        }

        Assert.True(dropped > 0, "the slow subscriber dropped");
        Assert.Equal((ulong)droppedByHub, dropped);
        Assert.Equal(Enumerable.Range(1, Epochs).Select(i => (ulong)i), fast1.Items.Select(p => p.Sequence)); // every position, in order
        Assert.All(fast1.Items, p => Assert.Equal(0UL, p.Dropped));
        Assert.All(fast2.Items, p => Assert.Equal(0UL, p.Dropped));
        Assert.All(fast2.Items, p => Assert.Equal(4547, p.Grid.Epsg));
        Assert.True(memoryAfter - memoryBefore < 64L << 20, $"server memory grew by {(memoryAfter - memoryBefore) >> 20} MB");
    }

    [Fact]
    public async Task StreamPositions_HopelesslyBehind_EndedWithResourceExhausted()
    {
        // An hour of the service's clock passes in 20-minute steps while the receiver sends; the
        // subscriber is ended once it has read nothing for an hour while dropping (on the system
        // clock it would never be: the test takes seconds).
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 3, 0, 0, TimeSpan.Zero));
        await using var feed = new ReceiverFeed();
        await using ServiceFixture service = await ServiceFixture.StartAsync(time,
            "--BeidouHub:Receivers:0:Id=truck", $"--BeidouHub:Receivers:0:Source={feed.Uri}",
            "--BeidouHub:SubscriberQueue=16", "--BeidouHub:SlowSubscriberTimeout=01:00:00");
        var client = new Positions.PositionsClient(service.Channel);
        using var call = client.StreamPositions(new StreamPositionsRequest { IncludeSatellites = true });
        await Eventually.True(() => service.Hub.SubscriberCount == 1, "subscribed");
        await feed.AcceptAsync();

        int first = 0;
        long dropped = 0;
        while (service.Hub.SubscriberCount == 1)
        {
            dropped = service.Hub.DroppedTotal; // the hub forgets a subscriber's drops once it has ended it
            Assert.True(first < 20_000, $"still subscribed after {first} epochs, {service.Hub.DroppedTotal} dropped");
            await feed.SendAsync(PositionsServiceTests.Track(27.8280, Step, first));
            first += Step;
            await Eventually.True(() => service.Hub.Published >= first - 1, $"epoch {first - 1} published");
            time.Advance(TimeSpan.FromMinutes(20));
        }

        Assert.True(dropped > 0, "ended while dropping");

        // Reading again, the client gets what its transport held, then the ending status.
        RpcException e = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext())
            {
            }
        });
        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Contains("read nothing for 3600 s", e.Status.Detail, StringComparison.Ordinal);
    }
}
