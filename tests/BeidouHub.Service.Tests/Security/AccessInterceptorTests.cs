using BeidouHub.Protocol.V1;
using BeidouHub.Service.Security;
using BeidouHub.Service.Tests.Support;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using Microsoft.Extensions.Time.Testing;

namespace BeidouHub.Service.Tests.Security;

/// <summary>Who gets in, and with which status the others are turned away: the real service on a loopback port, real clients.</summary>
public class AccessInterceptorTests
{
    private static readonly string[] Receivers =
    [
        "--BeidouHub:Receivers:0:Id=truck", "--BeidouHub:Receivers:0:Source=sim://?fleet=2&rate=5",
        "--BeidouHub:Receivers:1:Id=gate", "--BeidouHub:Receivers:1:Source=sim://?fleet=2&rate=5&seed=2",
        "--BeidouHub:Geo:Park:OriginNorthing=3082900", "--BeidouHub:Geo:Park:OriginEasting=418000",
        "--BeidouHub:Zones:0:Id=yard",
        "--BeidouHub:Zones:0:Polygons:0:0:0:0=113.16", "--BeidouHub:Zones:0:Polygons:0:0:0:1=27.85",
        "--BeidouHub:Zones:0:Polygons:0:0:1:0=113.18", "--BeidouHub:Zones:0:Polygons:0:0:1:1=27.85",
        "--BeidouHub:Zones:0:Polygons:0:0:2:0=113.18", "--BeidouHub:Zones:0:Polygons:0:0:2:1=27.87",
        "--BeidouHub:Zones:0:Polygons:0:0:3:0=113.16", "--BeidouHub:Zones:0:Polygons:0:0:3:1=27.87",
        "--BeidouHub:Zones:1:Id=dock",
        "--BeidouHub:Zones:1:Polygons:0:0:0:0=113.16", "--BeidouHub:Zones:1:Polygons:0:0:0:1=27.85",
        "--BeidouHub:Zones:1:Polygons:0:0:1:0=113.18", "--BeidouHub:Zones:1:Polygons:0:0:1:1=27.85",
        "--BeidouHub:Zones:1:Polygons:0:0:2:0=113.18", "--BeidouHub:Zones:1:Polygons:0:0:2:1=27.87",
        "--BeidouHub:Zones:1:Polygons:0:0:3:0=113.16", "--BeidouHub:Zones:1:Polygons:0:0:3:1=27.87",
    ];

    [Fact]
    public async Task Calls_TableOfCredentialsAndScopes_EachDeniedWithItsStatus()
    {
        (string logistics, string logisticsHash) = ApiKey.Generate();
        (string expired, string expiredHash) = ApiKey.Generate();
        (string revoked, _) = ApiKey.Generate();
        using var issuer = new TestIssuer();
        await using ServiceFixture service = await ServiceFixture.StartAsync(
        [
            .. Receivers, .. issuer.Configuration,
            .. Credentials.Application(0, "logistics", [logisticsHash], receivers: ["truck-*"], rpcs: ["positions", "zones"], coordinates: ["park"], zones: ["yard"]),
            .. Credentials.Application(1, "old-contractor", [expiredHash], receivers: ["*"], rpcs: ["*"], coordinates: ["*"], expires: DateTimeOffset.UtcNow.AddDays(-1)),
        ]);
        var positions = new Positions.PositionsClient(service.Channel);
        var receivers = new Protocol.V1.Receivers.ReceiversClient(service.Channel);
        Metadata ok = Credentials.Bearer(logistics);
        string wrongSecret = logistics[..^1] + (logistics[^1] == 'A' ? 'B' : 'A');
        string expiredJwt = issuer.Token(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(-5), new() { ["azp"] = "logistics", ["bh_receivers"] = "*", ["bh_rpcs"] = "positions" });

        Task<StatusCode> Stream(StreamPositionsRequest request, Metadata? headers) => Credentials.StatusOf(async () =>
        {
            using AsyncServerStreamingCall<Position> call = positions.StreamPositions(request, headers);
            Assert.True(await call.ResponseStream.MoveNext());
        });

        var table = new (string Case, Func<Task<StatusCode>> Call, StatusCode Expected)[]
        {
            ("no token", () => Stream(new(), null), StatusCode.Unauthenticated),
            ("wrong secret", () => Stream(new(), Credentials.Bearer(wrongSecret)), StatusCode.Unauthenticated),
            ("not a key nor a JWT", () => Stream(new(), Credentials.Bearer("letmein")), StatusCode.Unauthenticated),
            ("revoked key (not configured)", () => Stream(new(), Credentials.Bearer(revoked)), StatusCode.Unauthenticated),
            ("expired application", () => Stream(new(), Credentials.Bearer(expired)), StatusCode.Unauthenticated),
            ("expired JWT", () => Stream(new(), Credentials.Bearer(expiredJwt)), StatusCode.Unauthenticated),
            ("out-of-scope receiver", () => Stream(new() { ReceiverIds = { "truck-0", "gate-1" } }, ok), StatusCode.PermissionDenied),
            ("out-of-scope zone", () => Stream(new() { ZoneIds = { "dock" } }, ok), StatusCode.PermissionDenied),
            ("out-of-scope coordinates", () => Stream(new() { Coordinates = { CoordinateSystem.Grid } }, ok), StatusCode.PermissionDenied),
            ("out-of-scope RPC: sky", () => Credentials.StatusOf(async () =>
            {
                using AsyncServerStreamingCall<SkyView> call = positions.StreamSky(new StreamSkyRequest(), ok);
                await call.ResponseStream.MoveNext();
            }), StatusCode.PermissionDenied),
            ("out-of-scope RPC: receivers", () => Credentials.StatusOf(() => receivers.ListReceiversAsync(new ListReceiversRequest(), ok).ResponseAsync), StatusCode.PermissionDenied),
            ("out-of-scope receiver, latest", () => Credentials.StatusOf(() => positions.GetLatestPositionsAsync(new GetLatestPositionsRequest { ReceiverIds = { "gate-0" } }, ok).ResponseAsync), StatusCode.PermissionDenied),
            ("out-of-scope zone, events", () => Credentials.StatusOf(async () =>
            {
                using AsyncServerStreamingCall<ZoneEvent> call = positions.StreamZoneEvents(new StreamZoneEventsRequest { ZoneIds = { "dock" } }, ok);
                await call.ResponseStream.MoveNext();
            }), StatusCode.PermissionDenied),
            ("out-of-scope receiver, events", () => Credentials.StatusOf(async () =>
            {
                using AsyncServerStreamingCall<ZoneEvent> call = positions.StreamZoneEvents(new StreamZoneEventsRequest { ReceiverIds = { "gate-0" } }, ok);
                await call.ResponseStream.MoveNext();
            }), StatusCode.PermissionDenied),
            ("1,001 receiver ids", () => Stream(new() { ReceiverIds = { Enumerable.Range(0, 1001).Select(i => $"truck-{i}") } }, ok), StatusCode.InvalidArgument),
            ("a request over 256 KiB", () => Stream(new() { ReceiverIds = { Enumerable.Range(0, 900).Select(i => $"truck-{i}-" + new string('x', 300)) } }, ok), StatusCode.ResourceExhausted),
            ("in scope", () => Stream(new() { ReceiverIds = { "truck-1" }, ZoneIds = { "yard" }, Coordinates = { CoordinateSystem.Park } }, ok), StatusCode.OK),
            ("in scope, all of it", () => Stream(new(), ok), StatusCode.OK),
        };

        var results = new List<string>();
        foreach ((string name, Func<Task<StatusCode>> call, StatusCode expected) in table)
        {
            StatusCode actual = await call();
            results.Add($"{name}: {actual}{(actual == expected ? "" : $" (expected {expected})")}");
        }

        Assert.Equal(table.Select(c => $"{c.Case}: {c.Expected}"), results);
    }

    [Fact]
    public async Task Health_NoCredential_Serving_Reflection_NeedsOne()
    {
        (string key, string hash) = ApiKey.Generate();
        await using ServiceFixture service = await ServiceFixture.StartAsync(
        [
            "--BeidouHub:Receivers:0:Id=sim", "--BeidouHub:Receivers:0:Source=sim://?rate=1",
            .. Credentials.Application(0, "monitoring", [hash], receivers: ["*"], rpcs: ["receivers"], coordinates: []),
        ]);
        var health = new Health.HealthClient(service.Channel);
        var reflection = new ServerReflection.ServerReflectionClient(service.Channel);
        await Eventually.True(() => service.Hub.Running, "hub running");

        HealthCheckResponse response = await health.CheckAsync(new HealthCheckRequest());
        StatusCode anonymous = await Credentials.StatusOf(() => ListServices(reflection, null));
        List<string> names = await ListServices(reflection, Credentials.Bearer(key));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
        Assert.Equal(StatusCode.Unauthenticated, anonymous);
        Assert.Contains("beidouhub.v1.Positions", names);
    }

    [Fact]
    public async Task Calls_TenBadKeysFromOnePeer_RefusedWithoutLookingUntilTheMinuteIsOver()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        (string key, string hash) = ApiKey.Generate();
        (string stranger, _) = ApiKey.Generate();
        await using ServiceFixture service = await ServiceFixture.StartAsync(time,
        [
            "--BeidouHub:Receivers:0:Id=sim", "--BeidouHub:Receivers:0:Source=sim://?rate=1",
            .. Credentials.Application(0, "monitoring", [hash], receivers: ["*"], rpcs: ["receivers"], coordinates: []),
        ]);
        var receivers = new Protocol.V1.Receivers.ReceiversClient(service.Channel);
        Task<StatusCode> List(string token) => Credentials.StatusOf(() => receivers.ListReceiversAsync(new ListReceiversRequest(), Credentials.Bearer(token)).ResponseAsync);

        StatusCode before = await List(key);
        var bad = new List<StatusCode>();
        for (int i = 0; i < FailureLimiter.Limit; i++)
        {
            bad.Add(await List(stranger));
        }

        StatusCode goodWhileLimited = await List(key);
        time.Advance(FailureLimiter.Window);
        StatusCode goodAfter = await List(key);

        Assert.Equal(StatusCode.OK, before);
        Assert.All(bad, s => Assert.Equal(StatusCode.Unauthenticated, s));
        Assert.Equal(StatusCode.ResourceExhausted, goodWhileLimited);
        Assert.Equal(StatusCode.OK, goodAfter);
    }

    [Fact]
    public async Task Calls_NoCredentialRepeated_NeverLimited()
    {
        (_, string hash) = ApiKey.Generate();
        await using ServiceFixture service = await ServiceFixture.StartAsync(
        [
            "--BeidouHub:Receivers:0:Id=sim", "--BeidouHub:Receivers:0:Source=sim://?rate=1",
            .. Credentials.Application(0, "monitoring", [hash], receivers: ["*"], rpcs: ["receivers"], coordinates: []),
        ]);
        var receivers = new Protocol.V1.Receivers.ReceiversClient(service.Channel);

        var statuses = new List<StatusCode>();
        for (int i = 0; i < FailureLimiter.Limit * 2; i++)
        {
            statuses.Add(await Credentials.StatusOf(() => receivers.ListReceiversAsync(new ListReceiversRequest()).ResponseAsync));
        }

        Assert.All(statuses, s => Assert.Equal(StatusCode.Unauthenticated, s));
    }

    [Fact]
    public async Task Calls_HugeMetadata_RefusedAndTheServiceServesOn()
    {
        (string key, string hash) = ApiKey.Generate();
        await using ServiceFixture service = await ServiceFixture.StartAsync(
        [
            "--BeidouHub:Receivers:0:Id=sim", "--BeidouHub:Receivers:0:Source=sim://?rate=1",
            .. Credentials.Application(0, "monitoring", [hash], receivers: ["*"], rpcs: ["receivers"], coordinates: []),
        ]);
        var receivers = new Protocol.V1.Receivers.ReceiversClient(service.Channel);
        var huge = new Metadata { { "authorization", "Bearer " + key }, { "x-padding", new string('x', 64 * 1024) } };

        StatusCode refused = await Credentials.StatusOf(() => receivers.ListReceiversAsync(new ListReceiversRequest(), huge).ResponseAsync);
        using var fresh = GrpcChannel.ForAddress(service.Address);
        ListReceiversResponse after = await new Protocol.V1.Receivers.ReceiversClient(fresh).ListReceiversAsync(new ListReceiversRequest(), Credentials.Bearer(key));

        Assert.NotEqual(StatusCode.OK, refused);
        Assert.Equal("sim", Assert.Single(after.Receivers).Id);
    }

    [Fact]
    public async Task Calls_OpenService_EverythingWithoutCredential()
    {
        await using ServiceFixture service = await ServiceFixture.StartAsync("--BeidouHub:Receivers:0:Id=sim", "--BeidouHub:Receivers:0:Source=sim://?rate=5");
        var positions = new Positions.PositionsClient(service.Channel);
        using AsyncServerStreamingCall<Position> call = positions.StreamPositions(new StreamPositionsRequest { Coordinates = { CoordinateSystem.Grid, CoordinateSystem.Bd09 } });

        Assert.True(await call.ResponseStream.MoveNext());

        Position p = call.ResponseStream.Current;
        Assert.True(p.HasLatitude);
        Assert.NotNull(p.Grid);
        Assert.NotNull(p.Bd09);
        Assert.True(service.Services.GetService(typeof(AccessControl)) is AccessControl { Current.IsOpen: true });
    }

    [Fact]
    public async Task Audit_FailuresAndAStream_RateLimitedLinesWithKeyIdsNeverKeys()
    {
        (string key, string hash) = ApiKey.Generate();
        string keyId = key[4..12];
        string wrong = key[..^4] + (key[^4..] == "AAAA" ? "BBBB" : "AAAA");
        var logs = new CapturedLogs();
        await using ServiceFixture service = await ServiceFixture.StartAsync(TimeProvider.System, logs,
        [
            "--BeidouHub:Receivers:0:Id=sim", "--BeidouHub:Receivers:0:Source=sim://?rate=5", "--Logging:LogLevel:BeidouHub.Audit=Information",
            .. Credentials.Application(0, "logistics", [hash], receivers: ["*"], rpcs: ["positions"], coordinates: ["*"]),
        ]);
        var positions = new Positions.PositionsClient(service.Channel);
        for (int i = 0; i < 6; i++)
        {
            await Credentials.StatusOf(() => positions.GetLatestPositionsAsync(new GetLatestPositionsRequest(), Credentials.Bearer(wrong)).ResponseAsync);
        }

        using (var cancel = new CancellationTokenSource())
        {
            using AsyncServerStreamingCall<Position> call = positions.StreamPositions(new StreamPositionsRequest(), Credentials.Bearer(key), cancellationToken: cancel.Token);
            Assert.True(await call.ResponseStream.MoveNext());
            await cancel.CancelAsync();
        }

        await Eventually.True(() => logs.Lines.Any(l => l.Message.StartsWith("stream closed", StringComparison.Ordinal)), "the stream's closing line");
        List<string> audit = [.. logs.Lines.Where(l => l.Category == "BeidouHub.Audit").Select(l => l.Message)];

        Assert.Equal(3, audit.Count(l => l.StartsWith($"authentication failed: /beidouhub.v1.Positions/GetLatestPositions from ipv4:127.0.0.1:", StringComparison.Ordinal) && l.EndsWith($": key {keyId} does not match its hash", StringComparison.Ordinal)));
        Assert.Single(audit, l => l.StartsWith("authentication failures from ipv4:127.0.0.1:", StringComparison.Ordinal) && l.Contains("further ones are not logged", StringComparison.Ordinal));
        Assert.Single(audit, l => l.StartsWith($"stream opened: /beidouhub.v1.Positions/StreamPositions by logistics (key {keyId}) from ipv4:127.0.0.1:", StringComparison.Ordinal));
        Assert.Single(audit, l => l.StartsWith("stream closed: /beidouhub.v1.Positions/StreamPositions by logistics from ipv4:127.0.0.1:", StringComparison.Ordinal) && l.Contains(": Cancelled after ", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Message.Contains(key[13..], StringComparison.Ordinal) || l.Message.Contains(wrong[13..], StringComparison.Ordinal));
    }

    private static async Task<List<string>> ListServices(ServerReflection.ServerReflectionClient reflection, Metadata? headers)
    {
        using AsyncDuplexStreamingCall<ServerReflectionRequest, ServerReflectionResponse> call = reflection.ServerReflectionInfo(headers);
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());
        return [.. call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name)];
    }
}
