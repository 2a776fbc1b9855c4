using System.Security.Cryptography;
using BeidouHub.Protocol.V1;
using BeidouHub.Service.Tests.Support;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

namespace BeidouHub.Service.Tests.Security;

/// <summary>JWT bearer tokens signed in the test with keys made in the test, against the real service; the service's clock is a FakeTimeProvider.</summary>
public sealed class JwtBearerSetupTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 3, 0, 0, TimeSpan.Zero));
    private readonly TestIssuer _issuer = new();

    private static readonly string[] Fleet =
    [
        "--BeidouHub:Receivers:0:Id=truck", "--BeidouHub:Receivers:0:Source=sim://?fleet=2&rate=20",
        "--BeidouHub:Receivers:1:Id=gate", "--BeidouHub:Receivers:1:Source=sim://?fleet=2&rate=20&seed=2",
        "--BeidouHub:Geo:Park:OriginNorthing=3082900", "--BeidouHub:Geo:Park:OriginEasting=418000",
    ];

    public void Dispose() => _issuer.Dispose();

    private Task<ServiceFixture> Start(params string[] more) => ServiceFixture.StartAsync(_time, [.. Fleet, .. _issuer.Configuration, .. more]);

    private static Dictionary<string, object> Claims(string receivers = "truck-*", string rpcs = "positions", string coords = "*") => new()
    {
        ["sub"] = "user-17",
        ["azp"] = "logistics",
        ["bh_receivers"] = receivers,
        ["bh_rpcs"] = rpcs.Split(' '),
        ["bh_coords"] = coords,
    };

    [Fact]
    public async Task StreamPositions_TokenScopedByClaims_OnlyItsReceiversAndCoordinates()
    {
        await using ServiceFixture service = await Start();
        var positions = new Positions.PositionsClient(service.Channel);
        string token = _issuer.Token(_time.GetUtcNow(), TimeSpan.FromHours(1), Claims(coords: "park grid"));

        using var stream = new StreamCollector<Position>(c => positions.StreamPositions(new StreamPositionsRequest { Coordinates = { CoordinateSystem.Park } }, Credentials.Bearer(token), cancellationToken: c));
        await Eventually.True(() => stream.Count >= 100, "100 positions");
        StatusCode gcj = await Credentials.StatusOf(async () =>
        {
            using AsyncServerStreamingCall<Position> call = positions.StreamPositions(new StreamPositionsRequest { Coordinates = { CoordinateSystem.Gcj02 } }, Credentials.Bearer(token));
            await call.ResponseStream.MoveNext();
        });

        Assert.Equal(["truck-0", "truck-1"], stream.Items.Select(p => p.ReceiverId).Distinct().Order());
        Assert.All(stream.Items, p => Assert.False(p.HasLatitude));
        Assert.Contains(stream.Items, p => p.Park is not null);
        Assert.Equal(StatusCode.PermissionDenied, gcj);
    }

    [Fact]
    public async Task Calls_BadTokens_Unauthenticated_TokenWithoutRpcs_PermissionDenied()
    {
        await using ServiceFixture service = await Start();
        var positions = new Positions.PositionsClient(service.Channel);
        DateTimeOffset now = _time.GetUtcNow();
        using var stranger = RSA.Create(2048);
        var strangerSigning = new SigningCredentials(new RsaSecurityKey(stranger), SecurityAlgorithms.RsaSha256);
        Task<StatusCode> Latest(string token) => Credentials.StatusOf(() => positions.GetLatestPositionsAsync(new GetLatestPositionsRequest(), Credentials.Bearer(token)).ResponseAsync);

        var results = new Dictionary<string, StatusCode>
        {
            ["valid"] = await Latest(_issuer.Token(now, TimeSpan.FromMinutes(5), Claims())),
            ["expired"] = await Latest(_issuer.Token(now, TimeSpan.FromSeconds(-1), Claims())),
            ["not yet valid"] = await Latest(_issuer.Token(now.AddMinutes(10), TimeSpan.FromMinutes(5), Claims())),
            ["other signer"] = await Latest(_issuer.Token(now, TimeSpan.FromMinutes(5), Claims(), signing: strangerSigning)),
            ["other audience"] = await Latest(_issuer.Token(now, TimeSpan.FromMinutes(5), Claims(), audience: "someone-else")),
            ["no rpcs claim"] = await Latest(_issuer.Token(now, TimeSpan.FromMinutes(5), new Dictionary<string, object> { ["azp"] = "logistics", ["bh_receivers"] = "*" })),
            ["sky not in rpcs"] = await Credentials.StatusOf(async () =>
            {
                using AsyncServerStreamingCall<SkyView> call = positions.StreamSky(new StreamSkyRequest(), Credentials.Bearer(_issuer.Token(now, TimeSpan.FromMinutes(5), Claims())));
                await call.ResponseStream.MoveNext();
            }),
        };

        Assert.Equal(
            new Dictionary<string, StatusCode>
            {
                ["valid"] = StatusCode.OK,
                ["expired"] = StatusCode.Unauthenticated,
                ["not yet valid"] = StatusCode.Unauthenticated,
                ["other signer"] = StatusCode.Unauthenticated,
                ["other audience"] = StatusCode.Unauthenticated,
                ["no rpcs claim"] = StatusCode.PermissionDenied,
                ["sky not in rpcs"] = StatusCode.PermissionDenied,
            },
            results);
    }

    [Fact]
    public async Task StreamPositions_TokenExpiresWhileStreaming_EndsUnauthenticated()
    {
        await using ServiceFixture service = await Start();
        var positions = new Positions.PositionsClient(service.Channel);
        string token = _issuer.Token(_time.GetUtcNow(), TimeSpan.FromMinutes(5), Claims());
        string longer = _issuer.Token(_time.GetUtcNow(), TimeSpan.FromHours(1), Claims());
        using var shortLived = new StreamCollector<Position>(c => positions.StreamPositions(new StreamPositionsRequest(), Credentials.Bearer(token), cancellationToken: c));
        using var longLived = new StreamCollector<Position>(c => positions.StreamPositions(new StreamPositionsRequest(), Credentials.Bearer(longer), cancellationToken: c));
        await Eventually.True(() => shortLived.Count > 10 && longLived.Count > 10, "both streaming");

        _time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        await Eventually.True(() => shortLived.Ended is not null, "the expired token's stream ended");
        int longCount = longLived.Count;
        await Eventually.True(() => longLived.Count > longCount + 10, "the other stream going on");

        Assert.Equal(StatusCode.Unauthenticated, shortLived.Ended);
        Assert.Contains("expired", shortLived.EndDetail, StringComparison.Ordinal);
        Assert.Null(longLived.Ended);
    }

    [Fact]
    public async Task StreamPositions_EcdsaKeyFromJwks_Accepted()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = new ECDsaSecurityKey(ec) { KeyId = "park-idp-2026" };
        string jwks = Path.Combine(Path.GetDirectoryName(_issuer.PemFile)!, "jwks.json");
        await File.WriteAllTextAsync(jwks, $$"""{"keys":[{{System.Text.Json.JsonSerializer.Serialize(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(key))}}]}""");
        await using ServiceFixture service = await Start("--BeidouHub:Jwt:JwksFile=" + jwks);
        var positions = new Positions.PositionsClient(service.Channel);
        string token = _issuer.Token(_time.GetUtcNow(), TimeSpan.FromMinutes(5), Claims(receivers: "gate-1"), signing: new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256));

        using AsyncServerStreamingCall<Position> call = positions.StreamPositions(new StreamPositionsRequest(), Credentials.Bearer(token));
        Assert.True(await call.ResponseStream.MoveNext());

        Assert.Equal("gate-1", call.ResponseStream.Current.ReceiverId);
    }
}
