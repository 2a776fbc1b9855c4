using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BeidouHub.Service.Security;

/// <summary>The files <c>beidouhub tls-dev</c> writes; <see cref="Clients"/>: the further client certificates asked for by name.</summary>
internal sealed record TlsDevFiles(string Ca, string Server, string ServerKey, string Client, string ClientKey, IReadOnlyList<TlsDevClient> Clients);

/// <summary>A further client certificate (CN=<see cref="Name"/>) and its key.</summary>
internal sealed record TlsDevClient(string Name, string Certificate, string Key);

/// <summary>
/// A certificate authority and the certificates to try TLS and mTLS with, made with
/// CertificateRequest (no outside tools): a CA (ca.pem), a server certificate for the given names
/// and addresses signed by it (server.pem, server-key.pem) and a client certificate
/// (client.pem, client-key.pem), plus one per further client name (client-NAME.pem,
/// client-NAME-key.pem): several machine clients of one CA, to try certificate applications with.
/// ECDSA P-256 keys, which every gRPC stack takes. The CA's own key is never written: once the
/// files are made nobody can sign another certificate with it.
/// </summary>
internal static class TlsDevCertificates
{
    public const string ClientName = "beidouhub-dev-client";

    /// <summary>RFC 5280 appendix A.1: ub-common-name.</summary>
    public const int MaxClientNameLength = 64;

    /// <summary>A further client's name: a file name part and a CN without quoting (letters, digits, '.', '-', '_').</summary>
    public static bool IsClientName(string name) =>
        name.Length is > 0 and <= MaxClientNameLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_') && name[0] != '.';

    /// <summary>What a trial on this machine connects to: localhost, 127.0.0.1, ::1 and the machine's name, then <paramref name="extra"/>.</summary>
    public static List<string> Hosts(IEnumerable<string> extra)
    {
        var hosts = new List<string> { "localhost", "127.0.0.1", "::1" };
        string machine = Dns.GetHostName();
        foreach (string host in extra.Prepend(machine))
        {
            if (host.Length > 0 && !hosts.Contains(host, StringComparer.OrdinalIgnoreCase))
            {
                hosts.Add(host);
            }
        }

        return hosts;
    }

    /// <summary>
    /// Writes the five files, and two per name in <paramref name="clients"/> (see
    /// <see cref="IsClientName"/>), into <paramref name="directory"/> (made if missing), keys
    /// readable by the owner only.
    /// </summary>
    public static TlsDevFiles Write(string directory, IReadOnlyList<string> hosts, DateTimeOffset notBefore, DateTimeOffset notAfter, IReadOnlyList<string>? clients = null)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        clients ??= [];
        if (clients.FirstOrDefault(n => !IsClientName(n)) is { } bad)
        {
            throw new ArgumentException($"'{bad}' is not a client name", nameof(clients));
        }

        Directory.CreateDirectory(directory);
        var files = new TlsDevFiles(
            Path.Combine(directory, "ca.pem"),
            Path.Combine(directory, "server.pem"),
            Path.Combine(directory, "server-key.pem"),
            Path.Combine(directory, "client.pem"),
            Path.Combine(directory, "client-key.pem"),
            [.. clients.Distinct(StringComparer.Ordinal).Select(n => new TlsDevClient(n, Path.Combine(directory, $"client-{n}.pem"), Path.Combine(directory, $"client-{n}-key.pem")))]);

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN=BeidouHub development CA ({Dns.GetHostName()}), O=BeidouHub tls-dev", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, critical: false));
        using X509Certificate2 ca = caRequest.CreateSelfSigned(notBefore, notAfter);

        var names = new SubjectAlternativeNameBuilder();
        foreach (string host in hosts)
        {
            if (IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? address))
            {
                names.AddIpAddress(address);
            }
            else
            {
                names.AddDnsName(host);
            }
        }

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using X509Certificate2 server = Issue(ca, caKey, $"CN={hosts[0]}, O=BeidouHub tls-dev", serverKey, TlsCertificates.ServerAuthentication, names.Build(), notBefore, notAfter);
        using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using X509Certificate2 client = Issue(ca, caKey, $"CN={ClientName}, O=BeidouHub tls-dev", clientKey, TlsCertificates.ClientAuthentication, null, notBefore, notAfter);

        WritePem(files.Ca, ca.ExportCertificatePem(), secret: false);
        WritePem(files.Server, server.ExportCertificatePem(), secret: false);
        WritePem(files.ServerKey, serverKey.ExportPkcs8PrivateKeyPem(), secret: true);
        WritePem(files.Client, client.ExportCertificatePem(), secret: false);
        WritePem(files.ClientKey, clientKey.ExportPkcs8PrivateKeyPem(), secret: true);
        foreach (TlsDevClient named in files.Clients)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using X509Certificate2 certificate = Issue(ca, caKey, $"CN={named.Name}, O=BeidouHub tls-dev", key, TlsCertificates.ClientAuthentication, null, notBefore, notAfter);
            WritePem(named.Certificate, certificate.ExportCertificatePem(), secret: false);
            WritePem(named.Key, key.ExportPkcs8PrivateKeyPem(), secret: true);
        }

        return files;
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, ECDsa caKey, string subject, ECDsa key, string purpose, X509Extension? names, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(purpose)], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        if (names is not null)
        {
            request.CertificateExtensions.Add(names);
        }

        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive INTEGER (RFC 5280, 4.1.2.2)
        return request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), notBefore, notAfter, serial);
    }

    private static void WritePem(string path, string pem, bool secret)
    {
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (secret && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options);
        writer.Write(pem);
        writer.Write('\n');
    }
}
