using System.Security.Cryptography;
using BeidouHub.Protocol.V1;
using BeidouHub.Service.Configuration;
using BeidouHub.Service.Security;
using BeidouHub.Service.Tests.Support;
using BeidouHub.Service.Verbs;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace BeidouHub.Service.Tests.Security;

/// <summary>Start-up checks of BeidouHub:Listen and BeidouHub:Tls, each refusal one line naming the setting or file, exit 1.</summary>
public class TlsEndpointTests
{
    private static readonly string[] OneSimReceiver = ["--BeidouHub:Receivers:0:Id=a", "--BeidouHub:Receivers:0:Source=sim://"];

    [Theory]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://[::]:0")]
    [InlineData("http://192.0.2.10:0")]
    public async Task Serve_PlainOnNonLoopbackWithoutAllowInsecure_RefusesWithOneLine(string listen)
    {
        string line = await RefusedLine($"--BeidouHub:Listen={listen}");

        Assert.Equal($"beidouhub: BeidouHub:Listen '{listen}' would serve positions unencrypted to the network: listen on https:// with a BeidouHub:Tls certificate ('beidouhub tls-dev' makes one to try), on 127.0.0.1, or set BeidouHub:Tls:AllowInsecure=true", line);
    }

    [Fact]
    public async Task Serve_PlainOnAllAddressesWithAllowInsecure_StartsAndServes()
    {
        await using ServiceFixture service = await ServiceFixture.StartAsync([.. OneSimReceiver, "--BeidouHub:Listen=http://0.0.0.0:0", "--BeidouHub:Tls:AllowInsecure=true", "--BeidouHub:AllowAnonymous=true"]);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{service.Address.Port}");

        HealthCheckResponse health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
        ListReceiversResponse receivers = await new Protocol.V1.Receivers.ReceiversClient(channel).ListReceiversAsync(new ListReceiversRequest());

        Assert.Equal("0.0.0.0", service.Address.Host);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.Equal("a", Assert.Single(receivers.Receivers).Id);
    }

    [Fact]
    public void TryCreate_PlainLoopback_NoCertificateNeeded()
    {
        var errors = new List<string>();

        Assert.True(TlsEndpoint.TryCreate("http://127.0.0.1:50051", new TlsConfig(), TimeProvider.System, errors, out TlsEndpoint? endpoint), string.Join("\n", errors));

        Assert.Null(endpoint!.Certificate);
        Assert.Equal("plain HTTP/2, loopback only", endpoint.Transport);
    }

    [Fact]
    public async Task Serve_HttpsWithoutCertificate_RefusesWithOneLine()
    {
        string line = await RefusedLine("--BeidouHub:Listen=https://0.0.0.0:0");

        Assert.Equal("beidouhub: BeidouHub:Listen 'https://0.0.0.0:0' needs a certificate: BeidouHub:Tls:CertificateFile and KeyFile, or PfxFile ('beidouhub tls-dev' makes one to try)", line);
    }

    [Fact]
    public async Task Serve_CertificateWithHttp_RefusesWithOneLine()
    {
        using TlsTestFiles tls = TlsTestFiles.Create();

        string line = await RefusedLine("--BeidouHub:Listen=http://127.0.0.1:0", $"--BeidouHub:Tls:CertificateFile={tls.Files.Server}", $"--BeidouHub:Tls:KeyFile={tls.Files.ServerKey}");

        Assert.Equal("beidouhub: BeidouHub:Listen 'http://127.0.0.1:0' is plain http:// but BeidouHub:Tls has a certificate: listen on https://", line);
    }

    [Fact]
    public async Task Serve_CertificateFileMissing_RefusesNamingTheFile()
    {
        using TlsTestFiles tls = TlsTestFiles.Create();
        string missing = Path.Combine(tls.Directory, "nope.pem");

        string line = await RefusedLine([.. tls.ServeArguments(), $"--BeidouHub:Tls:CertificateFile={missing}"]);

        Assert.Equal($"beidouhub: BeidouHub:Tls:CertificateFile '{missing}': file not found", line);
    }

    [Fact]
    public async Task Serve_KeyOfAnotherCertificate_RefusesNamingBothFiles()
    {
        using TlsTestFiles tls = TlsTestFiles.Create();

        string line = await RefusedLine([.. tls.ServeArguments(), $"--BeidouHub:Tls:KeyFile={tls.Files.ClientKey}"]);

        Assert.Equal($"beidouhub: BeidouHub:Tls:KeyFile '{tls.Files.ClientKey}': the private key does not match the certificate in {tls.Files.Server}", line);
    }

    [Fact]
    public async Task Serve_ExpiredCertificate_RefusesWithTheDate()
    {
        var expiry = new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
        using TlsTestFiles tls = TlsTestFiles.Create(expiry.AddDays(-30), expiry, "localhost");

        string line = await RefusedLine(tls.ServeArguments());

        Assert.Equal($"beidouhub: BeidouHub:Tls:CertificateFile '{tls.Files.Server}': the certificate expired on 2025-03-01 12:00:00Z", line);
    }

    [Fact]
    public async Task Serve_CertificateNotYetValid_RefusesWithTheDate()
    {
        var start = new DateTimeOffset(DateTime.UtcNow.Year + 2, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using TlsTestFiles tls = TlsTestFiles.Create(start, start.AddDays(30), "localhost");

        string line = await RefusedLine(tls.ServeArguments());

        Assert.Equal($"beidouhub: BeidouHub:Tls:CertificateFile '{tls.Files.Server}': the certificate is not valid before {start.Year}-01-01 00:00:00Z", line);
    }

    [Fact]
    public async Task Serve_CertificateWithoutKeyFileAndNoKeyInIt_RefusesAskingForTheKeyFile()
    {
        using TlsTestFiles tls = TlsTestFiles.Create();

        string line = await RefusedLine("--BeidouHub:Listen=https://127.0.0.1:0", $"--BeidouHub:Tls:CertificateFile={tls.Files.Server}");

        Assert.Equal($"beidouhub: BeidouHub:Tls:CertificateFile '{tls.Files.Server}': no private key in it; give the key file (BeidouHub:Tls:KeyFile)", line);
    }

    [Fact]
    public async Task Serve_KeyFileWithoutKey_RefusesNamingTheKeyFile()
    {
        using TlsTestFiles tls = TlsTestFiles.Create();

        string line = await RefusedLine([.. tls.ServeArguments(), $"--BeidouHub:Tls:KeyFile={tls.Ca}"]);

        Assert.Equal($"beidouhub: BeidouHub:Tls:KeyFile '{tls.Ca}': no private key in it (-----BEGIN PRIVATE KEY-----)", line);
    }

    [Fact]
    public async Task Serve_EncryptedKey_RefusesSayingHowToDecrypt()
    {
        using TlsTestFiles tls = TlsTestFiles.Create();
        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(tls.Files.ServerKey));
        string encrypted = Path.Combine(tls.Directory, "encrypted-key.pem");
        File.WriteAllText(encrypted, key.ExportEncryptedPkcs8PrivateKeyPem("secret", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000)));

        string line = await RefusedLine([.. tls.ServeArguments(), $"--BeidouHub:Tls:KeyFile={encrypted}"]);

        Assert.StartsWith($"beidouhub: BeidouHub:Tls:KeyFile '{encrypted}': the private key is encrypted; give it decrypted", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_PfxWrongPassword_RefusesNamingTheFile()
    {
        using TlsTestFiles tls = TlsTestFiles.Create();
        string pfx = tls.WritePfx("right");

        string line = await RefusedLine("--BeidouHub:Listen=https://127.0.0.1:0", $"--BeidouHub:Tls:PfxFile={pfx}", "--BeidouHub:Tls:PfxPassword=wrong");

        Assert.StartsWith($"beidouhub: BeidouHub:Tls:PfxFile '{pfx}': cannot be read with the PfxPassword given, or is no PFX file", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_PfxWithoutKey_RefusesNamingTheFile()
    {
        using TlsTestFiles tls = TlsTestFiles.Create();
        string pfx = tls.WritePfx(null, withKey: false);

        string line = await RefusedLine("--BeidouHub:Listen=https://127.0.0.1:0", $"--BeidouHub:Tls:PfxFile={pfx}");

        Assert.Equal($"beidouhub: BeidouHub:Tls:PfxFile '{pfx}': no private key in it", line);
    }

    [Theory]
    [InlineData("--BeidouHub:Tls:ClientCertificates=Require", "BeidouHub:Tls:ClientCertificates=Require needs ClientCaFile, the CA that client certificates must chain to")]
    [InlineData("--BeidouHub:Tls:ClientCaFile=ca.pem", "BeidouHub:Tls:ClientCaFile is set but ClientCertificates is None: set Allow or Require to ask clients for certificates")]
    [InlineData("--BeidouHub:Tls:PfxFile=server.pfx", "BeidouHub:Tls: give CertificateFile (+ KeyFile) or PfxFile, not both")]
    public async Task Serve_SettingsThatGoTogether_RefusesWithOneLine(string setting, string message)
    {
        using TlsTestFiles tls = TlsTestFiles.Create();

        string line = await RefusedLine([.. tls.ServeArguments(), setting]);

        Assert.Equal("beidouhub: " + message, line);
    }

    [Fact]
    public async Task Serve_ClientCaFileMissing_RefusesNamingTheFile()
    {
        using TlsTestFiles tls = TlsTestFiles.Create();
        string missing = Path.Combine(tls.Directory, "client-ca.pem");

        string line = await RefusedLine([.. tls.ServeArguments(), "--BeidouHub:Tls:ClientCertificates=Require", $"--BeidouHub:Tls:ClientCaFile={missing}"]);

        Assert.Equal($"beidouhub: BeidouHub:Tls:ClientCaFile '{missing}': file not found", line);
    }

    [Fact]
    public void Validate_ClientCertificatesWithoutCertificate_NeedsTlsAndCa()
    {
        var tls = new TlsConfig { ClientCertificates = TlsClientCertificates.Allow };

        List<string> problems = tls.Validate("http://127.0.0.1:50051");

        Assert.Equal(
            [
                "BeidouHub:Tls:ClientCertificates=Allow needs TLS: a CertificateFile or PfxFile and an https:// BeidouHub:Listen",
                "BeidouHub:Tls:ClientCertificates=Allow needs ClientCaFile, the CA that client certificates must chain to",
            ],
            problems);
    }

    [Fact]
    public async Task Serve_Pfx_ServesOverTls()
    {
        using TlsTestFiles tls = TlsTestFiles.Create();
        string pfx = tls.WritePfx("s3cret");
        await using ServiceFixture service = await ServiceFixture.StartAsync([.. OneSimReceiver, "--BeidouHub:Listen=https://127.0.0.1:0", $"--BeidouHub:Tls:PfxFile={pfx}", "--BeidouHub:Tls:PfxPassword=s3cret"]);
        using GrpcChannel channel = tls.Channel(service.Address);

        HealthCheckResponse health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());

        Assert.Equal("https", service.Address.Scheme);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    private static async Task<string> RefusedLine(params string[] configuration)
    {
        var stderr = new StringWriter();

        // A check that let the configuration through would run the service: bounded, and on port 0.
        int exit = await ServeVerb.RunAsync([.. OneSimReceiver, .. configuration], new StringWriter(), stderr).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exit);
        return Assert.Single(stderr.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }
}
