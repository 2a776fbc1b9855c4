using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using BeidouHub.Service.Security;

namespace BeidouHub.Service.Verbs;

/// <summary>
/// <c>beidouhub key new APP</c>: makes a new random API key for a park application and prints it
/// once, with the configuration entry that holds only its salted hash.
/// <c>beidouhub key cert FILE APP</c>: prints the SHA-256 thumbprint of a client certificate
/// (PEM) and the configuration entry that makes it the application's credential (mTLS).
/// </summary>
internal static class KeyVerb
{
    public const string Usage = """
        usage: beidouhub key new APP
          prints a new API key for application APP (shown only this once) and the
          BeidouHub:Applications entry to add to appsettings.json, which holds only the key's hash.
          Rotation: add the new hash to the application's Keys, move the application to the new
          key, remove the old hash; the service applies each change without a restart.
        usage: beidouhub key cert FILE APP
          prints the SHA-256 thumbprint of the client certificate in FILE (PEM; the first one in it)
          and the BeidouHub:Applications entry that lets a machine client holding it in as APP
          (mTLS: needs BeidouHub:Tls:ClientCertificates Allow or Require, and ClientCaFile the CA
          that issued it). Removing the thumbprint revokes that certificate, without a restart.
        """;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args is ["-h" or "--help"] or ["new" or "cert", "-h" or "--help"] or ["cert", _, "-h" or "--help"])
        {
            stdout.WriteLine(Usage);
            return 0;
        }

        if (args is ["cert", string file, string holder])
        {
            return IsApplicationId(holder, stderr) ? Certificate(file, holder, TimeProvider.System, stdout, stderr) : 2;
        }

        if (args is not ["new", string application])
        {
            stderr.WriteLine($"key: expected 'new APP' or 'cert FILE APP'\n{Usage}");
            return 2;
        }

        if (!IsApplicationId(application, stderr))
        {
            return 2;
        }

        (string key, string hash) = ApiKey.Generate();
        stdout.WriteLine($"""
            New API key for application '{application}'. Give it to the application now: it is shown only this once
            and the service keeps only its hash.

              {key}

            The application sends it with every call as the gRPC metadata  authorization: Bearer {key}
            (beidouhub watch --token KEY, or BEIDOUHUB_TOKEN=KEY).

            """);
        WriteEntry(stdout, application, "Keys", hash, "to rotate the key of an application already configured, add this line to its Keys (and remove the\nold key's line once the application uses the new key)");
        return 0;
    }

    /// <summary>The thumbprint of the certificate in <paramref name="file"/> and its entry; refused (exit 1): a certificate the service would never take from a client.</summary>
    internal static int Certificate(string file, string application, TimeProvider time, TextWriter stdout, TextWriter stderr)
    {
        if (!TlsCertificates.TryLoadCa(file, "key cert", out X509Certificate2Collection? certificates, out string? error))
        {
            stderr.WriteLine(error);
            return 1;
        }

        X509Certificate2 certificate = certificates![0];
        ClientCertificate client = ClientCertificate.From(certificate);
        if (Refusal(certificate, client, time) is { } refusal)
        {
            stderr.WriteLine($"key cert '{Path.GetFullPath(file)}': {client.Subject} {refusal}");
            return 1;
        }

        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            Client certificate {client.Subject}
              issued by {ClientCertificate.Printable(certificate.Issuer)}, valid until {client.NotAfter.UtcDateTime:yyyy-MM-dd HH:mm:ss'Z'}
              SHA-256 thumbprint {client.Thumbprint}

            A machine client that connects with this certificate (and its key) and sends no authorization metadata
            is application '{application}' (beidouhub watch --cert FILE --key KEYFILE). The service must ask for
            client certificates: BeidouHub:Tls:ClientCertificates Allow or Require, with ClientCaFile the CA that
            issued this one. The streams of the certificate end at its expiry, or when its line is removed.

            """));
        WriteEntry(stdout, application, "Certificates", client.Thumbprint, "for an application already configured (a second machine, or a renewed certificate), add this line to its\nCertificates (and remove the old certificate's line once the client uses the new one)");
        return 0;
    }

    // What the handshake or the Certificate scheme would refuse: better said now than as an
    // UNAUTHENTICATED later.
    private static string? Refusal(X509Certificate2 certificate, ClientCertificate client, TimeProvider time)
    {
        if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority))
        {
            return "is a CA certificate; give the client's own certificate (a CA goes into BeidouHub:Tls:ClientCaFile)";
        }

        if (certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData))
        {
            return "is self-signed; the service takes client certificates issued by the CA in BeidouHub:Tls:ClientCaFile only";
        }

        if (certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault() is { } usage
            && !usage.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Any(o => o.Value == TlsCertificates.ClientAuthentication))
        {
            return $"is not for client authentication (its extended key usage lacks clientAuth, {TlsCertificates.ClientAuthentication}); the service refuses it in the handshake";
        }

        return time.GetUtcNow() > client.NotAfter
            ? string.Create(CultureInfo.InvariantCulture, $"expired on {client.NotAfter.UtcDateTime:yyyy-MM-dd HH:mm:ss'Z'}")
            : null;
    }

    private static bool IsApplicationId(string application, TextWriter stderr)
    {
        if (application.Length is 0 or > ApplicationScope.MaxIdLength || application.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '"' or '\\'))
        {
            stderr.WriteLine($"key: '{application}' is not an application id (no spaces, quotes or backslashes; at most {ApplicationScope.MaxIdLength} characters)");
            return false;
        }

        return true;
    }

    // The application entry, the line for an application already configured, and the environment variable.
    private static void WriteEntry(TextWriter stdout, string application, string list, string line, string addTo)
    {
        stdout.WriteLine($"""
            Add the application to BeidouHub:Applications in appsettings.json (narrow Receivers, Zones, Rpcs and
            Coordinates to what it may see; see README, "Securing the service"):

            {'{'}
              "Id": "{application}",
              "{list}": [ "{line}" ],
              "Receivers": [ "*" ],
              "Zones": [ "*" ],
              "Rpcs": [ "positions", "sky", "zones", "receivers" ],
              "Coordinates": [ "*" ]
            {'}'}

            or, {addTo}:

              "{line}"

            As an environment variable (N: the application's index in BeidouHub:Applications, K: the line's in {list}):

              BeidouHub__Applications__N__{list}__K={line}
            """);
    }
}
