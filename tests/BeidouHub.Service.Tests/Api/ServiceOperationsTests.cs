using BeidouHub.Protocol.V1;
using BeidouHub.Service.Tests.Support;
using BeidouHub.Service.Verbs;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Microsoft.Extensions.Time.Testing;

namespace BeidouHub.Service.Tests.Api;

public class ServiceOperationsTests
{
    [Fact]
    public async Task Health_AfterStart_Serving()
    {
        await using ServiceFixture service = await ServiceFixture.StartAsync("--BeidouHub:Receivers:0:Id=sim", "--BeidouHub:Receivers:0:Source=sim://?rate=1");
        var health = new Health.HealthClient(service.Channel);

        await Eventually.True(() => service.Hub.Running, "hub running");
        HealthCheckResponse response = await health.CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Reflection_ListServices_NamesBeidouhubV1()
    {
        await using ServiceFixture service = await ServiceFixture.StartAsync("--BeidouHub:Receivers:0:Id=sim", "--BeidouHub:Receivers:0:Source=sim://?rate=1");
        var reflection = new ServerReflection.ServerReflectionClient(service.Channel);
        using var call = reflection.ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());

        List<string> names = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("beidouhub.v1.Positions", names);
        Assert.Contains("beidouhub.v1.Receivers", names);
        Assert.Contains("grpc.health.v1.Health", names);
    }

    [Fact]
    public async Task ListReceivers_TwoReceivers_StateAndStatistics()
    {
        await using var feed = new ReceiverFeed();
        await using ServiceFixture service = await ServiceFixture.StartAsync(
            "--BeidouHub:Receivers:0:Id=gate", $"--BeidouHub:Receivers:0:Source={feed.Uri}",
            "--BeidouHub:Receivers:1:Id=nowhere", "--BeidouHub:Receivers:1:Source=tcp://127.0.0.1:9");
        await feed.AcceptAsync();
        await feed.SendAsync(PositionsServiceTests.Track(27.8280));
        var client = new Protocol.V1.Receivers.ReceiversClient(service.Channel);

        ListReceiversResponse list = null!;
        await Eventually.True(() =>
        {
            list = client.ListReceivers(new ListReceiversRequest());
            return list.Receivers.Single(r => r.Id == "gate").Epochs >= 59;
        }, "epochs counted");

        ReceiverStatus gate = list.Receivers.Single(r => r.Id == "gate");
        Assert.Equal(ConnectionState.Connected, gate.State);
        Assert.Equal(60UL * 7, gate.Sentences);
        Assert.Equal(60UL, gate.SentencesByType["GGA"]);
        Assert.Equal(120UL, gate.SentencesByTalker["GB"]);
        Assert.Equal(4U, gate.LastFixQuality);
        ReceiverStatus nowhere = list.Receivers.Single(r => r.Id == "nowhere");
        Assert.Contains(nowhere.State, new[] { ConnectionState.Disconnected, ConnectionState.Connecting });
    }

    [Fact]
    public async Task WatchReceivers_ReceiverGoesAway_StreamsTheChange()
    {
        await using var feed = new ReceiverFeed();
        await using ServiceFixture service = await ServiceFixture.StartAsync("--BeidouHub:Receivers:0:Id=gate", $"--BeidouHub:Receivers:0:Source={feed.Uri}");
        await feed.AcceptAsync();
        var client = new Protocol.V1.Receivers.ReceiversClient(service.Channel);
        using var call = client.WatchReceivers(new WatchReceiversRequest());
        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Equal("gate", call.ResponseStream.Current.Id);

        feed.Close();

        var states = new List<ConnectionState>();
        while (!states.Contains(ConnectionState.Disconnected) && await call.ResponseStream.MoveNext())
        {
            states.Add(call.ResponseStream.Current.State);
        }

        Assert.Contains(ConnectionState.Disconnected, states);
    }

    [Fact]
    public async Task WatchReceivers_NoChange_RefreshedOnTheServiceClock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 3, 0, 0, TimeSpan.Zero));
        await using var feed = new ReceiverFeed();
        await using ServiceFixture service = await ServiceFixture.StartAsync(time,
            "--BeidouHub:Receivers:0:Id=gate", $"--BeidouHub:Receivers:0:Source={feed.Uri}", "--BeidouHub:Receivers:0:StaleAfter=01:00:00");
        await feed.AcceptAsync();
        var client = new Protocol.V1.Receivers.ReceiversClient(service.Channel);
        await Eventually.True(() => client.ListReceivers(new ListReceiversRequest()).Receivers.Single().State == ConnectionState.Connected, "connected");
        using var call = client.WatchReceivers(new WatchReceiversRequest());
        Assert.True(await call.ResponseStream.MoveNext()); // every receiver's status first

        // Nothing changes; the refresh (every 5 s) comes when the service's clock moves. A deadline
        // shorter than 5 s of the real clock tells the two apart.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(4));
        Task<bool> next = call.ResponseStream.MoveNext(deadline.Token);
        while (!next.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(next, Task.Delay(20));
        }

        Assert.True(await next);
        Assert.Equal(("gate", ConnectionState.Connected), (call.ResponseStream.Current.Id, call.ResponseStream.Current.State));
    }

    [Fact]
    public async Task StreamSkyAndZoneEvents_TruckDrivesIntoYard_SkyPerEpochAndOneEnter()
    {
        await using var feed = new ReceiverFeed();
        await using ServiceFixture service = await ServiceFixture.StartAsync(
            "--BeidouHub:Receivers:0:Id=truck", $"--BeidouHub:Receivers:0:Source={feed.Uri}",
            "--BeidouHub:Geo:ZoneConfirmEpochs=2", "--BeidouHub:Geo:ZoneMarginMetres=1",
            "--BeidouHub:Zones:0:Id=yard",
            "--BeidouHub:Zones:0:Polygons:0:0:0:0=113.13430", "--BeidouHub:Zones:0:Polygons:0:0:0:1=27.80",
            "--BeidouHub:Zones:0:Polygons:0:0:1:0=113.14000", "--BeidouHub:Zones:0:Polygons:0:0:1:1=27.80",
            "--BeidouHub:Zones:0:Polygons:0:0:2:0=113.14000", "--BeidouHub:Zones:0:Polygons:0:0:2:1=27.85",
            "--BeidouHub:Zones:0:Polygons:0:0:3:0=113.13430", "--BeidouHub:Zones:0:Polygons:0:0:3:1=27.85");
        var client = new Positions.PositionsClient(service.Channel);
        using var sky = client.StreamSky(new StreamSkyRequest { ReceiverIds = { "truck" } });
        using var events = client.StreamZoneEvents(new StreamZoneEventsRequest { ZoneIds = { "yard" } });
        await Eventually.True(() => service.Hub.SubscriberCount == 2, "subscribed");
        await feed.AcceptAsync();

        await feed.SendAsync(PositionsServiceTests.Track(27.8280));

        Assert.True(await events.ResponseStream.MoveNext());
        ZoneEvent enter = events.ResponseStream.Current;
        Assert.Equal((ZoneEventKind.Enter, "truck", "yard"), (enter.Kind, enter.ReceiverId, enter.ZoneId));
        Assert.True(await sky.ResponseStream.MoveNext());
        SkyView view = sky.ResponseStream.Current;
        Assert.Equal(6, view.Satellites.Count);
        Assert.All(view.Satellites, s => Assert.Equal(Constellation.Beidou, s.Constellation));
        Assert.Equal(6U, view.Used.Beidou);
    }

    [Theory]
    [InlineData("--BeidouHub:Receivers:0:Id=a|--BeidouHub:Receivers:0:Source=ftp://x", "BeidouHub:Receivers:0 (a): 'ftp://x': unknown scheme 'ftp'")]
    [InlineData("--BeidouHub:Receivers:0:Id=a|--BeidouHub:Receivers:0:Source=sim://|--BeidouHub:Receivers:1:Id=a|--BeidouHub:Receivers:1:Source=sim://", "duplicate receiver id 'a'")]
    [InlineData("--BeidouHub:Receivers:0:Id=a|--BeidouHub:Receivers:0:Source=replay:///no/such.nmea", "not found")]
    [InlineData("--BeidouHub:Receivers:0:Id=a|--BeidouHub:Receivers:0:Source=sim://|--BeidouHub:Zones:0:Id=", "BeidouHub:Zones:")]
    [InlineData("--BeidouHub:Receivers:0:Id=a|--BeidouHub:Receivers:0:Source=sim://|--BeidouHub:Geo:GridEpsg=3857", "BeidouHub:Geo:GridEpsg")]
    [InlineData("--BeidouHub:Receivers:0:Id=a|--BeidouHub:Receivers:0:Source=sim://|--BeidouHub:Listen=ftp://x", "BeidouHub:Listen")]
    [InlineData("--BeidouHub:Receivers:0:Id=a|--BeidouHub:Receivers:0:Source=sim://|--BeidouHub:Geo:Grid:Wkt=PROJCS[\"half", "BeidouHub:Geo:Grid:Wkt: not a WKT coordinate system ProjNET can read")]
    [InlineData("--BeidouHub:Receivers:0:Id=a|--BeidouHub:Receivers:0:Source=sim://|--BeidouHub:Geo:Grid:Wkt=GEOGCS[\"CGCS2000\",DATUM[\"China_2000\",SPHEROID[\"CGCS2000\",6378137,298.257222101]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]]", "BeidouHub:Geo:Grid:Wkt: 'CGCS2000' is a geographic CRS (GEOGCS)")]
    [InlineData("--BeidouHub:Receivers:0:Id=a|--BeidouHub:Receivers:0:Source=sim://|--BeidouHub:Geo:Grid:Epsg=4547|--BeidouHub:Geo:Grid:Wkt=PROJCS[]", "BeidouHub:Geo:Grid: give one of Epsg, Wkt, WktFile or the parameters, not Epsg and Wkt")]
    public async Task Serve_BadConfiguration_ExitsNonZeroWithOneClearLine(string args, string message)
    {
        var stderr = new StringWriter();

        int exit = await ServeVerb.RunAsync(args.Split('|'), stderr);

        Assert.Equal(1, exit);
        string[] lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string line = Assert.Single(lines);
        Assert.StartsWith("beidouhub: ", line, StringComparison.Ordinal);
        Assert.Contains(message, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_RunningService_OneCompactLinePerPosition()
    {
        await using var feed = new ReceiverFeed();
        await using ServiceFixture service = await ServiceFixture.StartAsync("--BeidouHub:Receivers:0:Id=truck-7", $"--BeidouHub:Receivers:0:Source={feed.Uri}");
        await feed.AcceptAsync();
        var stdout = new StringWriter();
        Task<int> watch = WatchVerb.RunAsync(["--url", service.Address.ToString(), "--min-quality", "fixed", "--count", "3"], stdout, new StringWriter(), CancellationToken.None);
        await Eventually.True(() => service.Hub.SubscriberCount == 1, "watch subscribed");

        await feed.SendAsync(PositionsServiceTests.Track(27.8280));

        Assert.Equal(0, await watch.WaitAsync(TimeSpan.FromSeconds(30)));
        string[] lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.Contains(" truck-7 ", l, StringComparison.Ordinal));
        Assert.All(lines, l => Assert.Contains("RTK-fixed q4", l, StringComparison.Ordinal));
        Assert.All(lines, l => Assert.Matches(@"27\.8280000 +113\.134\d{4} .*N 30\d{5}\.\d{3} E 4\d{5}\.\d{3} used BDS 6 GPS 0 other 0", l));
        Assert.StartsWith("2026-11-27T03:00:03.000Z", lines[0], StringComparison.Ordinal);
    }
}
