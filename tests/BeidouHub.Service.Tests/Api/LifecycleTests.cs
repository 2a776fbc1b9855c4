using BeidouHub.Protocol.V1;
using BeidouHub.Service.Tests.Support;
using BeidouHub.Service.Verbs;
using Grpc.Core;

namespace BeidouHub.Service.Tests.Api;

public class LifecycleTests
{
    [Fact]
    public async Task Serve_NoReceiversConfigured_ReplaysTheParkSeedsWithDemoZones()
    {
        await using ServiceFixture service = await ServiceFixture.StartAsync();
        var client = new Positions.PositionsClient(service.Channel);
        using var collector = new PositionsServiceTests.Collector(client, new StreamPositionsRequest());

        await Eventually.True(() => collector.Items.Select(p => p.ReceiverId).Distinct().Count() == 3, "positions of the three default receivers");

        var receivers = await new Protocol.V1.Receivers.ReceiversClient(service.Channel).ListReceiversAsync(new ListReceiversRequest());
        Assert.Equal(["gate-1", "truck-1", "walker-1"], receivers.Receivers.Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.All(receivers.Receivers, r => Assert.StartsWith("replay://", r.Source, StringComparison.Ordinal));
        Assert.All(collector.Items.Where(p => p.HasLatitude), p => Assert.InRange(p.Latitude, 27.85, 27.87));
    }

    [Fact]
    public async Task Stop_WhileStreaming_StreamsEndWithUnavailable()
    {
        ServiceFixture service = await ServiceFixture.StartAsync("--BeidouHub:Receivers:0:Id=sim", "--BeidouHub:Receivers:0:Source=sim://?rate=10");
        try
        {
            var client = new Positions.PositionsClient(service.Channel);
            using var call = client.StreamPositions(new StreamPositionsRequest());
            Assert.True(await call.ResponseStream.MoveNext());

            Task stopping = service.StopAsync();

            RpcException e = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                while (await call.ResponseStream.MoveNext())
                {
                }
            });
            Assert.Equal(StatusCode.Unavailable, e.StatusCode);
            Assert.Contains("shutting down", e.Status.Detail, StringComparison.Ordinal);
            await stopping.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await service.DisposeAsync();
        }
    }

    [Fact]
    public async Task Record_ReplaySource_FilesDecodeToTheSameEpochs()
    {
        string seed = Repo.Seed("park-gate-outage.nmea");
        string dir = Directory.CreateTempSubdirectory("beidouhub-record-").FullName;
        try
        {
            var stderr = new StringWriter();

            int exit = await RecordVerb.RunAsync(["--source", $"replay://{seed}?speed=0", "--out", dir, "--id", "gate"], new StringWriter(), stderr, CancellationToken.None);

            Assert.True(exit == 0, stderr.ToString());
            string file = Assert.Single(Directory.GetFiles(Path.Combine(dir, "gate")));
            Assert.StartsWith("# BeidouHub recording: receiver=gate source=replay://", File.ReadLines(file).First(), StringComparison.Ordinal);
            byte[] original = await File.ReadAllBytesAsync(seed);
            var expected = PositionsServiceTests.Decode(original, "x").Select(e => (e.UtcTime, e.Latitude, e.Longitude)).ToList();
            var recorded = PositionsServiceTests.Decode(await File.ReadAllBytesAsync(file), "x").Select(e => (e.UtcTime, e.Latitude, e.Longitude)).ToList();
            Assert.Equal(expected, recorded);
            Assert.Contains("300 epochs", stderr.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
