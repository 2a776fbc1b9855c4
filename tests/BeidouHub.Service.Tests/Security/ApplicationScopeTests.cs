using BeidouHub.Protocol.V1;
using BeidouHub.Service.Api;
using BeidouHub.Service.Hub;
using BeidouHub.Service.Security;
using BeidouHub.Service.Tests.Hub;
using BeidouHub.Service.Tests.Support;
using Google.Protobuf.Collections;
using Grpc.Core;

namespace BeidouHub.Service.Tests.Security;

public class ApplicationScopeTests
{
    private static ApplicationScope Scope(string[] receivers, string[]? zones = null, CoordinateParts coordinates = CoordinateParts.All, double maxRateHz = 0) =>
        new("logistics", IdScope.From(receivers), IdScope.From(zones ?? []), ApiParts.All, coordinates, maxRateHz, expiresAt: null);

    private static RepeatedField<string> Ids(params string[] ids) => [.. ids];

    [Fact]
    public void ReceiversOf_NamedInScope_ThoseExactly()
    {
        ScopedIds ids = Scope(["truck-*"]).ReceiversOf(Ids("truck-1", "truck-2"));

        Assert.Equal(["truck-1", "truck-2"], ids.Ids);
        Assert.Null(ids.Matches);
    }

    [Fact]
    public void ReceiversOf_OneNamedOutOfScope_PermissionDeniedNamingIt()
    {
        RpcException e = Assert.Throws<RpcException>(() => Scope(["truck-*"]).ReceiversOf(Ids("truck-1", "gate-1")));

        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        Assert.Equal("application 'logistics' may not see receiver 'gate-1'", e.Status.Detail);
    }

    [Fact]
    public void ReceiversOf_NoneNamedPatternScope_PredicateForLaterReceiversToo()
    {
        ScopedIds ids = Scope(["truck-*", "gate-1"]).ReceiversOf(Ids());

        Assert.Empty(ids.Ids);
        Assert.NotNull(ids.Matches);
        Assert.True(ids.Matches("truck-4711"));
        Assert.True(ids.Matches("gate-1"));
        Assert.False(ids.Matches("gate-2"));
    }

    [Fact]
    public void ReceiversOf_NoneNamedExactScope_TheScopesSet()
    {
        ScopedIds ids = Scope(["gate-2", "gate-1"]).ReceiversOf(Ids());

        Assert.Equal(["gate-1", "gate-2"], ids.Ids.Order(StringComparer.Ordinal));
        Assert.Null(ids.Matches);
    }

    [Fact]
    public void ReceiversOf_NoneNamedStarScope_NoFilter()
    {
        ScopedIds ids = Scope(["*"]).ReceiversOf(Ids());

        Assert.Empty(ids.Ids);
        Assert.Null(ids.Matches);
        Assert.Null(ids.Predicate());
    }

    [Fact]
    public void ReceiversOf_EmptyScope_PermissionDeniedNotAnEmptyStream()
    {
        RpcException e = Assert.Throws<RpcException>(() => Scope([]).ReceiversOf(Ids()));

        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
    }

    [Fact]
    public void ReceiversOf_TooManyOrTooLong_InvalidArgument()
    {
        ApplicationScope scope = Scope(["*"]);

        RpcException many = Assert.Throws<RpcException>(() => scope.ReceiversOf(Ids([.. Enumerable.Range(0, ApplicationScope.MaxIdsPerRequest + 1).Select(i => $"r{i}")])));
        RpcException longId = Assert.Throws<RpcException>(() => scope.ReceiversOf(Ids(new string('r', ApplicationScope.MaxIdLength + 1))));

        Assert.Equal(StatusCode.InvalidArgument, many.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, longId.StatusCode);
        Assert.Equal(ApplicationScope.MaxIdsPerRequest, scope.ReceiversOf(Ids([.. Enumerable.Range(0, ApplicationScope.MaxIdsPerRequest).Select(i => $"r{i}")])).Ids.Count);
    }

    [Fact]
    public void ZonesOf_NoneNamedNoZonesInScope_PermissionDenied()
    {
        Assert.Equal(StatusCode.PermissionDenied, Assert.Throws<RpcException>(() => Scope(["*"]).ZonesOf(Ids())).StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, Assert.Throws<RpcException>(() => Scope(["*"], ["yard"]).RequireZones(Ids("dock"))).StatusCode);
        Scope(["*"], ["yard"]).RequireZones(Ids("yard"));
        Scope(["*"]).RequireZones(Ids());
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(0, 5, 5)]
    [InlineData(2, 0, 2)]
    [InlineData(2, 5, 2)]
    [InlineData(2, 1, 1)]
    public void CapRate_RequestAndMaximum_TheLower(double max, double requested, double expected)
    {
        Assert.Equal(expected, Scope(["*"], maxRateHz: max).CapRate(requested));
    }

    [Fact]
    public void ShapeOf_ParkOnlyScope_ParkAllowedLatLonLeftOutGridDenied()
    {
        ApplicationScope scope = Scope(["*"], ["yard"], CoordinateParts.Park);

        PositionShape shape = scope.ShapeOf([CoordinateSystem.Park], satellites: true);
        RpcException grid = Assert.Throws<RpcException>(() => scope.ShapeOf([CoordinateSystem.Park, CoordinateSystem.Grid], false));

        Assert.True(shape.Park);
        Assert.False(shape.Geodetic);
        Assert.Same(scope.Zones, shape.Zones);
        Assert.Equal(StatusCode.PermissionDenied, grid.StatusCode);
        Assert.Equal("application 'logistics' may not see grid coordinates (its scope: park)", grid.Status.Detail);
    }

    [Fact]
    public void ShapeOf_AllCoordinatesAllZones_TheOpenShape()
    {
        PositionShape shape = Scope(["*"], ["*"]).ShapeOf([CoordinateSystem.Grid], satellites: false);

        Assert.Equal(PositionShape.From([CoordinateSystem.Grid], false), shape);
        Assert.True(shape.Geodetic);
        Assert.Null(shape.Zones);
    }

    [Fact]
    public void ToProto_ShapeWithoutGeodeticNarrowZones_NoLatLonOnlyScopedZoneIds()
    {
        PositionUpdate u = PositionHubTests.Update("truck-1", 1, complete: true, zones: ["yard", "dock"]) with { Park = new Geo.ParkPoint(10, 20) };
        PositionShape shape = Scope(["*"], ["yard"], CoordinateParts.Park).ShapeOf([CoordinateSystem.Park], satellites: false);

        Position p = ProtoMapping.ToProto(u, shape, dropped: 0);
        Position open = ProtoMapping.ToProto(u, PositionShape.From([CoordinateSystem.Park], false), dropped: 0);

        Assert.False(p.HasLatitude);
        Assert.False(p.HasLongitude);
        Assert.Equal(10, p.Park.East);
        Assert.Equal(["yard"], p.ZoneIds);
        Assert.True(open.HasLatitude && open.HasLongitude);
        Assert.Equal(["yard", "dock"], open.ZoneIds);
    }

    [Fact]
    public void Accepts_PatternScopeFilter_ReceiverSeenForTheFirstTimeIncluded()
    {
        ScopedIds ids = Scope(["truck-*"]).ReceiversOf(Ids());
        var filter = new PositionFilter(ids.Ids, [], 0, 0, early: false, ids.Matches);

        Assert.True(filter.Accepts(PositionHubTests.Update("truck-4711", 1, complete: true)));
        Assert.False(filter.Accepts(PositionHubTests.Update("gate-1", 1, complete: true)));
        Assert.False(filter.AcceptsSnapshot(PositionHubTests.Update("gate-1", 1, complete: true)));
    }

    [Fact]
    public void Accepts_ScopeGivenWithNamedReceivers_NamedOnesRule()
    {
        var filter = new PositionFilter(["gate-1"], [], 0, 0, early: false, receiverScope: _ => true);

        Assert.False(filter.Accepts(PositionHubTests.Update("truck-1", 1, complete: true)));
        Assert.True(filter.Accepts(PositionHubTests.Update("gate-1", 1, complete: true)));
    }

    [Fact]
    public void Accepts_PatternScopeFilter_AllocatesNothingPerUpdate()
    {
        ScopedIds ids = Scope(["truck-*", "crane-?"]).ReceiversOf(Ids());
        var filter = new PositionFilter(ids.Ids, [], 0, 0, early: false, ids.Matches);
        PositionUpdate[] updates = [PositionHubTests.Update("truck-17", 1, true), PositionHubTests.Update("gate-3", 1, true), PositionHubTests.Update("crane-4", 1, true)];
        int accepted = 0;
        for (int i = 0; i < 300; i++)
        {
            accepted += filter.Accepts(updates[i % 3]) ? 1 : 0;
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 3000; i++)
        {
            accepted += filter.Accepts(updates[i % 3]) ? 1 : 0;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(2200, accepted);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public async Task StreamPositions_TwoApplicationsDisjointScopes_EachSeesOnlyItsOwn()
    {
        (string logistics, string logisticsHash) = ApiKey.Generate();
        (string security, string securityHash) = ApiKey.Generate();
        await using ServiceFixture service = await ServiceFixture.StartAsync(
        [
            "--BeidouHub:Receivers:0:Id=truck", "--BeidouHub:Receivers:0:Source=sim://?fleet=3&rate=20",
            "--BeidouHub:Receivers:1:Id=gate", "--BeidouHub:Receivers:1:Source=sim://?fleet=3&rate=20&seed=2",
            "--BeidouHub:Geo:Park:OriginNorthing=3082900", "--BeidouHub:Geo:Park:OriginEasting=418000",
            .. Credentials.Application(0, "logistics", [logisticsHash], receivers: ["truck-*"], rpcs: ["positions", "receivers", "sky"], coordinates: ["*"]),
            .. Credentials.Application(1, "security", [securityHash], receivers: ["gate-0", "gate-1", "gate-2"], rpcs: ["positions", "receivers"], coordinates: ["park"]),
        ]);
        var positions = new Positions.PositionsClient(service.Channel);
        var receivers = new Protocol.V1.Receivers.ReceiversClient(service.Channel);

        using var logisticsStream = new StreamCollector<Position>(c => positions.StreamPositions(new StreamPositionsRequest(), Credentials.Bearer(logistics), cancellationToken: c));
        using var securityStream = new StreamCollector<Position>(c => positions.StreamPositions(new StreamPositionsRequest { Coordinates = { CoordinateSystem.Park } }, Credentials.Bearer(security), cancellationToken: c));
        using var logisticsSky = new StreamCollector<SkyView>(c => positions.StreamSky(new StreamSkyRequest(), Credentials.Bearer(logistics), cancellationToken: c));
        await Eventually.True(() => logisticsStream.Count >= 300 && securityStream.Count >= 300 && logisticsSky.Count >= 100, "300 positions for each application", 60);
        GetLatestPositionsResponse logisticsLatest = await positions.GetLatestPositionsAsync(new GetLatestPositionsRequest(), Credentials.Bearer(logistics));
        GetLatestPositionsResponse securityLatest = await positions.GetLatestPositionsAsync(new GetLatestPositionsRequest { Coordinates = { CoordinateSystem.Park } }, Credentials.Bearer(security));
        ListReceiversResponse logisticsReceivers = await receivers.ListReceiversAsync(new ListReceiversRequest(), Credentials.Bearer(logistics));
        ListReceiversResponse securityReceivers = await receivers.ListReceiversAsync(new ListReceiversRequest(), Credentials.Bearer(security));

        Assert.Equal(["truck-0", "truck-1", "truck-2"], logisticsStream.Items.Select(p => p.ReceiverId).Distinct().Order());
        Assert.Equal(["gate-0", "gate-1", "gate-2"], securityStream.Items.Select(p => p.ReceiverId).Distinct().Order());
        Assert.All(logisticsSky.Items, s => Assert.StartsWith("truck-", s.ReceiverId, StringComparison.Ordinal));
        Assert.Contains(logisticsStream.Items, p => p.HasLatitude);
        Assert.All(securityStream.Items, p => Assert.False(p.HasLatitude || p.HasLongitude));
        Assert.Contains(securityStream.Items, p => p.Park is not null);
        Assert.Equal(["truck-0", "truck-1", "truck-2"], logisticsLatest.Positions.Select(p => p.ReceiverId));
        Assert.Equal(["gate-0", "gate-1", "gate-2"], securityLatest.Positions.Select(p => p.ReceiverId));
        Assert.All(securityLatest.Positions, p => Assert.False(p.HasLatitude));
        Assert.Equal(["truck-0", "truck-1", "truck-2"], logisticsReceivers.Receivers.Select(r => r.Id).Order());
        Assert.Equal(["gate-0", "gate-1", "gate-2"], securityReceivers.Receivers.Select(r => r.Id).Order());
        Assert.Null(logisticsStream.Ended);
        Assert.Null(securityStream.Ended);
    }

    [Fact]
    public async Task StreamZoneEvents_ScopedZonesAndReceivers_OnlyThoseEventsWithoutParkPosition()
    {
        (string key, string hash) = ApiKey.Generate();
        await using var feedA = new ReceiverFeed();
        await using var feedB = new ReceiverFeed();
        await using ServiceFixture service = await ServiceFixture.StartAsync(
        [
            "--BeidouHub:Receivers:0:Id=truck-a", $"--BeidouHub:Receivers:0:Source={feedA.Uri}",
            "--BeidouHub:Receivers:1:Id=truck-b", $"--BeidouHub:Receivers:1:Source={feedB.Uri}",
            "--BeidouHub:Geo:ZoneConfirmEpochs=1", "--BeidouHub:Geo:ZoneMarginMetres=0",
            .. Yard("yard", 0), .. Yard("yard-b", 1),
            .. Credentials.Application(0, "yard-office", [hash], receivers: ["truck-a"], rpcs: ["zones", "positions"], coordinates: ["geodetic"], zones: ["yard"]),
        ]);
        var positions = new Positions.PositionsClient(service.Channel);
        using var events = new StreamCollector<ZoneEvent>(c => positions.StreamZoneEvents(new StreamZoneEventsRequest(), Credentials.Bearer(key), cancellationToken: c));
        using var stream = new StreamCollector<Position>(c => positions.StreamPositions(new StreamPositionsRequest(), Credentials.Bearer(key), cancellationToken: c));
        await Eventually.True(() => service.Hub.SubscriberCount == 2, "both subscriptions");
        await feedA.AcceptAsync();
        await feedB.AcceptAsync();

        await Task.WhenAll(feedA.SendAsync(Api.PositionsServiceTests.Track(27.8280)), feedB.SendAsync(Api.PositionsServiceTests.Track(27.8290)));
        feedA.Close();
        feedB.Close();
        await Eventually.True(() => stream.Count == 60, "truck-a's 60 positions");
        await Eventually.True(() => events.Count >= 1, "truck-a entering the yard");
        await Task.Delay(200); // let any wrongly accepted event arrive

        ZoneEvent e = Assert.Single(events.Items);
        Assert.Equal(("truck-a", "yard", ZoneEventKind.Enter), (e.ReceiverId, e.ZoneId, e.Kind));
        Assert.Null(e.Position);
        Assert.All(stream.Items, p => Assert.Equal("truck-a", p.ReceiverId));
        Assert.Contains(stream.Items, p => p.ZoneIds.Count > 0);
        Assert.All(stream.Items, p => Assert.DoesNotContain("yard-b", p.ZoneIds));
    }

    // The yard of PositionsServiceTests: east of 113.13430 E, where the tracks drive in their second half.
    private static string[] Yard(string id, int index) =>
    [
        $"--BeidouHub:Zones:{index}:Id={id}",
        $"--BeidouHub:Zones:{index}:Polygons:0:0:0:0=113.13430", $"--BeidouHub:Zones:{index}:Polygons:0:0:0:1=27.80",
        $"--BeidouHub:Zones:{index}:Polygons:0:0:1:0=113.14000", $"--BeidouHub:Zones:{index}:Polygons:0:0:1:1=27.80",
        $"--BeidouHub:Zones:{index}:Polygons:0:0:2:0=113.14000", $"--BeidouHub:Zones:{index}:Polygons:0:0:2:1=27.85",
        $"--BeidouHub:Zones:{index}:Polygons:0:0:3:0=113.13430", $"--BeidouHub:Zones:{index}:Polygons:0:0:3:1=27.85",
    ];
}
