using System.Globalization;
using BeidouHub.Protocol.V1;
using BeidouHub.Service.History;
using BeidouHub.Service.Security;
using BeidouHub.Service.Tests.Security;
using BeidouHub.Service.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace BeidouHub.Service.Tests.History;

/// <summary>beidouhub.v1.History against the real service: what the live stream delivered, read back.</summary>
public sealed class HistoryServiceTests : IDisposable
{
    private static readonly Timestamp Day = Timestamp.FromDateTime(new DateTime(2026, 11, 27, 0, 0, 0, DateTimeKind.Utc));
    private static readonly Timestamp NextDay = Timestamp.FromDateTime(new DateTime(2026, 11, 28, 0, 0, 0, DateTimeKind.Utc));
    private static readonly CoordinateSystem[] AllCoordinates = [CoordinateSystem.Grid, CoordinateSystem.Park, CoordinateSystem.Gcj02, CoordinateSystem.Bd09];
    private readonly string _dir = Directory.CreateTempSubdirectory("beidouhub-history-").FullName;

    private string DbPath => Path.Combine(_dir, "history.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public Task QueryTrack_SeedFedThroughTheService_EveryEpochTheLiveStreamDelivered() =>
        RoundTripAsync(_dir, HistoryWriterTests.HistoryOn(DbPath));

    /// <summary>
    /// The round trip on a store: a seed fed through the service, its live streams compared with
    /// what the History API reads back (every epoch, every zone event, stays, thinning, PositionAt).
    /// </summary>
    internal static async Task RoundTripAsync(string dir, string[] history)
    {
        byte[] seed = await File.ReadAllBytesAsync(Repo.Seed("park-vehicle-rtk-10hz.nmea"));
        int expected = Api.PositionsServiceTests.Decode(seed, "truck").Count;
        string zones = Path.Combine(dir, "zones.geojson");
        await File.WriteAllTextAsync(zones, ZonesGeoJson);
        await using var feed = new ReceiverFeed();
        await using ServiceFixture service = await ServiceFixture.StartAsync(
        [
            "--BeidouHub:Receivers:0:Id=truck", $"--BeidouHub:Receivers:0:Source={feed.Uri}",
            "--BeidouHub:Geo:Park:OriginNorthing=3082900", "--BeidouHub:Geo:Park:OriginEasting=418000", $"--BeidouHub:ZonesFile={zones}",
            .. history,
        ]);
        var positions = new Positions.PositionsClient(service.Channel);
        var api = new Protocol.V1.History.HistoryClient(service.Channel);
        HistoryWriter writer = service.Services.GetRequiredService<HistoryWriter>();
        using var live = new StreamCollector<Position>(c => positions.StreamPositions(new StreamPositionsRequest { Coordinates = { AllCoordinates } }, cancellationToken: c));
        using var liveEvents = new StreamCollector<Protocol.V1.ZoneEvent>(c => positions.StreamZoneEvents(new StreamZoneEventsRequest(), cancellationToken: c));
        await Eventually.True(() => service.Hub.SubscriberCount == 4, "the two streams beside the writer's two subscriptions");
        await feed.AcceptAsync();

        await feed.SendAsync(seed);
        feed.Close();
        await Eventually.True(() => live.Count == expected && writer.Written == expected && writer.Buffered == 0, $"{expected} epochs streamed and stored (streamed {live.Count}, stored {writer.Written})", 60);

        List<Position> track = await ReadAll(api.QueryTrack(new QueryTrackRequest { ReceiverId = "truck", StartTime = Day, EndTime = NextDay, Coordinates = { AllCoordinates } }));
        Assert.Equal(expected, track.Count);
        Position[] streamed = [.. live.Items];
        for (int i = 0; i < streamed.Length; i++)
        {
            // What the history does not keep by design: the service's hand-out time and drop counts.
            Position l = streamed[i].Clone();
            l.PublishedAt = null;
            l.Dropped = 0;
            Assert.Equal(l, track[i]);
        }

        Assert.Contains(track, p => p.ZoneIds.Count > 0);
        Assert.Contains(track, p => p.Park is not null && p.Grid is not null && p.Gcj02 is not null && p.HasSigmaLatitudeM && p.HasCorrectionAgeS);
        Assert.Contains(track, p => !p.HasLatitude); // the seed's outage, kept as the no-fix epochs it streamed
        Protocol.V1.ZoneEvent[] events = [.. liveEvents.Items];
        Assert.NotEmpty(events);
        List<Protocol.V1.ZoneEvent> storedEvents = await ReadAll(api.QueryZoneEvents(new QueryZoneEventsRequest { StartTime = Day, EndTime = NextDay }));
        Assert.Equal(events, storedEvents);
        List<Protocol.V1.ZoneEvent> gateEvents = await ReadAll(api.QueryZoneEvents(new QueryZoneEventsRequest { ZoneIds = { "main-gate" }, StartTime = Day, EndTime = NextDay }));
        Assert.Equal(events.Where(e => e.ZoneId == "main-gate"), gateEvents);

        // ZoneOccupancy: one receiver, so its stays pair each Enter with the Exit after it.
        Protocol.V1.ZoneEvent[] enters = [.. events.Where(e => e.ZoneId == "main-gate" && e.Kind == ZoneEventKind.Enter)];
        Protocol.V1.ZoneEvent[] exits = [.. events.Where(e => e.ZoneId == "main-gate" && e.Kind == ZoneEventKind.Exit)];
        List<Protocol.V1.ZoneStay> stays = await ReadAll(api.ZoneOccupancy(new ZoneOccupancyRequest { ZoneId = "main-gate", StartTime = Day, EndTime = NextDay }));
        Assert.NotEmpty(exits);
        Assert.Equal(enters.Select(e => e.Time), stays.Select(s => s.Entered));
        Assert.Equal(exits.Select(e => e.Time), stays.Take(exits.Length).Select(s => s.Exited));
        Assert.All(stays, s => Assert.False(s.InsideAtStart));
        Assert.Equal(exits[0].Time.ToDateTime() - enters[0].Time.ToDateTime(), stays[0].Duration.ToTimeSpan());
        Timestamp during = Timestamp.FromDateTime(enters[0].Time.ToDateTime().AddSeconds(1));
        Protocol.V1.ZoneStay clipped = (await ReadAll(api.ZoneOccupancy(new ZoneOccupancyRequest { ZoneId = "main-gate", StartTime = during, EndTime = NextDay })))[0];
        Assert.True(clipped.InsideAtStart);
        Assert.Equal(during, clipped.Entered);
        Assert.Equal(exits[0].Time, clipped.Exited);

        List<Position> thinned = await ReadAll(api.QueryTrack(new QueryTrackRequest { ReceiverId = "truck", StartTime = Day, EndTime = NextDay, MaxPoints = 100 }));
        Assert.Equal(100, thinned.Count);
        Assert.Equal(track[0].Time, thinned[0].Time);
        Assert.Equal(track[30].Time, thinned[1].Time);

        // PositionAt: on an epoch, that epoch; half-way between two, the mean of their coordinates.
        Position a = track[1000];
        Position b = track[1001];
        PositionAtResponse exact = await api.PositionAtAsync(new PositionAtRequest { ReceiverIds = { "truck" }, Time = a.Time, Coordinates = { AllCoordinates } });
        HistoricPosition on = Assert.Single(exact.Positions);
        Assert.False(on.Interpolated);
        Assert.Equal(TimeSpan.Zero, on.Gap.ToTimeSpan());
        Assert.Equal(a, on.Position);
        DateTime mid = a.Time.ToDateTime() + ((b.Time.ToDateTime() - a.Time.ToDateTime()) / 2);
        HistoricPosition between = Assert.Single((await api.PositionAtAsync(new PositionAtRequest { ReceiverIds = { "truck", "nobody" }, Time = Timestamp.FromDateTime(mid), Coordinates = { AllCoordinates } })).Positions);
        Assert.True(between.Interpolated);
        Assert.Equal(TimeSpan.FromMilliseconds(50), between.Gap.ToTimeSpan());
        Assert.Equal(Timestamp.FromDateTime(mid), between.Position.Time);
        Assert.Equal((a.Latitude + b.Latitude) / 2, between.Position.Latitude, 1e-12);
        Assert.Equal((a.Longitude + b.Longitude) / 2, between.Position.Longitude, 1e-12);
        Assert.Equal((a.Park.East + b.Park.East) / 2, between.Position.Park.East, 1e-9);
        Assert.Equal((a.Grid.Northing + b.Grid.Northing) / 2, between.Position.Grid.Northing, 1e-9);
        PositionAtResponse far = await api.PositionAtAsync(new PositionAtRequest { ReceiverIds = { "truck" }, Time = NextDay, MaxGap = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)) });
        Assert.Empty(far.Positions);
        Assert.Null(live.Ended);
    }

    [Fact]
    public async Task QueryTrack_ApplicationScopedToOneReceiver_PermissionDeniedForAnother()
    {
        (string key, string hash) = ApiKey.Generate();
        (string zonesKey, string zonesHash) = ApiKey.Generate();
        await using ServiceFixture service = await ServiceFixture.StartAsync(
        [
            "--BeidouHub:Receivers:0:Id=truck", "--BeidouHub:Receivers:0:Source=sim://?fleet=2&rate=10",
            .. HistoryWriterTests.HistoryOn(DbPath),
            .. Credentials.Application(0, "logistics", [hash], receivers: ["truck-0"], rpcs: ["positions"], coordinates: ["park"]),
            .. Credentials.Application(1, "yard", [zonesHash], receivers: ["truck-1"], rpcs: ["zones"], coordinates: ["*"], zones: ["*"]),
        ]);
        var history = new Protocol.V1.History.HistoryClient(service.Channel);
        HistoryWriter writer = service.Services.GetRequiredService<HistoryWriter>();
        await Eventually.True(() => writer.Written >= 20, "positions of both receivers stored");
        var now = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(1));
        var start = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddYears(-5));

        StatusCode other = await Credentials.StatusOf(() => ReadAll(history.QueryTrack(new QueryTrackRequest { ReceiverId = "truck-1", StartTime = start, EndTime = now }, Credentials.Bearer(key))));
        StatusCode otherAt = await Credentials.StatusOf(() => history.PositionAtAsync(new PositionAtRequest { ReceiverIds = { "truck-0", "truck-1" }, Time = now }, Credentials.Bearer(key)).ResponseAsync);
        StatusCode geodetic = await Credentials.StatusOf(() => ReadAll(history.QueryTrack(new QueryTrackRequest { ReceiverId = "truck-0", StartTime = start, EndTime = now, Coordinates = { CoordinateSystem.Grid } }, Credentials.Bearer(key))));
        StatusCode zonesWithoutRpc = await Credentials.StatusOf(() => ReadAll(history.QueryZoneEvents(new QueryZoneEventsRequest { StartTime = start, EndTime = now }, Credentials.Bearer(key))));
        StatusCode occupancyWithoutRpc = await Credentials.StatusOf(() => ReadAll(history.ZoneOccupancy(new ZoneOccupancyRequest { ZoneId = "main-gate", StartTime = start, EndTime = now }, Credentials.Bearer(key))));
        StatusCode trackWithoutRpc = await Credentials.StatusOf(() => ReadAll(history.QueryTrack(new QueryTrackRequest { ReceiverId = "truck-1", StartTime = start, EndTime = now }, Credentials.Bearer(zonesKey))));
        List<Position> own = await ReadAll(history.QueryTrack(new QueryTrackRequest { ReceiverId = "truck-0", StartTime = start, EndTime = now, Coordinates = { CoordinateSystem.Park } }, Credentials.Bearer(key)));

        Assert.Equal(StatusCode.PermissionDenied, other);
        Assert.Equal(StatusCode.PermissionDenied, otherAt);
        Assert.Equal(StatusCode.PermissionDenied, geodetic);
        Assert.Equal(StatusCode.PermissionDenied, zonesWithoutRpc);
        Assert.Equal(StatusCode.PermissionDenied, trackWithoutRpc);
        Assert.Equal(StatusCode.PermissionDenied, occupancyWithoutRpc);
        Assert.NotEmpty(own);
        Assert.All(own, p => Assert.Equal("truck-0", p.ReceiverId));
        Assert.All(own, p => Assert.False(p.HasLatitude || p.HasLongitude)); // geodetic not in its scope, as on the live stream
    }

    [Fact]
    public async Task QueryTrack_HistoryOffOrBadRange_SaysWhy()
    {
        await using ServiceFixture service = await ServiceFixture.StartAsync("--BeidouHub:Receivers:0:Id=truck", "--BeidouHub:Receivers:0:Source=sim://");
        var history = new Protocol.V1.History.HistoryClient(service.Channel);

        RpcException off = await Assert.ThrowsAsync<RpcException>(() => ReadAll(history.QueryTrack(new QueryTrackRequest { ReceiverId = "truck", StartTime = Day })));
        RpcException backwards = await Assert.ThrowsAsync<RpcException>(() => ReadAll(history.QueryTrack(new QueryTrackRequest { ReceiverId = "truck", StartTime = NextDay, EndTime = Day })));
        RpcException noStart = await Assert.ThrowsAsync<RpcException>(() => ReadAll(history.QueryTrack(new QueryTrackRequest { ReceiverId = "truck" })));

        Assert.Equal(StatusCode.FailedPrecondition, off.StatusCode);
        Assert.Contains("BeidouHub:History:Enabled=false", off.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, backwards.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, noStart.StatusCode);
    }

    private static async Task<List<T>> ReadAll<T>(AsyncServerStreamingCall<T> call)
    {
        using (call)
        {
            var list = new List<T>();
            await foreach (T item in call.ResponseStream.ReadAllAsync())
            {
                list.Add(item);
            }

            return list;
        }
    }

    // The embedded default's two zones (ServiceSetup.DefaultZones) on the seed's park loop.
    private static string ZonesGeoJson => "{\"type\":\"FeatureCollection\",\"features\":[" + Box("main-gate", 27.8580, 113.1680, 40) + "," + Box("loading-dock", 27.8618, 113.1728, 60) + "]}";

    private static string Box(string id, double lat, double lon, double halfMetres)
    {
        double dLat = halfMetres / 111_320.0;
        double dLon = halfMetres / (111_320.0 * Math.Cos(lat * Math.PI / 180));
        string P(double x, double y) => string.Create(CultureInfo.InvariantCulture, $"[{x},{y}]");
        return $"{{\"type\":\"Feature\",\"id\":\"{id}\",\"properties\":{{}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[{P(lon - dLon, lat - dLat)},{P(lon + dLon, lat - dLat)},{P(lon + dLon, lat + dLat)},{P(lon - dLon, lat + dLat)},{P(lon - dLon, lat - dLat)}]]}}}}";
    }
}
