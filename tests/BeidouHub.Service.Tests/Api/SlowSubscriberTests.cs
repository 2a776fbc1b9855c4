using BeidouHub.Protocol.V1;
using BeidouHub.Service.Tests.Support;
using Grpc.Core;

namespace BeidouHub.Service.Tests.Api;

public class SlowSubscriberTests
{
    [Fact]
    public async Task StreamPositions_OneClientReadsNothingFor10s_OthersGetEverythingAndItSeesItsDrops()
    {
        // 20 simulated receivers at 10 Hz (2,000 updates in 10 s); queues of 512 so the slow one must drop
        // while the readers keep up even on a loaded 2-core machine.
        await using ServiceFixture service = await ServiceFixture.StartAsync(
            "--BeidouHub:Receivers:0:Id=sim", "--BeidouHub:Receivers:0:Source=sim://?fleet=20&rate=10",
            "--BeidouHub:SubscriberQueue=512");
        var client = new Positions.PositionsClient(service.Channel);
        using var fast1 = new PositionsServiceTests.Collector(client, new StreamPositionsRequest());
        using var fast2 = new PositionsServiceTests.Collector(client, new StreamPositionsRequest { Coordinates = { CoordinateSystem.Grid } });
        using var slowCall = client.StreamPositions(new StreamPositionsRequest { IncludeSatellites = true });
        await Repo.Eventually(() => service.Hub.SubscriberCount == 3, "three subscribers");
        long memoryBefore = GC.GetTotalMemory(forceFullCollection: true);

        await Task.Delay(TimeSpan.FromSeconds(10)); // the slow client reads nothing

        long memoryAfter = GC.GetTotalMemory(forceFullCollection: true);
        Assert.True(await slowCall.ResponseStream.MoveNext());
        ulong dropped = slowCall.ResponseStream.Current.Dropped;
        // What the transport buffered before the queue filled comes first; the drop count rides
        // on the first message written after the drops.
        for (int i = 0; i < 20_000 && dropped == 0; i++)
        {
            Assert.True(await slowCall.ResponseStream.MoveNext());
            dropped += slowCall.ResponseStream.Current.Dropped;
        }

        List<Position> seen = fast1.Items;
        Assert.True(seen.Count >= 20 * 10 * 8, $"fast subscriber got only {seen.Count}");
        Assert.All(seen, p => Assert.Equal(0UL, p.Dropped));
        foreach (IGrouping<string, Position> receiver in seen.GroupBy(p => p.ReceiverId))
        {
            // Every position of every receiver, in order, none missing (after the first).
            List<ulong> sequences = receiver.Select(p => p.Sequence).ToList();
            Assert.Equal(Enumerable.Range(0, sequences.Count).Select(i => sequences[0] + (ulong)i), sequences);
        }

        Assert.Equal(20, seen.Select(p => p.ReceiverId).Distinct().Count());
        Assert.True(fast2.Count >= 20 * 10 * 8);
        Assert.True(dropped > 0, "the slow subscriber was told of its drops");
        Assert.True(memoryAfter - memoryBefore < 64L << 20, $"server memory grew by {(memoryAfter - memoryBefore) >> 20} MB");
    }

    [Fact]
    public async Task StreamPositions_HopelesslyBehind_EndedWithResourceExhausted()
    {
        await using ServiceFixture service = await ServiceFixture.StartAsync(
            "--BeidouHub:Receivers:0:Id=sim", "--BeidouHub:Receivers:0:Source=sim://?fleet=20&rate=10",
            "--BeidouHub:SubscriberQueue=16", "--BeidouHub:SlowSubscriberTimeout=00:00:02");
        var client = new Positions.PositionsClient(service.Channel);
        using var call = client.StreamPositions(new StreamPositionsRequest { IncludeSatellites = true });
        await Repo.Eventually(() => service.Hub.SubscriberCount == 1, "subscribed");

        await Repo.Eventually(() => service.Hub.SubscriberCount == 0, "the hopeless subscriber ended", seconds: 60);

        // Reading again, the client gets what its transport held, then the ending status.
        RpcException e = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext())
            {
            }
        });
        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Contains("read nothing", e.Status.Detail, StringComparison.Ordinal);
    }
}
