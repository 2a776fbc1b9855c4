using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using BeidouHub.Protocol.V1;
using BeidouHub.Service.Security;
using BeidouHub.Service.Tests.Security;
using BeidouHub.Service.Tests.Support;
using BeidouHub.Service.Verbs;
using Grpc.Core;
using Grpc.Net.Client;

namespace BeidouHub.Service.Tests.Verbs;

public class KeyVerbTests
{
    [Fact]
    public async Task Run_New_OutputPastedIntoAppSettingsLetsTheKeyIn()
    {
        var stdout = new StringWriter();
        int exit = KeyVerb.Run(["new", "logistics"], stdout, new StringWriter());
        string[] lines = stdout.ToString().Split('\n');
        string key = lines.Select(l => l.Trim()).Single(l => l.StartsWith("bhk_", StringComparison.Ordinal));
        int open = Array.FindIndex(lines, l => l.TrimEnd() == "{");
        int close = Array.FindIndex(lines, open, l => l.TrimEnd() == "}");
        JsonNode application = JsonNode.Parse(string.Join('\n', lines[open..(close + 1)]))!;

        string root = Directory.CreateTempSubdirectory("beidouhub-key-").FullName;
        try
        {
            var settings = new JsonObject { ["BeidouHub"] = new JsonObject { ["Applications"] = new JsonArray(application) } };
            await File.WriteAllTextAsync(Path.Combine(root, "appsettings.json"), settings.ToJsonString());
            await using ServiceFixture service = await ServiceFixture.StartAsync("--contentRoot=" + root, "--BeidouHub:Receivers:0:Id=sim", "--BeidouHub:Receivers:0:Source=sim://?rate=1");
            var receivers = new Protocol.V1.Receivers.ReceiversClient(service.Channel);

            ListReceiversResponse list = await receivers.ListReceiversAsync(new ListReceiversRequest(), Credentials.Bearer(key));
            StatusCode without = await Credentials.StatusOf(() => receivers.ListReceiversAsync(new ListReceiversRequest()).ResponseAsync);

            Assert.Equal(0, exit);
            Assert.Equal("logistics", (string?)application["Id"]);
            Assert.DoesNotContain(key[13..], application.ToJsonString(), StringComparison.Ordinal);
            Assert.Equal("sim", Assert.Single(list.Receivers).Id);
            Assert.Equal(StatusCode.Unauthenticated, without);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Run_New_HashLineAndEnvironmentLineMatchTheKey()
    {
        var stdout = new StringWriter();
        KeyVerb.Run(["new", "gate-office"], stdout, new StringWriter());
        string[] lines = [.. stdout.ToString().Split('\n').Select(l => l.Trim())];
        string key = lines.Single(l => l.StartsWith("bhk_", StringComparison.Ordinal));
        string quoted = lines.Single(l => l.StartsWith("\"sha256:", StringComparison.Ordinal));
        string env = lines.Single(l => l.StartsWith("BeidouHub__Applications__N__Keys__K=", StringComparison.Ordinal));

        Assert.True(KeyHash.TryParse(JsonSerializer.Deserialize<string>(quoted), out KeyHash? hash));
        Assert.True(hash.Matches(key));
        Assert.Equal(hash.Text, env.Split('=', 2)[1]);
    }

    [Fact]
    public async Task Run_Cert_OutputPastedIntoAppSettingsLetsTheCertificateIn()
    {
        using TlsTestFiles tls = TlsTestFiles.WithClients("weighbridge");
        var stdout = new StringWriter();
        int exit = KeyVerb.Run(["cert", tls.Client("weighbridge").Certificate, "weighbridge"], stdout, new StringWriter());
        string[] lines = stdout.ToString().Split('\n');
        int open = Array.FindIndex(lines, l => l.TrimEnd() == "{");
        int close = Array.FindIndex(lines, open, l => l.TrimEnd() == "}");
        JsonNode application = JsonNode.Parse(string.Join('\n', lines[open..(close + 1)]))!;

        string root = Directory.CreateTempSubdirectory("beidouhub-key-cert-").FullName;
        try
        {
            var settings = new JsonObject { ["BeidouHub"] = new JsonObject { ["Applications"] = new JsonArray(application) } };
            await File.WriteAllTextAsync(Path.Combine(root, "appsettings.json"), settings.ToJsonString());
            await using ServiceFixture service = await ServiceFixture.StartAsync(
                ["--contentRoot=" + root, "--BeidouHub:Receivers:0:Id=sim", "--BeidouHub:Receivers:0:Source=sim://?rate=1", .. tls.MtlsArguments("Allow")]);
            using GrpcChannel holder = tls.Channel(service.Address, tls.Client("weighbridge"));
            using GrpcChannel other = tls.Channel(service.Address, tls.Files.Client, tls.Files.ClientKey);

            ListReceiversResponse list = await new Protocol.V1.Receivers.ReceiversClient(holder).ListReceiversAsync(new ListReceiversRequest());
            StatusCode otherCertificate = await Credentials.StatusOf(() => new Protocol.V1.Receivers.ReceiversClient(other).ListReceiversAsync(new ListReceiversRequest()).ResponseAsync);

            Assert.Equal(0, exit);
            Assert.Equal("weighbridge", (string?)application["Id"]);
            Assert.Equal(TlsTestFiles.Thumbprint(tls.Client("weighbridge").Certificate), (string?)application["Certificates"]![0]);
            Assert.Equal("sim", Assert.Single(list.Receivers).Id);
            Assert.Equal(StatusCode.Unauthenticated, otherCertificate);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Run_Cert_ThumbprintLineEnvironmentLineAndSummaryAgree()
    {
        using TlsTestFiles tls = TlsTestFiles.WithClients("weighbridge");
        var stdout = new StringWriter();

        KeyVerb.Run(["cert", tls.Client("weighbridge").Certificate, "weighbridge"], stdout, new StringWriter());
        string[] lines = [.. stdout.ToString().Split('\n').Select(l => l.Trim())];
        string expected = TlsTestFiles.Thumbprint(tls.Client("weighbridge").Certificate);

        Assert.Equal("Client certificate CN=weighbridge, O=BeidouHub tls-dev", lines[0]);
        Assert.Equal($"SHA-256 thumbprint {expected}", lines[2]);
        Assert.Equal($"\"{expected}\"", lines.Single(l => l.StartsWith('"') && l.Length == 66));
        Assert.Equal($"BeidouHub__Applications__N__Certificates__K={expected}", lines.Single(l => l.StartsWith("BeidouHub__", StringComparison.Ordinal)));
    }

    [Fact]
    public void Run_CertTheServiceWouldRefuse_ExitOneWithOneLineNoEntry()
    {
        using TlsTestFiles tls = TlsTestFiles.Create(DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1), [], []);
        string selfSigned = Path.Combine(tls.Directory, "self-signed.pem");
        using (var key = ECDsa.Create())
        {
            var request = new CertificateRequest("CN=handheld-7", key, HashAlgorithmName.SHA256);
            using X509Certificate2 self = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            File.WriteAllText(selfSigned, self.ExportCertificatePem());
        }

        var cases = new (string File, string Line)[]
        {
            (tls.Ca, "is a CA certificate; give the client's own certificate (a CA goes into BeidouHub:Tls:ClientCaFile)"),
            (tls.Files.Server, "is not for client authentication (its extended key usage lacks clientAuth, 1.3.6.1.5.5.7.3.2); the service refuses it in the handshake"),
            (selfSigned, "is self-signed; the service takes client certificates issued by the CA in BeidouHub:Tls:ClientCaFile only"),
            (tls.Files.Client, "expired on "),
            (tls.Files.ClientKey, "no PEM certificate in it"),
            (Path.Combine(tls.Directory, "missing.pem"), "file not found"),
        };

        foreach ((string file, string line) in cases)
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();

            int exit = KeyVerb.Run(["cert", file, "yard"], stdout, stderr);

            Assert.Equal(1, exit);
            Assert.Equal("", stdout.ToString());
            string error = Assert.Single(stderr.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"key cert '{file}': ", error, StringComparison.Ordinal);
            Assert.Contains(line, error, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("two words")]
    [InlineData("quo\"te")]
    [InlineData("back\\slash")]
    [InlineData("")]
    public void Run_IdThatCannotBeAJsonOrEnvironmentValue_RefusedNoKey(string id)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = KeyVerb.Run(["new", id], stdout, stderr);

        Assert.Equal(2, exit);
        Assert.Contains("is not an application id", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal("", stdout.ToString());
    }

    [Theory]
    [InlineData(new string[0], 2)]
    [InlineData(new[] { "new" }, 2)]
    [InlineData(new[] { "new", "a", "b" }, 2)]
    [InlineData(new[] { "old", "logistics" }, 2)]
    [InlineData(new[] { "cert", "client.pem" }, 2)]
    [InlineData(new[] { "cert", "client.pem", "a", "b" }, 2)]
    [InlineData(new[] { "cert", "--help" }, 0)]
    [InlineData(new[] { "--help" }, 0)]
    public void Run_BadArguments_Usage(string[] args, int expected)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = KeyVerb.Run(args, stdout, stderr);

        Assert.Equal(expected, exit);
        Assert.Contains("usage: beidouhub key new APP", expected == 0 ? stdout.ToString() : stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("usage: beidouhub key cert FILE APP", expected == 0 ? stdout.ToString() : stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("bhk_", stdout.ToString(), StringComparison.Ordinal);
    }
}
