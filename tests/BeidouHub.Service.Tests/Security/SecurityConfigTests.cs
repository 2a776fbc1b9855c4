using System.Security.Cryptography;
using BeidouHub.Service.Configuration;
using BeidouHub.Service.Security;
using Microsoft.IdentityModel.Tokens;

namespace BeidouHub.Service.Tests.Security;

public class SecurityConfigTests
{
    private static readonly string Hash = ApiKey.Generate().Hash;

    private static ApplicationConfig App(string id = "logistics", string? hash = null) => new()
    {
        Id = id,
        Keys = [hash ?? Hash],
        Receivers = ["truck-*"],
        Rpcs = ["positions"],
        Coordinates = ["park"],
    };

    [Fact]
    public void Build_WellFormedApplication_ScopeAsConfigured()
    {
        ApplicationConfig a = App();
        a.Zones = ["loading-dock"];
        a.Rpcs = ["positions", "Zones"];
        a.Coordinates = ["park", "gcj02"];
        a.MaxRateHz = 2;

        List<string> errors = SecurityConfig.Build([a], null, allowAnonymous: false, out SecurityState? state);

        Assert.Empty(errors);
        ConfiguredApplication app = state!.Applications["logistics"];
        Assert.Equal(ApiParts.Positions | ApiParts.Zones, app.Scope.Apis);
        Assert.Equal(CoordinateParts.Park | CoordinateParts.Gcj02, app.Scope.Coordinates);
        Assert.True(app.Scope.Receivers.Matches("truck-3"));
        Assert.False(app.Scope.Receivers.Matches("gate-1"));
        Assert.True(app.Scope.Zones.Matches("loading-dock"));
        Assert.False(app.Scope.Zones.Matches("main-gate"));
        Assert.Equal(2, app.Scope.MaxRateHz);
        Assert.Same(app, state.Keys[Hash.Split(':')[1]].Application);
        Assert.False(state.IsOpen);
    }

    [Fact]
    public void Build_StarEverywhere_AllParts()
    {
        ApplicationConfig a = App();
        a.Rpcs = ["*"];
        a.Coordinates = ["*"];
        a.Receivers = ["*"];

        SecurityConfig.Build([a], null, false, out SecurityState? state);

        ApplicationScope scope = state!.Applications["logistics"].Scope;
        Assert.Equal(ApiParts.All, scope.Apis);
        Assert.Equal(CoordinateParts.All, scope.Coordinates);
        Assert.True(scope.Receivers.IsAll);
        Assert.True(scope.Zones.IsEmpty);
    }

    [Fact]
    public void Build_Nothing_OpenState()
    {
        List<string> errors = SecurityConfig.Build([], null, false, out SecurityState? state);

        Assert.Empty(errors);
        Assert.True(state!.IsOpen);
        Assert.Contains("every client sees everything (loopback only)", state.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_EachBadValue_OneLineNamingIt()
    {
        ApplicationConfig bad = new()
        {
            Id = "bad",
            Keys = [Hash, "sha256:nothex", "bhk_0123abcd_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
            Receivers = [],
            Zones = [" spaced "],
            Rpcs = ["positions", "telepathy"],
            Coordinates = ["wgs84"],
            MaxRateHz = -1,
        };
        ApplicationConfig noRpcs = new() { Id = "quiet", Receivers = ["*"] };

        List<string> errors = SecurityConfig.Build([App("ok", Hash), bad, new ApplicationConfig(), App("ok", ApiKey.Generate().Hash), noRpcs], null, false, out SecurityState? state);

        Assert.Null(state);
        Assert.Equal(
            [
                $"BeidouHub:Applications:1:Keys:0: key id {Hash.Split(':')[1]} is already BeidouHub:Applications:0:Keys:0's; make a new key",
                "BeidouHub:Applications:1:Keys:1: not a key hash (expected sha256:<key id>:<salt>:<hash> as 'beidouhub key new' prints it)",
                "BeidouHub:Applications:1:Keys:2: this is a key itself, not its hash; configuration holds only hashes ('beidouhub key new bad' prints both)",
                "BeidouHub:Applications:1:Receivers: empty; list receiver ids or patterns (truck-*), or \"*\" for all receivers",
                "BeidouHub:Applications:1:Zones:0: ' spaced ' is not an id or pattern (no spaces around it, at most 256 characters)",
                "BeidouHub:Applications:1:Rpcs:1: unknown 'telepathy'; one of positions, sky, zones, receivers, or \"*\"",
                "BeidouHub:Applications:1:Coordinates:0: unknown 'wgs84'; one of geodetic, grid, park, gcj02, bd09, or \"*\"",
                "BeidouHub:Applications:1:MaxRateHz: -1; 0 (no cap) or a positive rate",
                "BeidouHub:Applications:2:Id: missing",
                "BeidouHub:Applications:3:Id: duplicate application id 'ok'",
                "BeidouHub:Applications:4:Rpcs: empty; list what it may call: positions, sky, zones, receivers, or \"*\"",
            ],
            errors);
    }

    [Fact]
    public void Build_CertificateThumbprints_OpensslAndPlainFormsTakenOtherFormsOneLineEach()
    {
        string a = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        string b = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        string opensslForm = string.Join(':', Enumerable.Range(0, 32).Select(i => b.Substring(2 * i, 2)));
        ApplicationConfig yard = App("yard");
        yard.Certificates = [a, opensslForm];
        ApplicationConfig bad = App("bad", ApiKey.Generate().Hash);
        bad.Certificates = [new string('c', 40), "sha256:" + a[..10], a.ToUpperInvariant(), a + "00"];

        List<string> good = SecurityConfig.Build([yard], null, false, clientCertificates: true, out SecurityState? state);
        List<string> errors = SecurityConfig.Build([yard, bad], null, false, clientCertificates: true, out SecurityState? none);

        Assert.Empty(good);
        Assert.Equal([a, b.ToLowerInvariant()], state!.Applications["yard"].Certificates);
        Assert.Same(state.Applications["yard"], state.Certificates[b.ToLowerInvariant()].Application);
        Assert.Contains("1 application(s) with 1 key(s) and 2 client certificate(s)", state.Summary, StringComparison.Ordinal);
        Assert.Null(none);
        Assert.Equal(
            [
                "BeidouHub:Applications:1:Certificates:0: a SHA-1 thumbprint; give the certificate's SHA-256 one ('beidouhub key cert FILE bad' prints it)",
                "BeidouHub:Applications:1:Certificates:1: not a SHA-256 thumbprint (64 hex digits) ('beidouhub key cert FILE bad' prints it)",
                $"BeidouHub:Applications:1:Certificates:2: certificate {a[..16]}... is already BeidouHub:Applications:0:Certificates:0's; one certificate is one application",
                "BeidouHub:Applications:1:Certificates:3: not a SHA-256 thumbprint (64 hex digits) ('beidouhub key cert FILE bad' prints it)",
            ],
            errors);
    }

    [Fact]
    public void Build_CertificatesWhileNoClientIsAskedForOne_OneLine()
    {
        ApplicationConfig yard = App("yard");
        yard.Certificates = [Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), "not even a thumbprint"];

        List<string> errors = SecurityConfig.Build([yard], null, false, out SecurityState? state);
        var options = new BeidouHubOptions { Applications = [yard] };
        options.Tls.ClientCertificates = TlsClientCertificates.Allow;

        Assert.Null(state);
        Assert.Equal(["BeidouHub:Applications:0:Certificates: the service asks no client for a certificate; set BeidouHub:Tls:ClientCertificates to Allow or Require, with ClientCaFile (on BeidouHub:Listen: Kestrel:Endpoints does not take client certificates here)"], errors);
        Assert.Equal(["BeidouHub:Applications:0:Certificates:1: not a SHA-256 thumbprint (64 hex digits) ('beidouhub key cert FILE yard' prints it)"], SecurityConfig.Errors(options));
    }

    [Fact]
    public void Fingerprint_ThumbprintAdded_Changes()
    {
        ApplicationConfig yard = App("yard");
        SecurityConfig.Build([yard], null, false, clientCertificates: true, out SecurityState? before);
        yard.Certificates = [Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))];
        SecurityConfig.Build([yard], null, false, clientCertificates: true, out SecurityState? after);

        Assert.NotEqual(before!.Fingerprint, after!.Fingerprint);
        Assert.Equal(before.Applications["yard"].Scope.Fingerprint, after.Applications["yard"].Scope.Fingerprint);
    }

    [Fact]
    public void Build_PositionsWithoutCoordinates_Error()
    {
        ApplicationConfig a = App();
        a.Coordinates = [];

        List<string> errors = SecurityConfig.Build([a], null, false, out _);

        Assert.Equal(["BeidouHub:Applications:0:Coordinates: empty, so its positions would carry none; list geodetic, grid, park, gcj02, bd09, or \"*\""], errors);
    }

    [Fact]
    public void Build_JwtWithoutIssuerAudienceOrKeys_ALineEach()
    {
        List<string> errors = SecurityConfig.Build([], new JwtConfig { ClockSkew = TimeSpan.FromHours(1) }, false, out _);

        Assert.Equal(
            [
                "BeidouHub:Jwt:Issuer: missing (the iss tokens carry)",
                "BeidouHub:Jwt:Audience: missing (the aud tokens carry)",
                "BeidouHub:Jwt: give SigningKeyFile (PEM public key or certificate) or JwksFile, or Authority to fetch the keys",
                "BeidouHub:Jwt:ClockSkew: 01:00:00; between 00:00:00 and 00:10:00",
            ],
            errors);
    }

    [Fact]
    public void Build_JwtKeyFiles_RsaPemEcJwksLoadedGarbageRefused()
    {
        string dir = Directory.CreateTempSubdirectory("beidouhub-jwt-").FullName;
        try
        {
            using var rsa = RSA.Create(2048);
            using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            File.WriteAllText(Path.Combine(dir, "rsa.pem"), rsa.ExportSubjectPublicKeyInfoPem());
            string jwks = $$"""{"keys":[{{System.Text.Json.JsonSerializer.Serialize(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ec) { KeyId = "ec-1" }))}}]}""";
            File.WriteAllText(Path.Combine(dir, "jwks.json"), jwks);
            File.WriteAllText(Path.Combine(dir, "garbage.pem"), "not a key");
            var config = new JwtConfig { Issuer = "https://idp.park", Audience = "beidouhub", SigningKeyFile = Path.Combine(dir, "rsa.pem"), JwksFile = Path.Combine(dir, "jwks.json") };

            List<string> errors = SecurityConfig.Build([], config, false, out SecurityState? state);
            config.SigningKeyFile = Path.Combine(dir, "garbage.pem");
            config.JwksFile = Path.Combine(dir, "missing.json");
            List<string> bad = SecurityConfig.Build([], config, false, out _);

            Assert.Empty(errors);
            Assert.Collection(state!.Jwt!.SigningKeys, k => Assert.IsType<RsaSecurityKey>(k), k => Assert.Equal("ec-1", k.KeyId));
            Assert.False(state.IsOpen);
            Assert.Equal(2, bad.Count);
            Assert.StartsWith($"BeidouHub:Jwt:SigningKeyFile '{Path.Combine(dir, "garbage.pem")}': no PEM public key", bad[0], StringComparison.Ordinal);
            Assert.StartsWith($"BeidouHub:Jwt:JwksFile '{Path.Combine(dir, "missing.json")}': ", bad[1], StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Errors_Options_SameLinesAsBuild()
    {
        var options = new BeidouHubOptions { Applications = [new ApplicationConfig { Id = "x", Receivers = ["*"], Rpcs = ["receivers"] }] };

        Assert.Empty(SecurityConfig.Errors(options));
        options.Applications[0].Rpcs = [];
        Assert.Single(SecurityConfig.Errors(options));
    }

    [Fact]
    public void Fingerprint_KeyRotated_Changes_SameConfig_Same()
    {
        SecurityConfig.Build([App()], null, false, out SecurityState? one);
        SecurityConfig.Build([App()], null, false, out SecurityState? same);
        SecurityConfig.Build([App(hash: ApiKey.Generate().Hash)], null, false, out SecurityState? rotated);

        Assert.Equal(one!.Fingerprint, same!.Fingerprint);
        Assert.NotEqual(one.Fingerprint, rotated!.Fingerprint);
        Assert.Equal(one.Applications["logistics"].Scope.Fingerprint, rotated.Applications["logistics"].Scope.Fingerprint);
    }
}
