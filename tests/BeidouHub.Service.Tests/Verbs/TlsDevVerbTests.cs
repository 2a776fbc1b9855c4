using System.Net;
using System.Security.Cryptography.X509Certificates;
using BeidouHub.Service.Security;
using BeidouHub.Service.Verbs;

namespace BeidouHub.Service.Tests.Verbs;

public class TlsDevVerbTests
{
    [Fact]
    public void Run_Out_CaServerAndClientCertificatesThatChainWithOwnerOnlyKeys()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"beidouhub-tls-dev-{Guid.NewGuid():N}");
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();

            int exit = TlsDevVerb.Run(["--out", dir, "--host", "park-hub.example", "--host", "10.20.0.7"], stdout, stderr);

            Assert.True(exit == 0, stderr.ToString());
            X509Certificate2Collection ca = [];
            ca.ImportFromPemFile(Path.Combine(dir, "ca.pem"));
            using X509Certificate2 server = X509Certificate2.CreateFromPemFile(Path.Combine(dir, "server.pem"), Path.Combine(dir, "server-key.pem"));
            using X509Certificate2 client = X509Certificate2.CreateFromPemFile(Path.Combine(dir, "client.pem"), Path.Combine(dir, "client-key.pem"));
            Assert.True(server.HasPrivateKey && client.HasPrivateKey);
            Assert.True(TlsCertificates.ChainsTo(server, ca, null, TlsCertificates.ServerAuthentication, out string problem), problem);
            Assert.True(TlsCertificates.ChainsTo(client, ca, null, TlsCertificates.ClientAuthentication, out problem), problem);
            Assert.False(TlsCertificates.ChainsTo(client, ca, null, TlsCertificates.ServerAuthentication, out _));
            Assert.Equal($"localhost, {Dns.GetHostName()}, park-hub.example, 127.0.0.1, ::1, 10.20.0.7", TlsCertificates.Names(server));
            Assert.True(server.NotAfter > DateTime.Now.AddDays(364));
            Assert.False(File.Exists(Path.Combine(dir, "ca-key.pem")));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "server-key.pem")));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "client-key.pem")));
            }

            string output = stdout.ToString();
            Assert.Contains($"beidouhub serve --BeidouHub:Listen=https://0.0.0.0:50051 --BeidouHub:Tls:CertificateFile={Path.Combine(dir, "server.pem")} --BeidouHub:Tls:KeyFile={Path.Combine(dir, "server-key.pem")}", output, StringComparison.Ordinal);
            Assert.Contains($"beidouhub watch --url https://127.0.0.1:50051 --ca {Path.Combine(dir, "ca.pem")}", output, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public void Run_Clients_OneCertificatePerNameFromTheSameCaWithOwnerOnlyKeys()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"beidouhub-tls-dev-{Guid.NewGuid():N}");
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();

            int exit = TlsDevVerb.Run(["--out", dir, "--client", "yard", "--client", "gate-office"], stdout, stderr);

            Assert.True(exit == 0, stderr.ToString());
            X509Certificate2Collection ca = [];
            ca.ImportFromPemFile(Path.Combine(dir, "ca.pem"));
            foreach (string name in new[] { "yard", "gate-office" })
            {
                using X509Certificate2 client = X509Certificate2.CreateFromPemFile(Path.Combine(dir, $"client-{name}.pem"), Path.Combine(dir, $"client-{name}-key.pem"));
                Assert.Equal($"CN={name}, O=BeidouHub tls-dev", client.Subject);
                Assert.True(TlsCertificates.ChainsTo(client, ca, null, TlsCertificates.ClientAuthentication, out string problem), problem);
                if (!OperatingSystem.IsWindows())
                {
                    Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, $"client-{name}-key.pem")));
                }
            }

            Assert.True(File.Exists(Path.Combine(dir, "client.pem")));
            Assert.Contains("client-yard.pem and client-yard-key.pem (CN=yard), client-gate-office.pem and client-gate-office-key.pem (CN=gate-office)", stdout.ToString(), StringComparison.Ordinal);
            Assert.Contains($"beidouhub key cert {Path.Combine(dir, "client.pem")} APP", stdout.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public void Run_AgainIntoTheSameFolder_NewCaAndKeysStillOwnerOnly()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"beidouhub-tls-dev-{Guid.NewGuid():N}");
        try
        {
            Assert.Equal(0, TlsDevVerb.Run(["--out", dir], new StringWriter(), new StringWriter()));
            string first = File.ReadAllText(Path.Combine(dir, "ca.pem"));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Path.Combine(dir, "server-key.pem"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
            }

            Assert.Equal(0, TlsDevVerb.Run(["--out", dir], new StringWriter(), new StringWriter()));

            Assert.NotEqual(first, File.ReadAllText(Path.Combine(dir, "ca.pem")));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "server-key.pem")));
            }
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Theory]
    [InlineData("", "tls-dev: --out DIR is required (see beidouhub tls-dev --help)")]
    [InlineData("--out|x|--days|0", "tls-dev: --days '0': expected a whole number from 1 to 825")]
    [InlineData("--out|x|--host", "tls-dev: option '--host' needs a value")]
    [InlineData("--out|x|--ca|y", "tls-dev: unknown option '--ca' (see beidouhub tls-dev --help)")]
    [InlineData("--out|x|--client|../yard", "tls-dev: --client '../yard': expected a client name (letters, digits, '.', '-', '_'; at most 64)")]
    public void Run_UsageError_ExitsTwoWithOneLine(string args, string line)
    {
        var stderr = new StringWriter();

        int exit = TlsDevVerb.Run(args.Split('|', StringSplitOptions.RemoveEmptyEntries), new StringWriter(), stderr);

        Assert.Equal(2, exit);
        Assert.Equal(line + Environment.NewLine, stderr.ToString());
    }

    [Fact]
    public void Run_Help_UsageOnStdoutExitZero()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = TlsDevVerb.Run(["--help"], stdout, stderr);

        Assert.Equal(0, exit);
        Assert.StartsWith("usage: beidouhub tls-dev --out DIR", stdout.ToString(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, stderr.ToString());
    }
}
