using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using BeidouHub.Protocol.V1;
using BeidouHub.Service.Configuration;
using BeidouHub.Service.Security;
using BeidouHub.Service.Tests.Support;
using BeidouHub.Service.Verbs;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Time.Testing;

namespace BeidouHub.Service.Tests.Security;

/// <summary>
/// Applications identified by their client certificate (mTLS): the real service over TLS with
/// tls-dev's CA and client certificates, real Grpc.Net.Client channels each holding one
/// certificate, and the watch verb.
/// </summary>
public class ClientCertificateSetupTests
{
    private static readonly string[] Fleet =
    [
        "--BeidouHub:Receivers:0:Id=truck", "--BeidouHub:Receivers:0:Source=sim://?fleet=2&rate=20",
        "--BeidouHub:Receivers:1:Id=gate", "--BeidouHub:Receivers:1:Source=sim://?fleet=2&rate=20&seed=2",
        "--BeidouHub:Geo:Park:OriginNorthing=3082900", "--BeidouHub:Geo:Park:OriginEasting=418000",
    ];

    /// <summary>The command-line configuration of an application identified by certificates.</summary>
    private static IEnumerable<string> CertificateApplication(int index, string id, string[] thumbprints, string[] receivers, string[] rpcs, string[] coordinates)
    {
        string at = $"--BeidouHub:Applications:{index}";
        foreach (string line in Credentials.Application(index, id, [], receivers, rpcs, coordinates))
        {
            yield return line;
        }

        for (int i = 0; i < thumbprints.Length; i++)
        {
            yield return $"{at}:Certificates:{i}={thumbprints[i]}";
        }
    }

    private static Task<StatusCode> FirstPosition(Positions.PositionsClient positions, StreamPositionsRequest request, Metadata? headers = null) => Credentials.StatusOf(async () =>
    {
        using AsyncServerStreamingCall<Position> call = positions.StreamPositions(request, headers);
        Assert.True(await call.ResponseStream.MoveNext());
    });

    [Fact]
    public async Task StreamPositions_CertificateApplication_ExactlyItsScope()
    {
        using TlsTestFiles tls = TlsTestFiles.WithClients("yard", "gate-office");
        var logs = new CapturedLogs();
        await using ServiceFixture service = await ServiceFixture.StartAsync(TimeProvider.System, logs,
        [
            .. Fleet, .. tls.MtlsArguments("Require"), "--Logging:LogLevel:BeidouHub.Audit=Information",
            .. CertificateApplication(0, "yard", [TlsTestFiles.Thumbprint(tls.Client("yard").Certificate)], receivers: ["truck-*"], rpcs: ["positions"], coordinates: ["park"]),
            .. CertificateApplication(1, "gate-office", [TlsTestFiles.Thumbprint(tls.Client("gate-office").Certificate)], receivers: ["gate-*"], rpcs: ["positions", "receivers"], coordinates: ["*"]),
        ]);
        using GrpcChannel yardChannel = tls.Channel(service.Address, tls.Client("yard"));
        using GrpcChannel gateChannel = tls.Channel(service.Address, tls.Client("gate-office"));
        var yard = new Positions.PositionsClient(yardChannel);

        using var stream = new StreamCollector<Position>(c => yard.StreamPositions(new StreamPositionsRequest { Coordinates = { CoordinateSystem.Park } }, cancellationToken: c));
        await Eventually.True(() => stream.Count >= 300, "300 positions for the certificate application");
        StatusCode gateReceiver = await FirstPosition(yard, new StreamPositionsRequest { ReceiverIds = { "gate-0" } });
        StatusCode grid = await FirstPosition(yard, new StreamPositionsRequest { Coordinates = { CoordinateSystem.Grid } });
        StatusCode receivers = await Credentials.StatusOf(() => new Protocol.V1.Receivers.ReceiversClient(yardChannel).ListReceiversAsync(new ListReceiversRequest()).ResponseAsync);
        ListReceiversResponse gateList = await new Protocol.V1.Receivers.ReceiversClient(gateChannel).ListReceiversAsync(new ListReceiversRequest());

        Assert.Equal(["truck-0", "truck-1"], stream.Items.Select(p => p.ReceiverId).Distinct().Order());
        Assert.All(stream.Items, p => Assert.False(p.HasLatitude));
        Assert.All(stream.Items, p => Assert.NotNull(p.Park));
        Assert.Equal(StatusCode.PermissionDenied, gateReceiver);
        Assert.Equal(StatusCode.PermissionDenied, grid);
        Assert.Equal(StatusCode.PermissionDenied, receivers);
        Assert.Equal(["gate-0", "gate-1"], gateList.Receivers.Select(r => r.Id).Order());
        string prefix = TlsTestFiles.Thumbprint(tls.Client("yard").Certificate)[..16];
        Assert.Contains(logs.Lines, l => l.Category == "BeidouHub.Audit"
            && l.Message.StartsWith($"stream opened: /beidouhub.v1.Positions/StreamPositions by yard (certificate {prefix}... (CN=yard, O=BeidouHub tls-dev)) from ipv4:127.0.0.1:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Calls_CertificateOfTheCaThatNoApplicationLists_UnauthenticatedNotCountedAsGuesses()
    {
        using TlsTestFiles tls = TlsTestFiles.WithClients("yard");
        (string key, string hash) = ApiKey.Generate();
        var logs = new CapturedLogs();
        await using ServiceFixture service = await ServiceFixture.StartAsync(TimeProvider.System, logs,
        [
            .. Fleet, .. tls.MtlsArguments("Require"),
            .. CertificateApplication(0, "yard", [TlsTestFiles.Thumbprint(tls.Client("yard").Certificate)], receivers: ["truck-*"], rpcs: ["positions"], coordinates: ["*"]),
            .. Credentials.Application(1, "monitoring", [hash], receivers: ["*"], rpcs: ["receivers"], coordinates: []),
        ]);

        // tls-dev's own client.pem: issued by the same CA, so the handshake takes it; no application lists it.
        using GrpcChannel stranger = tls.Channel(service.Address, tls.Files.Client, tls.Files.ClientKey);
        var positions = new Positions.PositionsClient(stranger);
        var details = new List<string>();
        for (int i = 0; i < FailureLimiter.Limit + 2; i++)
        {
            try
            {
                await positions.GetLatestPositionsAsync(new GetLatestPositionsRequest());
                details.Add("OK");
            }
            catch (RpcException e)
            {
                details.Add($"{e.StatusCode}: {e.Status.Detail}");
            }
        }

        StatusCode keyFromThatAddress = await Credentials.StatusOf(() => new Protocol.V1.Receivers.ReceiversClient(stranger).ListReceiversAsync(new ListReceiversRequest(), Credentials.Bearer(key)).ResponseAsync);

        string prefix = TlsTestFiles.Thumbprint(tls.Files.Client)[..16];
        string expected = $"Unauthenticated: certificate {prefix}... (CN={TlsDevCertificates.ClientName}, O=BeidouHub tls-dev) is not in any application's Certificates";
        Assert.All(details, d => Assert.Equal(expected, d));
        Assert.Equal(StatusCode.OK, keyFromThatAddress);
        Assert.Contains(logs.Lines, l => l.Category == "BeidouHub.Audit"
            && l.Message.StartsWith("authentication failed: /beidouhub.v1.Positions/GetLatestPositions from ipv4:127.0.0.1:", StringComparison.Ordinal)
            && l.Message.EndsWith($": certificate {prefix}... (CN={TlsDevCertificates.ClientName}, O=BeidouHub tls-dev) is not in any application's Certificates", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Calls_BearerBesideACertificate_TheBearerDecides()
    {
        using TlsTestFiles tls = TlsTestFiles.WithClients("yard");
        (string key, string hash) = ApiKey.Generate();
        await using ServiceFixture service = await ServiceFixture.StartAsync(
        [
            .. Fleet, .. tls.MtlsArguments("Allow"),
            .. CertificateApplication(0, "yard", [TlsTestFiles.Thumbprint(tls.Client("yard").Certificate)], receivers: ["truck-*"], rpcs: ["positions"], coordinates: ["*"]),
            .. Credentials.Application(1, "gate-office", [hash], receivers: ["gate-*"], rpcs: ["positions"], coordinates: ["*"]),
        ]);
        using GrpcChannel channel = tls.Channel(service.Address, tls.Client("yard"));
        var positions = new Positions.PositionsClient(channel);
        await Eventually.True(() => service.Hub.Latest.Count() == 4, "all four receivers have a position");

        GetLatestPositionsResponse byCertificate = await positions.GetLatestPositionsAsync(new GetLatestPositionsRequest());
        GetLatestPositionsResponse byKey = await positions.GetLatestPositionsAsync(new GetLatestPositionsRequest(), Credentials.Bearer(key));
        string wrong = key[..^1] + (key[^1] == 'A' ? 'B' : 'A');
        StatusCode wrongKey = await Credentials.StatusOf(() => positions.GetLatestPositionsAsync(new GetLatestPositionsRequest(), Credentials.Bearer(wrong)).ResponseAsync);

        Assert.Equal(["truck-0", "truck-1"], byCertificate.Positions.Select(p => p.ReceiverId).Order());
        Assert.Equal(["gate-0", "gate-1"], byKey.Positions.Select(p => p.ReceiverId).Order());
        Assert.Equal(StatusCode.Unauthenticated, wrongKey);
    }

    [Fact]
    public async Task Reload_ThumbprintRemoved_ItsStreamEndsUnauthenticatedTheOtherStreamsOn()
    {
        using TlsTestFiles tls = TlsTestFiles.WithClients("yard", "gate-office");
        string yard = TlsTestFiles.Thumbprint(tls.Client("yard").Certificate);
        string gate = TlsTestFiles.Thumbprint(tls.Client("gate-office").Certificate);
        string root = Directory.CreateTempSubdirectory("beidouhub-mtls-reload-").FullName;
        try
        {
            WriteAppSettings(root, ("yard", [yard]), ("gate-office", [gate]));
            var logs = new CapturedLogs();
            await using ServiceFixture service = await ServiceFixture.StartAsync(TimeProvider.System, logs,
                ["--contentRoot=" + root, .. Fleet, .. tls.MtlsArguments("Require"), "--Logging:LogLevel:BeidouHub.Audit=Information"]);
            var access = (AccessControl)service.Services.GetService(typeof(AccessControl))!;
            using GrpcChannel yardChannel = tls.Channel(service.Address, tls.Client("yard"));
            using GrpcChannel gateChannel = tls.Channel(service.Address, tls.Client("gate-office"));
            var yardPositions = new Positions.PositionsClient(yardChannel);
            using var yardStream = new StreamCollector<Position>(c => yardPositions.StreamPositions(new StreamPositionsRequest(), cancellationToken: c));
            using var gateStream = new StreamCollector<Position>(c => new Positions.PositionsClient(gateChannel).StreamPositions(new StreamPositionsRequest(), cancellationToken: c));
            await Eventually.True(() => yardStream.Count > 20 && gateStream.Count > 20, "both certificate applications streaming");

            WriteAppSettings(root, ("yard", []), ("gate-office", [gate]));
            await Eventually.True(() => yardStream.Ended is not null, "the removed certificate's stream ended");
            int gateCount = gateStream.Count;
            await Eventually.True(() => gateStream.Count > gateCount + 20, "the other application streaming on");
            StatusCode removedNow = await FirstPosition(yardPositions, new StreamPositionsRequest());
            StatusCode removedUnary = await Credentials.StatusOf(() => yardPositions.GetLatestPositionsAsync(new GetLatestPositionsRequest()).ResponseAsync);
            WriteAppSettings(root, ("yard", [yard]), ("gate-office", [gate]));
            await Eventually.True(() => access.Current.Certificates.Count == 2, "the thumbprint added back");
            StatusCode addedBack = await FirstPosition(yardPositions, new StreamPositionsRequest());
            StatusCode addedBackUnary = await Credentials.StatusOf(() => yardPositions.GetLatestPositionsAsync(new GetLatestPositionsRequest()).ResponseAsync);

            Assert.Equal(StatusCode.Unauthenticated, yardStream.Ended);
            Assert.Equal($"certificate {yard[..16]}... (CN=yard, O=BeidouHub tls-dev) was revoked (no longer in application 'yard''s Certificates)", yardStream.EndDetail);
            Assert.Null(gateStream.Ended);
            Assert.Equal(StatusCode.Unauthenticated, removedNow);
            Assert.Equal(StatusCode.Unauthenticated, removedUnary);
            Assert.Equal(StatusCode.OK, addedBack);
            Assert.Equal(StatusCode.OK, addedBackUnary);
            Assert.Contains(logs.Lines, l => l.Category == "BeidouHub.Audit"
                && l.Message.StartsWith("stream ended: /beidouhub.v1.Positions/StreamPositions by yard from ipv4:127.0.0.1:", StringComparison.Ordinal)
                && l.Message.EndsWith($": certificate {yard[..16]}... (CN=yard, O=BeidouHub tls-dev) was revoked (no longer in application 'yard''s Certificates)", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task StreamPositions_CertificateReachesItsNotAfterOnTheServiceClock_EndsUnauthenticatedKeyStreamGoesOn()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        DateTimeOffset notAfter = new(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero);
        notAfter = notAfter.AddHours(2);
        var time = new FakeTimeProvider(now);
        using TlsTestFiles tls = TlsTestFiles.Create(now.AddMinutes(-5), notAfter, [], ["yard"]);
        (string key, string hash) = ApiKey.Generate();
        await using ServiceFixture service = await ServiceFixture.StartAsync(time,
        [
            .. Fleet, .. tls.MtlsArguments("Allow"),
            .. CertificateApplication(0, "yard", [TlsTestFiles.Thumbprint(tls.Client("yard").Certificate)], receivers: ["truck-*"], rpcs: ["positions"], coordinates: ["*"]),
            .. Credentials.Application(1, "gate-office", [hash], receivers: ["gate-*"], rpcs: ["positions"], coordinates: ["*"]),
        ]);
        using GrpcChannel yardChannel = tls.Channel(service.Address, tls.Client("yard"));
        using GrpcChannel keyChannel = tls.Channel(service.Address);
        using var yard = new StreamCollector<Position>(c => new Positions.PositionsClient(yardChannel).StreamPositions(new StreamPositionsRequest(), cancellationToken: c));
        using var gate = new StreamCollector<Position>(c => new Positions.PositionsClient(keyChannel).StreamPositions(new StreamPositionsRequest(), Credentials.Bearer(key), cancellationToken: c));
        await Eventually.True(() => yard.Count > 20 && gate.Count > 20, "both streaming");

        time.Advance(notAfter - now - TimeSpan.FromSeconds(1));
        int yardCount = yard.Count;
        await Eventually.True(() => yard.Count > yardCount + 20 || yard.Ended is not null, "the certificate's stream a second before its NotAfter");
        StatusCode? beforeNotAfter = yard.Ended;
        time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.True(() => yard.Ended is not null, "the certificate's stream ended at its NotAfter");
        int gateCount = gate.Count;
        await Eventually.True(() => gate.Count > gateCount + 20, "the key's stream going on");

        Assert.Null(beforeNotAfter);
        Assert.Equal(StatusCode.Unauthenticated, yard.Ended);
        Assert.Equal($"credential expired at {notAfter.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}", yard.EndDetail);
        Assert.Null(gate.Ended);
    }

    [Fact]
    public async Task Watch_CertAndKeyOfACertificateApplication_PositionsOfItsScope()
    {
        using TlsTestFiles tls = TlsTestFiles.WithClients("yard");
        await using ServiceFixture service = await ServiceFixture.StartAsync(
        [
            .. Fleet, .. tls.MtlsArguments("Require"),
            .. CertificateApplication(0, "yard", [TlsTestFiles.Thumbprint(tls.Client("yard").Certificate)], receivers: ["truck-*"], rpcs: ["positions"], coordinates: ["*"]),
        ]);
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = await WatchVerb.RunAsync(["--url", service.Address.ToString(), "--ca", tls.Ca, "--cert", tls.Client("yard").Certificate, "--key", tls.Client("yard").Key, "--count", "40"], stdout, stderr, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(60));
        int other = await WatchVerb.RunAsync(["--url", service.Address.ToString(), "--ca", tls.Ca, "--cert", tls.Files.Client, "--key", tls.Files.ClientKey, "--count", "1"], new StringWriter(), new StringWriter(), CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exit == 0, stderr.ToString());
        string[] lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(40, lines.Length);
        Assert.All(lines, l => Assert.Matches(" truck-[01] ", l));
        Assert.Equal(1, other);
    }

    [Theory]
    [InlineData("None")]
    [InlineData("plain")]
    [InlineData("Kestrel:Endpoints")]
    public void TryCreate_CertificatesWithoutClientCertificatesAsked_OneLine(string how)
    {
        using TlsTestFiles tls = TlsTestFiles.WithClients("yard");
        string[] listen = how switch
        {
            "None" => tls.ServeArguments(),
            "plain" => ["--BeidouHub:Listen=http://127.0.0.1:0"],
            _ => [.. tls.MtlsArguments("Require"), "--Kestrel:Endpoints:Park:Url=http://127.0.0.1:0"],
        };

        bool created = ServiceApp.TryCreate(
            [.. Fleet, .. listen, .. CertificateApplication(0, "yard", [TlsTestFiles.Thumbprint(tls.Client("yard").Certificate)], receivers: ["*"], rpcs: ["*"], coordinates: ["*"])],
            out Microsoft.AspNetCore.Builder.WebApplication? app, out List<string> errors);

        Assert.False(created);
        Assert.Null(app);
        Assert.Equal(["BeidouHub:Applications:0:Certificates: the service asks no client for a certificate; set BeidouHub:Tls:ClientCertificates to Allow or Require, with ClientCaFile (on BeidouHub:Listen: Kestrel:Endpoints does not take client certificates here)"], errors);
    }

    [Fact]
    public async Task TryCreate_BeyondLoopbackWithOnlyACertificateApplication_CountsAsCredentials()
    {
        using TlsTestFiles tls = TlsTestFiles.WithClients("yard");
        string[] exposed = [.. Fleet, .. tls.MtlsArguments("Require", "--BeidouHub:Listen=https://0.0.0.0:0")];

        bool open = ServiceApp.TryCreate(exposed, out Microsoft.AspNetCore.Builder.WebApplication? openApp, out List<string> openErrors);
        bool secured = ServiceApp.TryCreate(
            [.. exposed, .. CertificateApplication(0, "yard", [TlsTestFiles.Thumbprint(tls.Client("yard").Certificate)], receivers: ["*"], rpcs: ["*"], coordinates: ["*"])],
            out Microsoft.AspNetCore.Builder.WebApplication? securedApp, out List<string> securedErrors);

        Assert.False(open);
        Assert.Equal([AccessControl.ExposureError(SecurityState.None, exposed: true)!], openErrors);
        Assert.True(secured, string.Join("\n", securedErrors));
        Assert.Null(openApp);
        await securedApp!.DisposeAsync();
    }

    [Fact]
    public void Authenticate_ServiceClockOutsideTheCertificateOrTheApplication_RefusedWithTheReason()
    {
        DateTimeOffset start = new(2026, 11, 27, 3, 0, 0, TimeSpan.Zero);
        using TlsTestFiles tls = TlsTestFiles.Create(start, start.AddDays(30), [], ["yard"]);
        using X509Certificate2 certificate = X509Certificate2.CreateFromPem(File.ReadAllText(tls.Client("yard").Certificate));
        string thumbprint = TlsTestFiles.Thumbprint(tls.Client("yard").Certificate);
        ApplicationConfig app = new() { Id = "yard", Certificates = [thumbprint], Receivers = ["*"], Rpcs = ["positions"], Coordinates = ["*"] };
        Assert.Empty(SecurityConfig.Build([app], null, false, clientCertificates: true, out SecurityState? state));
        app.Expires = start.AddDays(10);
        Assert.Empty(SecurityConfig.Build([app], null, false, clientCertificates: true, out SecurityState? expiring));
        string described = $"certificate {thumbprint[..16]}... (CN=yard, O=BeidouHub tls-dev)";

        Grant? valid = ClientCertificateSetup.Authenticate(certificate, state!, new FakeTimeProvider(start.AddDays(1)), out string? validFailure);
        Assert.Null(ClientCertificateSetup.Authenticate(certificate, state!, new FakeTimeProvider(start.AddDays(30)), out string? expired));
        Assert.Null(ClientCertificateSetup.Authenticate(certificate, state!, new FakeTimeProvider(start.AddSeconds(-1)), out string? early));
        Assert.Null(ClientCertificateSetup.Authenticate(certificate, expiring!, new FakeTimeProvider(start.AddDays(10)), out string? applicationExpired));
        Assert.Null(ClientCertificateSetup.Authenticate(certificate, SecurityState.None, new FakeTimeProvider(start.AddDays(1)), out string? unknown));

        Assert.Null(validFailure);
        Assert.Equal("yard", valid!.Scope.ApplicationId);
        Assert.Equal(CredentialKind.Certificate, valid.Kind);
        Assert.Equal(thumbprint, valid.Version);
        Assert.Equal(start.AddDays(30), valid.Certificate!.NotAfter);
        Assert.Equal(described, valid.Credential);
        Assert.Equal($"{described} expired at 2026-12-27T03:00:00Z", expired);
        Assert.Equal($"{described} is not valid before 2026-11-27T03:00:00Z", early);
        Assert.Equal($"{described}: application 'yard' expired at 2026-12-07T03:00:00Z", applicationExpired);
        Assert.Equal($"{described} is not in any application's Certificates", unknown);
    }

    // Written aside and renamed over the old file, as a deployment tool would.
    private static void WriteAppSettings(string root, params (string Id, string[] Certificates)[] applications)
    {
        var settings = new
        {
            BeidouHub = new
            {
                Applications = applications.Select(a => new { a.Id, a.Certificates, Receivers = new[] { "*" }, Rpcs = new[] { "positions" }, Coordinates = new[] { "*" } }),
            },
        };
        string temp = Path.Combine(root, "appsettings.json.tmp");
        File.WriteAllText(temp, JsonSerializer.Serialize(settings));
        File.Move(temp, Path.Combine(root, "appsettings.json"), overwrite: true);
    }
}
