using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BeidouHub.Service.Security;

/// <summary>
/// Reading certificates and keys for the service and the client verbs, each problem as one line
/// that names the file (and the setting or option it came from); and checking a peer's chain
/// against given CAs only.
/// </summary>
internal static class TlsCertificates
{
    /// <summary>id-kp-serverAuth (RFC 5280, 4.2.1.12).</summary>
    public const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    /// <summary>id-kp-clientAuth (RFC 5280, 4.2.1.12).</summary>
    public const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <summary>
    /// A PEM certificate and its private key (from <paramref name="keyFile"/>, or from the
    /// certificate file when that is null). Further certificates in the file are the chain to
    /// send with it (a fullchain.pem). Refused: a missing file, no certificate or key in it, an
    /// encrypted key, a key that is not the certificate's, a certificate outside its validity.
    /// </summary>
    public static bool TryLoadPem(string certificateFile, string? keyFile, string certificateName, string keyName, TimeProvider time,
        out X509Certificate2? certificate, out string? error) =>
        TryLoadPem(certificateFile, keyFile, certificateName, keyName, time, out certificate, out _, out error);

    /// <inheritdoc cref="TryLoadPem(string, string?, string, string, TimeProvider, out X509Certificate2?, out string?)"/>
    public static bool TryLoadPem(string certificateFile, string? keyFile, string certificateName, string keyName, TimeProvider time,
        out X509Certificate2? certificate, out X509Certificate2Collection? chain, out string? error)
    {
        ArgumentNullException.ThrowIfNull(time);
        certificate = null;
        chain = null;
        string certificateWhere = Where(certificateName, certificateFile);
        string keyWhere = keyFile is null ? certificateWhere : Where(keyName, keyFile);
        if (!TryRead(certificateFile, certificateWhere, out string? certificateText, out error)
            || (keyFile is not null && !TryRead(keyFile, keyWhere, out _, out error)))
        {
            return false;
        }

        string keyText = keyFile is null ? certificateText! : File.ReadAllText(keyFile);
        var all = new X509Certificate2Collection();
        try
        {
            all.ImportFromPem(certificateText);
        }
        catch (CryptographicException e)
        {
            error = $"{certificateWhere}: not a PEM certificate ({e.Message})";
            return false;
        }

        if (all.Count == 0)
        {
            error = $"{certificateWhere}: no PEM certificate in it (-----BEGIN CERTIFICATE-----)";
            return false;
        }

        if (!TryFindKey(keyText, out string? label))
        {
            error = keyFile is null
                ? $"{certificateWhere}: no private key in it; give the key file ({keyName})"
                : $"{keyWhere}: no private key in it (-----BEGIN PRIVATE KEY-----)";
            return false;
        }

        if (label == "ENCRYPTED PRIVATE KEY")
        {
            error = $"{keyWhere}: the private key is encrypted; give it decrypted (openssl pkey -in KEY -out KEY.pem) in a file only the service can read";
            return false;
        }

        try
        {
            certificate = X509Certificate2.CreateFromPem(certificateText, keyText);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            // ArgumentException: "The provided key does not match the public key" (EC, RSA);
            // CryptographicException: a key of another algorithm, or not readable.
            error = $"{keyWhere}: the private key does not match the certificate in {Path.GetFullPath(certificateFile)}";
            return false;
        }

        if (!IsValidNow(certificate, certificateWhere, time, out error))
        {
            certificate.Dispose();
            certificate = null;
            return false;
        }

        chain = [];
        for (int i = 1; i < all.Count; i++)
        {
            chain.Add(all[i]);
        }

        return true;
    }

    /// <summary>A PKCS#12 (.pfx / .p12) file with the certificate and its private key.</summary>
    public static bool TryLoadPfx(string pfxFile, string? password, string name, TimeProvider time, out X509Certificate2? certificate, out string? error)
    {
        ArgumentNullException.ThrowIfNull(time);
        certificate = null;
        string where = Where(name, pfxFile);
        if (!File.Exists(pfxFile))
        {
            error = $"{where}: file not found";
            return false;
        }

        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(pfxFile, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException e)
        {
            error = $"{where}: cannot be read with the PfxPassword given, or is no PFX file ({e.Message.TrimEnd('.')})";
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"{where}: {e.Message}";
            return false;
        }

        if (!certificate.HasPrivateKey)
        {
            error = $"{where}: no private key in it";
            certificate.Dispose();
            certificate = null;
            return false;
        }

        if (!IsValidNow(certificate, where, time, out error))
        {
            certificate.Dispose();
            certificate = null;
            return false;
        }

        return true;
    }

    /// <summary>The CA certificates (PEM, one or more) to trust for one purpose only.</summary>
    public static bool TryLoadCa(string file, string name, out X509Certificate2Collection? certificates, out string? error)
    {
        certificates = null;
        string where = Where(name, file);
        if (!TryRead(file, where, out string? text, out error))
        {
            return false;
        }

        var all = new X509Certificate2Collection();
        try
        {
            all.ImportFromPem(text);
        }
        catch (CryptographicException e)
        {
            error = $"{where}: not a PEM certificate ({e.Message})";
            return false;
        }

        if (all.Count == 0)
        {
            error = $"{where}: no PEM certificate in it (-----BEGIN CERTIFICATE-----)";
            return false;
        }

        certificates = all;
        return true;
    }

    /// <summary>
    /// Whether <paramref name="certificate"/> chains to one of <paramref name="roots"/> (and to
    /// nothing else: not the system store), is valid now and may be used for
    /// <paramref name="purpose"/> (<see cref="ServerAuthentication"/> or <see cref="ClientAuthentication"/>).
    /// <paramref name="presented"/> is the chain the peer sent (for its intermediates).
    /// </summary>
    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2Collection roots, X509Chain? presented, string purpose, out string problem)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(roots);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(purpose));
        if (presented is not null)
        {
            foreach (X509ChainElement element in presented.ChainElements)
            {
                if (!element.Certificate.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span))
                {
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }
        }

        if (chain.Build(certificate))
        {
            problem = string.Empty;
            return true;
        }

        problem = string.Join(", ", chain.ChainStatus.Select(s => s.Status).Distinct());
        return false;
    }

    /// <summary>The names a certificate is for (its subject alternative names), for error lines.</summary>
    public static string Names(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var names = new List<string>();
        foreach (X509Extension extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                names.AddRange(san.EnumerateDnsNames());
                names.AddRange(san.EnumerateIPAddresses().Select(a => a.ToString()));
            }
        }

        return names.Count > 0 ? string.Join(", ", names) : certificate.Subject;
    }

    private static bool IsValidNow(X509Certificate2 certificate, string where, TimeProvider time, out string? error)
    {
        DateTime now = time.GetUtcNow().UtcDateTime;
        if (now > certificate.NotAfter.ToUniversalTime())
        {
            error = $"{where}: the certificate expired on {certificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)}";
            return false;
        }

        if (now < certificate.NotBefore.ToUniversalTime())
        {
            error = $"{where}: the certificate is not valid before {certificate.NotBefore.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)}";
            return false;
        }

        error = null;
        return true;
    }

    private static bool TryFindKey(string text, out string? label)
    {
        ReadOnlySpan<char> rest = text;
        while (PemEncoding.TryFind(rest, out PemFields fields))
        {
            string found = rest[fields.Label].ToString();
            if (found.EndsWith("PRIVATE KEY", StringComparison.Ordinal))
            {
                label = found;
                return true;
            }

            rest = rest[fields.Location.End..];
        }

        label = null;
        return false;
    }

    private static bool TryRead(string file, string where, out string? text, out string? error)
    {
        text = null;
        try
        {
            text = File.ReadAllText(file);
            error = null;
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            error = $"{where}: file not found";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error = $"{where}: cannot be read ({e.Message})";
        }

        return false;
    }

    private static string Where(string name, string file) =>
        $"{name} '{(string.IsNullOrWhiteSpace(file) || file.Contains('\0', StringComparison.Ordinal) ? file : Path.GetFullPath(file))}'";
}
