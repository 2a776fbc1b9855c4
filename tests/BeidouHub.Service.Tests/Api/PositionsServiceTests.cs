using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using BeidouHub.Protocol.V1;
using BeidouHub.Receiver.Decoding;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Service.Tests.Support;
using Grpc.Core;

namespace BeidouHub.Service.Tests.Api;

/// <summary>StreamPositions and GetLatestPositions against the real service on a loopback port.</summary>
public class PositionsServiceTests
{
    [Fact]
    public async Task StreamPositions_SeedFedThroughServe_ExactlyTheEpochsDecodeGives()
    {
        byte[] seed = await File.ReadAllBytesAsync(Repo.Seed("park-gate-outage.nmea"));
        List<Epoch> expected = Decode(seed, "gate");
        await using var feed = new ReceiverFeed();
        await using ServiceFixture service = await ServiceFixture.StartAsync($"--BeidouHub:Receivers:0:Id=gate", $"--BeidouHub:Receivers:0:Source={feed.Uri}");
        var client = new Positions.PositionsClient(service.Channel);
        using var call = client.StreamPositions(new StreamPositionsRequest());
        var received = new List<Position>();
        Task reading = Task.Run(async () =>
        {
            await foreach (Position p in call.ResponseStream.ReadAllAsync())
            {
                received.Add(p);
                if (received.Count == expected.Count)
                {
                    return;
                }
            }
        });
        await Eventually.True(() => service.Hub.SubscriberCount == 1, "the subscription");
        await feed.AcceptAsync();

        await feed.SendAsync(seed);
        feed.Close(); // the receiver goes away: its last epoch is handed out
        await reading.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(expected.Count, received.Count);
        Assert.Equal(expected.Select(e => (ulong)e.Sequence), received.Select(p => p.Sequence));
        Assert.Equal(expected.Select(e => e.UtcTime), received.Select(p => (DateTime?)p.Time?.ToDateTime()));
        Assert.Equal(expected.Select(e => e.Latitude), received.Select(p => p.HasLatitude ? p.Latitude : (double?)null));
        Assert.Equal(expected.Select(e => e.Longitude), received.Select(p => p.HasLongitude ? p.Longitude : (double?)null));
        Assert.Equal(expected.Select(e => (uint)(e.Quality ?? 0)), received.Select(p => p.Quality));
        Assert.All(received, p => Assert.Equal("gate", p.ReceiverId));
        Assert.All(received, p => Assert.True(p.Complete));
        Assert.Contains(received, p => !p.HasLatitude); // the outage is in the stream, as no-fix epochs
    }

    [Fact]
    public async Task StreamPositions_EachFilter_OnlyWhatItAsksFor()
    {
        await using var feedA = new ReceiverFeed();
        await using var feedB = new ReceiverFeed();
        await using ServiceFixture service = await ServiceFixture.StartAsync(
            "--BeidouHub:Receivers:0:Id=truck-a", $"--BeidouHub:Receivers:0:Source={feedA.Uri}",
            "--BeidouHub:Receivers:1:Id=truck-b", $"--BeidouHub:Receivers:1:Source={feedB.Uri}",
            "--BeidouHub:Geo:ZoneConfirmEpochs=1", "--BeidouHub:Geo:ZoneMarginMetres=0",
            // The yard: east of 113.13430 E, where both trucks drive in their second half.
            "--BeidouHub:Zones:0:Id=yard",
            "--BeidouHub:Zones:0:Polygons:0:0:0:0=113.13430", "--BeidouHub:Zones:0:Polygons:0:0:0:1=27.80",
            "--BeidouHub:Zones:0:Polygons:0:0:1:0=113.14000", "--BeidouHub:Zones:0:Polygons:0:0:1:1=27.80",
            "--BeidouHub:Zones:0:Polygons:0:0:2:0=113.14000", "--BeidouHub:Zones:0:Polygons:0:0:2:1=27.85",
            "--BeidouHub:Zones:0:Polygons:0:0:3:0=113.13430", "--BeidouHub:Zones:0:Polygons:0:0:3:1=27.85");
        var client = new Positions.PositionsClient(service.Channel);
        var subs = new Dictionary<string, Collector>
        {
            ["all"] = new(client, new StreamPositionsRequest()),
            ["onlyA"] = new(client, new StreamPositionsRequest { ReceiverIds = { "truck-a" } }),
            ["yard"] = new(client, new StreamPositionsRequest { ZoneIds = { "yard" } }),
            ["rtkFixed"] = new(client, new StreamPositionsRequest { MinQuality = MinQuality.RtkFixed }),
            ["oneHz"] = new(client, new StreamPositionsRequest { MaxRateHz = 1 }),
            ["coords"] = new(client, new StreamPositionsRequest { Coordinates = { CoordinateSystem.Grid, CoordinateSystem.Gcj02 }, IncludeSatellites = true }),
            ["early"] = new(client, new StreamPositionsRequest { Delivery = Delivery.Early }),
        };
        await Eventually.True(() => service.Hub.SubscriberCount == subs.Count, "all subscriptions");
        await feedA.AcceptAsync();
        await feedB.AcceptAsync();

        // 6 s at 10 Hz per truck: autonomous for 3 s, then RTK fixed; 1 m east per epoch from 113.1340 E.
        await Task.WhenAll(feedA.SendAsync(Track(27.8280)), feedB.SendAsync(Track(27.8290)));
        feedA.Close();
        feedB.Close();
        await Eventually.True(() => subs["all"].Count == 120, "120 positions");
        await Eventually.True(() => subs["early"].Count == 120, "120 early positions");
        // A marker behind the last update, accepted by every filter (truck-a, RTK fixed, in the yard,
        // a minute later): each subscriber's queue is first in, first out, so once a subscriber has
        // its marker, any update its filter wrongly let through before it has arrived as well.
        service.Hub.Publish(Marker(complete: true));
        service.Hub.Publish(Marker(complete: false));
        await Eventually.True(() => subs.Values.All(c => c.Items.Any(p => p.Sequence == MarkerSequence)), "every subscriber has the marker");
        foreach (Collector c in subs.Values)
        {
            c.Dispose();
        }

        Dictionary<string, List<Position>> got = subs.ToDictionary(kv => kv.Key, kv => kv.Value.Items.Where(p => p.Sequence != MarkerSequence).ToList());
        Assert.Equal(60, got["all"].Count(p => p.ReceiverId == "truck-a"));
        Assert.Equal(60, got["onlyA"].Count);
        Assert.All(got["onlyA"], p => Assert.Equal("truck-a", p.ReceiverId));

        // In the yard from the epoch whose longitude passes 113.13430 E.
        Assert.InRange(got["yard"].Count, 20, 100);
        Assert.All(got["yard"], p => Assert.True(p.Longitude >= 113.13430, $"{p.Longitude} outside the yard"));
        Assert.All(got["yard"], p => Assert.Equal("yard", Assert.Single(p.ZoneIds)));
        Assert.True(got["yard"].Count < got["all"].Count);

        Assert.Equal(60, got["rtkFixed"].Count);
        Assert.All(got["rtkFixed"], p => Assert.Equal(Protocol.V1.RtkState.Fixed, p.Rtk));

        Assert.Equal(12, got["oneHz"].Count); // 6 s x 2 receivers
        Assert.All(got["oneHz"], p => Assert.Equal(0, p.Time.ToDateTime().Millisecond));

        Assert.All(got["coords"], p =>
        {
            Assert.Equal(4547, p.Grid.Epsg);
            Assert.InRange(p.Grid.Northing, 3_079_000, 3_081_000);
            Assert.InRange(p.Gcj02.Longitude - p.Longitude, 0.004, 0.008); // GCJ-02 is ~500 m east here
            Assert.Null(p.Park);
            Assert.Null(p.Bd09);
            Assert.NotEmpty(p.Satellites);
        });
        Assert.All(got["all"], p =>
        {
            Assert.Null(p.Grid);
            Assert.Null(p.Gcj02);
            Assert.Empty(p.Satellites);
        });

        Assert.All(got["early"], p => Assert.False(p.Complete));
        Assert.All(got["early"], p => Assert.False(p.HasSigmaLatitudeM));
        Assert.All(got["all"], p => Assert.True(p.Complete && p.HasSigmaLatitudeM));
    }

    [Fact]
    public async Task StreamPositions_ServiceWithWktGrid_GridCoordinatesAreTheProjNetTransformAndZonesWork()
    {
        await using var feed = new ReceiverFeed();
        await using ServiceFixture service = await ServiceFixture.StartAsync(
            "--BeidouHub:Receivers:0:Id=truck", $"--BeidouHub:Receivers:0:Source={feed.Uri}",
            $"--BeidouHub:Geo:Grid:Wkt={Configuration.GridSetupTests.CityWkt}",
            "--BeidouHub:Geo:ZoneConfirmEpochs=1", "--BeidouHub:Geo:ZoneMarginMetres=0",
            "--BeidouHub:Zones:0:Id=yard",
            "--BeidouHub:Zones:0:Polygons:0:0:0:0=113.13430", "--BeidouHub:Zones:0:Polygons:0:0:0:1=27.80",
            "--BeidouHub:Zones:0:Polygons:0:0:1:0=113.14000", "--BeidouHub:Zones:0:Polygons:0:0:1:1=27.80",
            "--BeidouHub:Zones:0:Polygons:0:0:2:0=113.14000", "--BeidouHub:Zones:0:Polygons:0:0:2:1=27.85",
            "--BeidouHub:Zones:0:Polygons:0:0:3:0=113.13430", "--BeidouHub:Zones:0:Polygons:0:0:3:1=27.85");
        var client = new Positions.PositionsClient(service.Channel);
        using var positions = new Collector(client, new StreamPositionsRequest { Coordinates = { CoordinateSystem.Grid } });
        await Eventually.True(() => service.Hub.SubscriberCount == 1, "the subscription");
        await feed.AcceptAsync();

        await feed.SendAsync(Track(27.8280));
        feed.Close();
        await Eventually.True(() => positions.Count == 60, "60 positions");

        // The reference: ProjNET itself on the configured WKT, from the WKT's own geographic CRS.
        var system = (ProjNet.CoordinateSystems.ProjectedCoordinateSystem)ProjNet.IO.CoordinateSystems.CoordinateSystemWktReader.Parse(Configuration.GridSetupTests.CityWkt);
        ProjNet.CoordinateSystems.Transformations.MathTransform projNet = new ProjNet.CoordinateSystems.Transformations.CoordinateTransformationFactory()
            .CreateFromCoordinateSystems(system.GeographicCoordinateSystem, system).MathTransform;
        Assert.All(positions.Items, p =>
        {
            (double easting, double northing) = projNet.Transform(p.Longitude, p.Latitude);
            Assert.Equal((0, "Zhuzhou city grid (test)"), (p.Grid.Epsg, p.Grid.Name));
            Assert.Equal(northing, p.Grid.Northing);
            Assert.Equal(easting, p.Grid.Easting);
            Assert.InRange(p.Grid.Northing, 79_400, 79_420); // not the 3,079 km of EPSG:4547
        });
        // Zones given in degrees are projected through the same grid: the truck drives into the yard.
        Assert.Contains(positions.Items, p => p.ZoneIds.Contains("yard"));
        Assert.All(positions.Items.Where(p => p.ZoneIds.Contains("yard")), p => Assert.True(p.Longitude >= 113.13430, $"{p.Longitude} outside the yard"));
    }

    [Fact]
    public async Task GetLatestPositions_AfterFeed_LastPositionOfEachWithAge()
    {
        await using var feed = new ReceiverFeed();
        await using ServiceFixture service = await ServiceFixture.StartAsync("--BeidouHub:Receivers:0:Id=gate", $"--BeidouHub:Receivers:0:Source={feed.Uri}");
        await feed.AcceptAsync();
        await feed.SendAsync(Track(27.8280));
        feed.Close();
        var client = new Positions.PositionsClient(service.Channel);
        await Eventually.True(() => service.Hub.TryGetLatest("gate", out var u) && u!.Sequence == 60, "the last epoch");

        GetLatestPositionsResponse latest = await client.GetLatestPositionsAsync(new GetLatestPositionsRequest { ReceiverIds = { "gate", "nobody" } });

        Position p = Assert.Single(latest.Positions);
        Assert.Equal(60UL, p.Sequence);
        Assert.Equal(113.1340 + (59 / (111_320 * Math.Cos(27.828 * Math.PI / 180))), p.Longitude, 6);
        Assert.InRange(p.Age.ToTimeSpan(), TimeSpan.Zero, TimeSpan.FromSeconds(30));

        // A late subscriber first gets the latest position, then live ones.
        using var call = client.StreamPositions(new StreamPositionsRequest());
        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Equal(60UL, call.ResponseStream.Current.Sequence);
    }

    [Fact]
    public async Task StreamPositions_ClientCancelsMidStream_SubscriptionReleased()
    {
        await using ServiceFixture service = await ServiceFixture.StartAsync("--BeidouHub:Receivers:0:Id=sim", "--BeidouHub:Receivers:0:Source=sim://?rate=10");
        var client = new Positions.PositionsClient(service.Channel);
        using var cancel = new CancellationTokenSource();
        using var call = client.StreamPositions(new StreamPositionsRequest(), cancellationToken: cancel.Token);
        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Equal(1, service.Hub.SubscriberCount);

        await cancel.CancelAsync();

        await Eventually.True(() => service.Hub.SubscriberCount == 0, "the subscription released after cancel");
    }

    [Fact]
    public async Task StreamPositions_NegativeRate_InvalidArgument()
    {
        await using ServiceFixture service = await ServiceFixture.StartAsync("--BeidouHub:Receivers:0:Id=sim", "--BeidouHub:Receivers:0:Source=sim://?rate=1");
        var client = new Positions.PositionsClient(service.Channel);
        using var call = client.StreamPositions(new StreamPositionsRequest { MaxRateHz = -1 });

        RpcException e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
    }

    private const long MarkerSequence = 1_000_000;

    private static Service.Hub.PositionUpdate Marker(bool complete) => new()
    {
        ReceiverId = "truck-a",
        Sequence = MarkerSequence,
        Complete = complete,
        Time = new DateTime(2026, 11, 27, 3, 1, 0, DateTimeKind.Utc),
        Quality = Receiver.Nmea.Sentences.GgaQuality.RtkFixed,
        Rtk = Receiver.Epochs.RtkState.Fixed,
        Latitude = 27.8280,
        Longitude = 113.1360,
        UsedPerConstellation = new int[Receiver.Satellites.ConstellationNames.Count],
        Satellites = [],
        Zones = ["yard"],
    };

    // A 10 Hz track: GGA (quality 1 for 3 s, then 4), RMC, GSA, GSV, GST, ZDA each epoch; epochs
    // first .. first+count-1 of it (epoch i at 03:00:00 + i x 100 ms, i metres east of 113.1340 E).
    internal static byte[] Track(double lat, int count = 60, int first = 0)
    {
        var sb = new StringBuilder();
        var start = new DateTime(2026, 11, 27, 3, 0, 0, DateTimeKind.Utc);
        double metresPerDegree = 111_320 * Math.Cos(27.828 * Math.PI / 180);
        for (int i = first; i < first + count; i++)
        {
            DateTime t = start.AddMilliseconds(i * 100);
            string hms = t.ToString("HHmmss.ff", CultureInfo.InvariantCulture);
            double lon = 113.1340 + (i / metresPerDegree);
            string latText = NmeaCoordinate(lat, 2);
            string lonText = NmeaCoordinate(lon, 3);
            int q = i < 30 ? 1 : 4;
            sb.Append(Repo.Line($"GNGGA,{hms},{latText},N,{lonText},E,{q},12,0.7,50.0,M,-21.0,M,{(q == 4 ? "1.0" : "")},{(q == 4 ? "0042" : "")}"));
            sb.Append(Repo.Line($"GNRMC,{hms},A,{latText},N,{lonText},E,19.4,90.0,{t:ddMMyy},,,{(q == 4 ? 'R' : 'A')},V"));
            sb.Append(Repo.Line("GNGSA,A,3,19,20,21,22,35,38,,,,,,,1.2,0.7,1.0,4"));
            sb.Append(Repo.Line("GBGSV,2,1,06,19,55,180,45,20,40,090,43,21,38,260,42,22,70,010,47,1"));
            sb.Append(Repo.Line("GBGSV,2,2,06,35,25,140,39,38,48,200,44,1"));
            sb.Append(Repo.Line($"GNGST,{hms},0.8,0.02,0.01,35.0,0.011,0.010,0.020"));
            sb.Append(Repo.Line($"GNZDA,{hms},{t:dd},{t:MM},{t:yyyy},00,00"));
        }

        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    private static string NmeaCoordinate(double degrees, int degreeDigits)
    {
        int d = (int)degrees;
        double minutes = (degrees - d) * 60;
        return d.ToString(new string('0', degreeDigits), CultureInfo.InvariantCulture) + minutes.ToString("00.0000000", CultureInfo.InvariantCulture);
    }

    internal static List<Epoch> Decode(byte[] bytes, string receiver)
    {
        var sink = new Sink();
        var decoder = new NmeaDecoder(receiver, sink);
        var seq = new ReadOnlySequence<byte>(bytes);
        decoder.Decode(ref seq, isFinalBlock: true);
        return sink.Epochs;
    }

    private sealed class Sink : IEpochSink
    {
        public List<Epoch> Epochs { get; } = [];

        public void OnPosition(Epoch epoch)
        {
        }

        public void OnEpoch(Epoch epoch) => Epochs.Add(epoch.Clone());
    }

    /// <summary>Reads a position stream in the background.</summary>
    internal sealed class Collector : IDisposable
    {
        private readonly ConcurrentQueue<Position> _items = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly AsyncServerStreamingCall<Position> _call;

        public Collector(Positions.PositionsClient client, StreamPositionsRequest request)
        {
            _call = client.StreamPositions(request, cancellationToken: _stop.Token);
            Reading = Task.Run(async () =>
            {
                try
                {
                    await foreach (Position p in _call.ResponseStream.ReadAllAsync(_stop.Token))
                    {
                        _items.Enqueue(p);
                    }
                }
                catch (Exception e) when (e is OperationCanceledException || (e is RpcException r && r.StatusCode == StatusCode.Cancelled))
                {
                    // Stopped by the test.
                }
            });
        }

        public Task Reading { get; }

        public int Count => _items.Count;

        public List<Position> Items => [.. _items];

        public void Dispose()
        {
            _stop.Cancel();
            _call.Dispose();
            _stop.Dispose();
        }
    }
}
