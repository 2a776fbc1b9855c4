using BeidouHub.Protocol.V1;
using BeidouHub.Service.Cluster;
using BeidouHub.Service.Receivers;
using BeidouHub.Service.Tests.Support;
using BeidouHub.Testing;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace BeidouHub.Service.Tests.Cluster;

[CollectionDefinition(Name)]
public sealed class NatsServersToKill : ICollectionFixture<NatsCluster>
{
    public const string Name = "NATS cluster, one server killed";
}

/// <summary>A NATS server of the three dies (its own cluster: the other tests keep theirs whole).</summary>
[Collection(NatsServersToKill.Name)]
public sealed class NatsServerLossTests(NatsCluster nats, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task NatsServerKilled_UnderTheReadingNode_SubscriberOnAnotherNodeGoesOnAfterAShortGap()
    {
        Skip.If(nats.Unavailable is not null, nats.Unavailable);
        string[] cluster = [$"--BeidouHub:Cluster:Nats={nats.Urls}", "--BeidouHub:Cluster:Prefix=loss"];
        string seed = $"replay://{Repo.Seed("park-vehicle-rtk-10hz.nmea")}?speed=1&loop=true";
        await using ServiceFixture a = await ServiceFixture.StartAsync([.. cluster, "--BeidouHub:Cluster:NodeId=a", "--BeidouHub:Receivers:0:Id=truck", $"--BeidouHub:Receivers:0:Source={seed}"]);
        await Eventually.True(() => a.Services.GetRequiredService<ReceiverHost>().ReadsHere("truck"), "node a reading truck");
        await using ServiceFixture b = await ServiceFixture.StartAsync([.. cluster, "--BeidouHub:Cluster:NodeId=b", "--BeidouHub:Receivers:0:Id=walker-b",
            $"--BeidouHub:Receivers:0:Source=replay://{Repo.Seed("park-handheld-bd-walk.nmea")}?speed=1&loop=true"]);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        using AsyncServerStreamingCall<Position> stream = new Positions.PositionsClient(b.Channel).StreamPositions(new StreamPositionsRequest { ReceiverIds = { "truck" } }, cancellationToken: timeout.Token);
        var seen = new List<ulong>();
        var times = new List<DateTime>();
        while (seen.Count < 20 && await stream.ResponseStream.MoveNext(timeout.Token))
        {
            seen.Add(stream.ResponseStream.Current.Sequence);
            times.Add(stream.ResponseStream.Current.Time.ToDateTime());
        }

        // The server node a publishes through.
        ClusterNode aNode = a.Services.GetRequiredService<ClusterNode>();
        string server = aNode.Nats.ServerInfo!.Name;
        nats.Kill(int.Parse(server.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture));
        int before = seen.Count;
        while (seen.Count < before + 40 && await stream.ResponseStream.MoveNext(timeout.Token))
        {
            seen.Add(stream.ResponseStream.Current.Sequence);
            times.Add(stream.ResponseStream.Current.Time.ToDateTime());
        }

        Assert.NotEqual(server, aNode.Nats.ServerInfo!.Name); // a reconnected to another server
        for (int i = 1; i < seen.Count; i++)
        {
            Assert.True(seen[i] > seen[i - 1], $"sequence {seen[i]} after {seen[i - 1]}");
        }

        // Lost: what a published into the dead server's socket and while it reconnected (not queued).
        // Counted by epoch time (10 Hz), not sequence: if the lease bucket's leader moved with the
        // killed server and node a had to take its lease again, its sequence jumps by 2^20 (still increasing).
        ulong lost = (ulong)Enumerable.Range(1, times.Count - 1).Sum(i => Math.Max(0, (int)Math.Round((times[i] - times[i - 1]).TotalSeconds * 10) - 1));
        output.WriteLine($"server {server} killed: {lost} epoch(s) of 10 Hz lost on the way to node b; a counted {a.Services.GetRequiredService<ClusterBridge>().NotPublished} update(s) not published");
        Assert.InRange(lost, 0UL, 50UL);
        Assert.True(a.Services.GetRequiredService<ReceiverHost>().ReadsHere("truck"), "node a reads truck after the server's loss");
    }
}
