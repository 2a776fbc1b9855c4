using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using BeidouHub.Protocol.V1;
using BeidouHub.Service.Cluster;
using BeidouHub.Service.Receivers;
using BeidouHub.Service.Tests.Support;
using BeidouHub.Testing;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace BeidouHub.Service.Tests.Cluster;

[CollectionDefinition(Name)]
public sealed class NatsServers : ICollectionFixture<NatsCluster>
{
    public const string Name = "NATS cluster";
}

/// <summary>
/// Service nodes on a real three-server NATS cluster with JetStream (Debian's nats-server, started
/// by the fixture on loopback ports). Each test has its own subject and bucket prefix.
/// </summary>
[Collection(NatsServers.Name)]
public sealed class ClusterTests(NatsCluster nats)
{
    private static readonly string Seed = Repo.Seed("park-vehicle-rtk-10hz.nmea");

    // A node's own receiver, so that it does not replay the embedded default (truck, gate, walker).
    private static readonly (string, string) Walker = ("walker-b", $"replay://{Repo.Seed("park-handheld-bd-walk.nmea")}?speed=1&loop=true");

    [SkippableFact]
    public async Task SubscriberOnAnotherNode_SeesTheReceiver_WithTheSameValuesAsOnItsOwnNode()
    {
        Skip.If(nats.Unavailable is not null, nats.Unavailable);
        string prefix = Prefix();
        await using ServiceFixture a = await Node(prefix, "a", ("truck", $"replay://{Seed}?speed=1&loop=true"));
        await Eventually.True(() => Host(a).ReadsHere("truck"), "node a reading truck");
        await using ServiceFixture b = await Node(prefix, "b", ("truck", $"replay://{Seed}?speed=1&loop=true"));

        var onA = new Positions.PositionsClient(a.Channel);
        var onB = new Positions.PositionsClient(b.Channel);
        var request = new StreamPositionsRequest { ReceiverIds = { "truck" }, Coordinates = { CoordinateSystem.Grid, CoordinateSystem.Park, CoordinateSystem.Gcj02 }, IncludeSatellites = true };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using AsyncServerStreamingCall<Position> streamA = onA.StreamPositions(request, cancellationToken: timeout.Token);
        using AsyncServerStreamingCall<Position> streamB = onB.StreamPositions(request, cancellationToken: timeout.Token);
        Task<List<Position>> readA = Read(streamA, 40, timeout.Token);
        Task<List<Position>> readB = Read(streamB, 40, timeout.Token);
        List<Position> seenA = await readA;
        List<Position> seenB = await readB;

        Assert.False(Host(b).ReadsHere("truck"));
        Assert.True(Host(a).ReadsHere("truck"));

        // Same epochs by sequence (B's first message may be the latest from the bucket), same values.
        var bySequence = seenA.ToDictionary(p => p.Sequence);
        List<Position> common = seenB.Where(p => bySequence.ContainsKey(p.Sequence)).ToList();
        Assert.True(common.Count >= 20, $"only {common.Count} epochs seen on both nodes");
        foreach (Position p in common)
        {
            Position q = bySequence[p.Sequence];
            Assert.Equal(q, p); // every field, published_at included: B passes on A's message
            Assert.NotNull(p.Grid);
            Assert.NotNull(p.Gcj02);
        }

        Assert.Contains(common, p => p.Satellites.Count > 0); // the sky (GSV once a second) travels too
        Assert.True(b.Services.GetRequiredService<ClusterBridge>().Received > 0);
    }

    [SkippableFact]
    public async Task ListAndLatest_OnAnotherNode_ShowTheReceiverAndWhichNodeReadsIt()
    {
        Skip.If(nats.Unavailable is not null, nats.Unavailable);
        string prefix = Prefix();
        await using ServiceFixture a = await Node(prefix, "a", ("truck", $"replay://{Seed}?speed=1&loop=true"), ("gate", $"replay://{Repo.Seed("park-gate-outage.nmea")}?speed=1&loop=true"));
        await Eventually.True(() => Host(a).ReadsHere("truck") && Host(a).ReadsHere("gate"), "node a reading both");

        // Node b has a receiver of its own, and serves a's through the cluster.
        await using ServiceFixture b = await Node(prefix, "b", Walker);
        var positions = new Positions.PositionsClient(b.Channel);
        GetLatestPositionsResponse latest = null!;
        await Eventually.True(async () =>
        {
            latest = await positions.GetLatestPositionsAsync(new GetLatestPositionsRequest());
            return latest.Positions.Count(p => p.ReceiverId != "walker-b") == 2;
        }, "both receivers' latest positions on node b");
        Assert.Equal(["gate", "truck"], latest.Positions.Select(p => p.ReceiverId).Where(id => id != "walker-b").Order(StringComparer.Ordinal));
        Assert.All(latest.Positions, p => Assert.True(p.Complete));

        var receivers = new Protocol.V1.Receivers.ReceiversClient(b.Channel);
        ListReceiversResponse list = null!;
        await Eventually.True(async () =>
        {
            list = await receivers.ListReceiversAsync(new ListReceiversRequest());
            return list.Receivers.Count == 3;
        }, "a's two receivers and b's own listed on node b");
        Assert.Equal(["gate:a", "truck:a", "walker-b:b"], list.Receivers.Select(r => $"{r.Id}:{r.Node}").Order(StringComparer.Ordinal));
        Assert.All(list.Receivers, r => Assert.Equal(ConnectionState.Connected, r.State));

        // WatchReceivers too: b's own receiver, then a's as a last said.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using AsyncServerStreamingCall<Protocol.V1.ReceiverStatus> watch = receivers.WatchReceivers(new WatchReceiversRequest(), cancellationToken: timeout.Token);
        var watched = new HashSet<string>(StringComparer.Ordinal);
        while (watched.Count < 3 && await watch.ResponseStream.MoveNext(timeout.Token))
        {
            watched.Add($"{watch.ResponseStream.Current.Id}:{watch.ResponseStream.Current.Node}");
        }

        Assert.Equal(["gate:a", "truck:a", "walker-b:b"], watched.Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public async Task Subscriber_ForOneReceiver_NodeGetsOnlyThatReceiverFromTheCluster()
    {
        Skip.If(nats.Unavailable is not null, nats.Unavailable);
        string prefix = Prefix();
        await using ServiceFixture a = await Node(prefix, "a", ("truck", $"replay://{Seed}?speed=1&loop=true"), ("gate", $"replay://{Repo.Seed("park-gate-outage.nmea")}?speed=1&loop=true"));
        await using ServiceFixture b = await Node(prefix, "b", Walker);
        ClusterBridge bridge = b.Services.GetRequiredService<ClusterBridge>();

        var onB = new Positions.PositionsClient(b.Channel);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using AsyncServerStreamingCall<Position> stream = onB.StreamPositions(new StreamPositionsRequest { ReceiverIds = { "gate" } }, cancellationToken: timeout.Token);
        List<Position> seen = await Read(stream, 15, timeout.Token);

        Assert.All(seen, p => Assert.Equal("gate", p.ReceiverId));

        // What came over NATS is what the subscriber asked for: gate's complete positions, not
        // truck's (10 Hz, it would outnumber them), nor any early ones.
        long received = bridge.Received;
        Assert.InRange(received, seen.Count - 1, seen.Count + 3);
    }

    private static async Task<List<Position>> Read(AsyncServerStreamingCall<Position> call, int count, CancellationToken cancel)
    {
        var list = new List<Position>();
        while (list.Count < count && await call.ResponseStream.MoveNext(cancel))
        {
            list.Add(call.ResponseStream.Current);
        }

        return list;
    }

    private static ReceiverHost Host(ServiceFixture f) => f.Services.GetRequiredService<ReceiverHost>();

    private static string Prefix() => "t" + Guid.NewGuid().ToString("N")[..12];

    private Task<ServiceFixture> Node(string prefix, string node, params (string Id, string Source)[] receivers)
    {
        List<string> args = [$"--BeidouHub:Cluster:Nats={nats.Urls}", $"--BeidouHub:Cluster:NodeId={node}", $"--BeidouHub:Cluster:Prefix={prefix}"];
        for (int i = 0; i < receivers.Length; i++)
        {
            args.Add($"--BeidouHub:Receivers:{i}:Id={receivers[i].Id}");
            args.Add($"--BeidouHub:Receivers:{i}:Source={receivers[i].Source}");
        }

        return ServiceFixture.StartAsync([.. args]);
    }
}
