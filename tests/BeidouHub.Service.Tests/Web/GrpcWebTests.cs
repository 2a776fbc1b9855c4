using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Net.Sockets;
using System.Text.Json;
using BeidouHub.Protocol.V1;
using BeidouHub.Service.Tests.Api;
using BeidouHub.Service.Tests.Security;
using BeidouHub.Service.Tests.Support;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Microsoft.Extensions.Time.Testing;

namespace BeidouHub.Service.Tests.Web;

/// <summary>
/// The web console's endpoint against a real gRPC-Web client (Grpc.Net.Client.Web over HTTP/1.1,
/// as a browser calls it): the same API, the same scopes, the same slow-subscriber isolation as
/// gRPC; and its files and settings.
/// </summary>
public class GrpcWebTests
{
    [Fact]
    public async Task Console_EmbeddedDefault_ServesPageSettingsProtoAndZonesOverGrpcWeb()
    {
        await using ServiceFixture service = await ServiceFixture.StartAsync(WebConsoleConfig.On);
        Assert.NotNull(service.WebAddress);
        using var http = new HttpClient { BaseAddress = service.WebAddress };

        using HttpResponseMessage page = await http.GetAsync(new Uri("/", UriKind.Relative));
        string html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(new Version(1, 1), page.Version);
        Assert.Contains("<script src=\"app.js\"></script>", html, StringComparison.Ordinal);
        Assert.Contains("script-src 'self' 'unsafe-eval';", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        // Every file the page loads is served, the vendored libraries among them.
        foreach (string file in new[] { "app.js", "grpcweb.js", "app.css", "vendor/ol/ol.js", "vendor/ol/ol.css", "vendor/protobufjs/protobuf.min.js" })
        {
            using HttpResponseMessage r = await http.GetAsync(new Uri(file, UriKind.Relative));
            Assert.True(r.StatusCode == HttpStatusCode.OK, $"{file}: {r.StatusCode}");
            Assert.True(html.Contains(file, StringComparison.Ordinal), $"index.html loads {file}");
        }

        using JsonDocument settings = JsonDocument.Parse(await http.GetStringAsync(new Uri("console/config.json", UriKind.Relative)));
        Assert.Equal("grid", settings.RootElement.GetProperty("plane").GetString());
        Assert.Equal(2, settings.RootElement.GetProperty("mapRateHz").GetDouble());
        Assert.Equal(JsonValueKind.Null, settings.RootElement.GetProperty("tiles").ValueKind);
        Assert.Equal(File.ReadAllText(Path.Combine(Repo.Root, "src", "Service", "Protos", "beidouhub.proto")), await http.GetStringAsync(new Uri("beidouhub.proto", UriKind.Relative)));

        // The same API over gRPC-Web: the default zones, with their outlines on the grid and on
        // latitude/longitude, where the configuration put them (ServiceSetup.DefaultZones).
        using GrpcChannel web = WebChannel(service.WebAddress!);
        ListZonesResponse zones = await new Positions.PositionsClient(web).ListZonesAsync(new ListZonesRequest());
        Assert.Equal("grid", zones.Plane);
        Assert.Equal(["main-gate", "loading-dock"], zones.Zones.Select(z => z.Id));
        Zone dock = zones.Zones[1];
        ZoneRing ring = Assert.Single(dock.Rings);
        Assert.Equal(8, ring.Xy.Count); // four corners, not closed
        Assert.Equal(8, ring.LonLat.Count);
        double[] lon = [.. ring.LonLat.Where((_, i) => i % 2 == 0)];
        double[] lat = [.. ring.LonLat.Where((_, i) => i % 2 == 1)];
        Assert.Equal(27.8618, lat.Average(), 6);
        Assert.Equal(113.1728, lon.Average(), 6);
        double[] x = [.. ring.Xy.Where((_, i) => i % 2 == 0)];
        double[] y = [.. ring.Xy.Where((_, i) => i % 2 == 1)];
        Assert.InRange(x.Max() - x.Min(), 119, 122); // 60 m either side (the box is made with 111,320 m a degree)
        Assert.InRange(y.Max() - y.Min(), 119, 122);

        // And a live stream of the seeds' receivers, decimated to the map's rate.
        var seen = new HashSet<string>();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using AsyncServerStreamingCall<Position> call = new Positions.PositionsClient(web).StreamPositions(new StreamPositionsRequest { MaxRateHz = 2, Coordinates = { CoordinateSystem.Grid } }, cancellationToken: cancel.Token);
        while (seen.Count < 3 && await call.ResponseStream.MoveNext(cancel.Token))
        {
            Assert.Equal(4547, call.ResponseStream.Current.Grid.Epsg);
            seen.Add(call.ResponseStream.Current.ReceiverId);
        }

        Assert.Equal(["gate-1", "truck-1", "walker-1"], seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GrpcWeb_ApplicationScope_SameAnswersAsGrpc()
    {
        (string key, string hash) = Service.Security.ApiKey.Generate();
        await using ServiceFixture service = await ServiceFixture.StartAsync([
            .. WebConsoleConfig.On,
            .. Credentials.Application(0, "web-1", [hash], ["truck-*"], ["positions", "zones"], ["grid"], zones: ["*"])]);
        using GrpcChannel anonymous = WebChannel(service.WebAddress!);
        using GrpcChannel keyed = WebChannel(service.WebAddress!, key);

        // No credential: UNAUTHENTICATED; the page itself stays reachable (it holds no data).
        RpcException none = await Assert.ThrowsAsync<RpcException>(async () => await new Positions.PositionsClient(anonymous).ListZonesAsync(new ListZonesRequest()));
        Assert.Equal(StatusCode.Unauthenticated, none.StatusCode);
        using var http = new HttpClient { BaseAddress = service.WebAddress };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/", UriKind.Relative))).StatusCode);

        // A receiver out of scope: PERMISSION_DENIED, as over gRPC.
        var client = new Positions.PositionsClient(keyed);
        using AsyncServerStreamingCall<Position> denied = client.StreamPositions(new StreamPositionsRequest { ReceiverIds = { "gate-1" } });
        RpcException e = await Assert.ThrowsAsync<RpcException>(async () => await denied.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);

        // Zones in scope, with grid outlines but no latitude/longitude (the application sees only the grid).
        ListZonesResponse zones = await client.ListZonesAsync(new ListZonesRequest());
        Assert.Equal(2, zones.Zones.Count);
        Assert.All(zones.Zones.SelectMany(z => z.Rings), r => Assert.True(r.Xy.Count >= 6 && r.LonLat.Count == 0));

        // Sky is not among the application's RPCs.
        using AsyncServerStreamingCall<SkyView> sky = client.StreamSky(new StreamSkyRequest());
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(async () => await sky.ResponseStream.MoveNext())).StatusCode);

        // In scope: only truck-1 of the three seeds.
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using AsyncServerStreamingCall<Position> call = client.StreamPositions(new StreamPositionsRequest { MaxRateHz = 2 }, cancellationToken: cancel.Token);
        for (int i = 0; i < 10; i++)
        {
            Assert.True(await call.ResponseStream.MoveNext(cancel.Token));
            Assert.Equal("truck-1", call.ResponseStream.Current.ReceiverId);
        }
    }

    [Fact]
    public async Task GrpcWeb_ABrowserThatReadsNothing_OthersGetEverythingAndItsDropsAreCounted()
    {
        // A paused tab: its gRPC-Web stream is an HTTP/1.1 response nobody reads, on a socket with
        // a small receive window. The receiver is fed in steps the reading subscribers keep up with.
        const int Epochs = 3000;
        const int Step = 50;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 3, 0, 0, TimeSpan.Zero));
        await using var feed = new ReceiverFeed();
        await using ServiceFixture service = await ServiceFixture.StartAsync(time, [
            .. WebConsoleConfig.On,
            "--BeidouHub:Receivers:0:Id=truck", $"--BeidouHub:Receivers:0:Source={feed.Uri}", "--BeidouHub:SubscriberQueue=64"]);
        using GrpcChannel web = WebChannel(service.WebAddress!);
        using var browser = new PositionsServiceTests.Collector(new Positions.PositionsClient(web), new StreamPositionsRequest { Coordinates = { CoordinateSystem.Grid } });
        using var grpc = new PositionsServiceTests.Collector(new Positions.PositionsClient(service.Channel), new StreamPositionsRequest());
        using var pausedHttp = new HttpClient(new SocketsHttpHandler { ConnectCallback = SmallWindowAsync }) { Timeout = Timeout.InfiniteTimeSpan };
        // Its headers come with its first message (gRPC-Web over HTTP/1.1), so it is awaited later.
        Task<HttpResponseMessage> pausedCall = pausedHttp.SendAsync(GrpcWebRequest(service.WebAddress!, new StreamPositionsRequest { IncludeSatellites = true }), HttpCompletionOption.ResponseHeadersRead);
        await Eventually.True(() => service.Hub.SubscriberCount == 3, "three subscribers");
        await feed.AcceptAsync();

        for (int first = 0; first < Epochs; first += Step)
        {
            await feed.SendAsync(PositionsServiceTests.Track(27.8280, Step, first));
            int sent = first + Step;
            await Eventually.True(
                () => service.Hub.Published >= sent - 1 && browser.Count == service.Hub.Published && grpc.Count == service.Hub.Published,
                $"the reading subscribers have epoch {sent - 1}");
        }

        feed.Close();
        await Eventually.True(() => browser.Count == Epochs && grpc.Count == Epochs, "every epoch to the reading subscribers");
        using HttpResponseMessage paused = await pausedCall;
        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        Assert.Equal(Enumerable.Range(1, Epochs).Select(i => (ulong)i), browser.Items.Select(p => p.Sequence));
        Assert.All(browser.Items, p => Assert.Equal(0UL, p.Dropped));
        Assert.All(grpc.Items, p => Assert.Equal(0UL, p.Dropped));

        // Reading at last, the paused tab gets what its socket and queue held, and the drops ride
        // on the messages after them: every epoch is either received or counted as dropped. (How
        // many drop depends on how much the kernel's socket buffers took: up to megabytes here.)
        Stream body = await paused.Content.ReadAsStreamAsync();
        int received = 0;
        ulong dropped = 0;
        byte[] header = new byte[5];
        while ((ulong)received + dropped < Epochs)
        {
            await body.ReadExactlyAsync(header);
            byte[] payload = new byte[System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1))];
            await body.ReadExactlyAsync(payload);
            Assert.True(header[0] == 0, $"the stream ended (trailers: {System.Text.Encoding.ASCII.GetString(payload)}) after {received} received + {dropped} dropped");
            Position p = Position.Parser.ParseFrom(payload);
            Assert.Equal((ulong)received + dropped + 1 + p.Dropped, p.Sequence);
            received++;
            dropped += p.Dropped;
        }

        Assert.Equal((ulong)service.Hub.DroppedTotal, dropped);
    }

    [Fact]
    public async Task Console_ServiceWithACertificate_ServedOverTlsWithHttp2AndGrpcWeb()
    {
        using TlsTestFiles tls = TlsTestFiles.Create("127.0.0.1");
        await using ServiceFixture service = await ServiceFixture.StartAsync(tls.ServeArguments(
            "--BeidouHub:Web:Enabled=true", "--BeidouHub:Web:Listen=https://127.0.0.1:0", "--BeidouHub:Receivers:0:Id=a", "--BeidouHub:Receivers:0:Source=sim://"));
        Assert.Equal("https", service.WebAddress!.Scheme);
        X509Certificate2Collection roots = [];
        roots.ImportFromPemFile(tls.Ca);
        SocketsHttpHandler Trusting() => new()
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return certificate is not null && chain.Build(new X509Certificate2(certificate));
                },
            },
        };

        // A browser gets the page over HTTP/2 (negotiated by TLS), signed by the service's CA.
        using var http = new HttpClient(Trusting()) { BaseAddress = service.WebAddress, DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using HttpResponseMessage page = await http.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpVersion.Version20, page.Version);

        // And the API over gRPC-Web on the same endpoint.
        using GrpcChannel web = GrpcChannel.ForAddress(service.WebAddress!, new GrpcChannelOptions { HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWeb, Trusting()) });
        ListZonesResponse zones = await new Positions.PositionsClient(web).ListZonesAsync(new ListZonesRequest());
        Assert.Equal("grid", zones.Plane);
    }

    internal static GrpcChannel WebChannel(Uri address, string? key = null)
    {
        var handler = new GrpcWebHandler(GrpcWebMode.GrpcWeb, new HttpClientHandler());
        CallCredentials? credentials = key is null ? null : CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("authorization", $"Bearer {key}");
            return Task.CompletedTask;
        });
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            HttpVersion = HttpVersion.Version11,
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Credentials = credentials is null ? null : ChannelCredentials.Create(ChannelCredentials.Insecure, credentials),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
    }

    // A gRPC-Web call by hand: one frame (flag 0, length, message), as grpcweb.js sends it.
    private static HttpRequestMessage GrpcWebRequest(Uri address, StreamPositionsRequest request)
    {
        byte[] message = Google.Protobuf.MessageExtensions.ToByteArray(request);
        byte[] frame = new byte[5 + message.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        var content = new ByteArrayContent(frame);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc-web+proto");
        var http = new HttpRequestMessage(HttpMethod.Post, new Uri(address, "/beidouhub.v1.Positions/StreamPositions")) { Content = content, Version = HttpVersion.Version11 };
        http.Headers.Add("x-grpc-web", "1");
        return http;
    }

    private static async ValueTask<Stream> SmallWindowAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096, NoDelay = true };
        await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
        return new NetworkStream(socket, ownsSocket: true);
    }
}
