using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using BeidouHub.Service.Security;
using Grpc.Net.Client;

namespace BeidouHub.Service.Tests.Security;

/// <summary>A tls-dev CA with its server and client certificates in a temporary folder.</summary>
internal sealed class TlsTestFiles : IDisposable
{
    private TlsTestFiles(string directory, TlsDevFiles files)
    {
        Directory = directory;
        Files = files;
    }

    public string Directory { get; }

    public TlsDevFiles Files { get; }

    public string Ca => Files.Ca;

    /// <summary>Valid now, for localhost and 127.0.0.1 (or the given names).</summary>
    public static TlsTestFiles Create(params string[] hosts) =>
        Create(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), hosts);

    public static TlsTestFiles Create(DateTimeOffset notBefore, DateTimeOffset notAfter, params string[] hosts) =>
        Create(notBefore, notAfter, hosts, []);

    /// <summary>Valid now, for localhost and 127.0.0.1, with a further client certificate per name (CN=name) from the same CA.</summary>
    public static TlsTestFiles WithClients(params string[] clients) =>
        Create(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), [], clients);

    public static TlsTestFiles Create(DateTimeOffset notBefore, DateTimeOffset notAfter, string[] hosts, string[] clients)
    {
        string dir = System.IO.Directory.CreateTempSubdirectory("beidouhub-tls-").FullName;
        return new TlsTestFiles(dir, TlsDevCertificates.Write(dir, hosts.Length > 0 ? hosts : ["localhost", "127.0.0.1"], notBefore, notAfter, clients));
    }

    /// <summary>The further client certificate of that name.</summary>
    public TlsDevClient Client(string name) => Files.Clients.Single(c => c.Name == name);

    /// <summary>The SHA-256 thumbprint of a certificate file, computed here (not by the code under test), lower-case hex.</summary>
    public static string Thumbprint(string certificateFile)
    {
        using X509Certificate2 certificate = X509Certificate2.CreateFromPem(File.ReadAllText(certificateFile));
        return certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256).ToLowerInvariant();
    }

    /// <summary>The service's arguments for mTLS: <paramref name="mode"/> (Allow or Require) against this CA.</summary>
    public string[] MtlsArguments(string mode, params string[] more) =>
        ServeArguments([$"--BeidouHub:Tls:ClientCertificates={mode}", $"--BeidouHub:Tls:ClientCaFile={Ca}", .. more]);

    /// <summary>The service's arguments for TLS on a free loopback port with these files.</summary>
    public string[] ServeArguments(params string[] more) =>
    [
        "--BeidouHub:Listen=https://127.0.0.1:0",
        $"--BeidouHub:Tls:CertificateFile={Files.Server}",
        $"--BeidouHub:Tls:KeyFile={Files.ServerKey}",
        .. more,
    ];

    /// <summary>The server certificate and key as one PKCS#12 file.</summary>
    public string WritePfx(string? password, bool withKey = true)
    {
        using X509Certificate2 certificate = withKey
            ? X509Certificate2.CreateFromPemFile(Files.Server, Files.ServerKey)
            : X509Certificate2.CreateFromPem(File.ReadAllText(Files.Server));
        string path = Path.Combine(Directory, withKey ? "server.pfx" : "server-nokey.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return path;
    }

    /// <summary>A Grpc.Net.Client channel that trusts this CA only, as a C# park application would; with a client certificate (mTLS) when given.</summary>
    public GrpcChannel Channel(Uri address, TlsDevClient? client = null) =>
        client is null ? Channel(address, null, null) : Channel(address, client.Certificate, client.Key);

    public GrpcChannel Channel(Uri address, string? certificateFile, string? keyFile)
    {
        X509Certificate2Collection roots = [];
        roots.ImportFromPemFile(Ca);
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = certificateFile is null ? null : [X509Certificate2.CreateFromPemFile(certificateFile, keyFile)],
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
                    {
                        return false;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(new X509Certificate2(certificate));
                },
            },
        };
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler });
    }

    public void Dispose()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
