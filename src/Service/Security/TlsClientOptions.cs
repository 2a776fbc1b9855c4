using System.Net;
using System.Security.Cryptography.X509Certificates;
using BeidouHub.Service.Verbs;

namespace BeidouHub.Service.Security;

/// <summary>
/// How a client verb reaches the service: <c>--url</c> (http:// or https://), <c>--ca FILE</c>
/// (trust that CA for this connection only, not the system store), <c>--token TOKEN</c> or
/// <c>BEIDOUHUB_TOKEN</c> (sent as <c>authorization: Bearer TOKEN</c> on every call; the option
/// wins), <c>--cert FILE --key FILE</c> (a client certificate for mTLS).
/// </summary>
internal sealed class TlsClientOptions
{
    /// <summary>The environment variable a token is taken from when <c>--token</c> is not given.</summary>
    public const string TokenVariable = "BEIDOUHUB_TOKEN";

    /// <summary>The lines of a client verb's usage that describe these options.</summary>
    public const string Usage = """
          --url URL      the service: http://127.0.0.1:50051 (default; plain, loopback only) or https://host:port
          --ca FILE      trust the service's certificate if it is signed by the CA in FILE (PEM), and only then
                         (default for https://: the system's trusted CAs)
          --token TOKEN  sent as 'authorization: Bearer TOKEN' on every call (default: $BEIDOUHUB_TOKEN)
          --cert FILE    client certificate (PEM) for a service that asks for one (mTLS), with
          --key FILE     its private key (PEM)
        """;

    public string Url { get; private set; } = "http://127.0.0.1:50051";

    public string? CaFile { get; private set; }

    public string? Token { get; private set; }

    public string? CertificateFile { get; private set; }

    public string? KeyFile { get; private set; }

    /// <summary>True when <paramref name="option"/> is one of these options.</summary>
    public static bool IsOption(string? option) => option is "--url" or "--ca" or "--token" or "--cert" or "--key";

    /// <summary>Reads the value of the option the reader is on (one that <see cref="IsOption"/> accepts).</summary>
    public void Read(ArgumentReader cli)
    {
        ArgumentNullException.ThrowIfNull(cli);
        if (!cli.TryValue(out string value))
        {
            return;
        }

        switch (cli.Option)
        {
            case "--url":
                if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https"))
                {
                    cli.Invalid("http://host:port or https://host:port");
                }

                Url = value;
                break;
            case "--ca":
                CaFile = value;
                break;
            case "--token":
                Token = value;
                break;
            case "--cert":
                CertificateFile = value;
                break;
            default:
                KeyFile = value;
                break;
        }
    }

    /// <summary>
    /// The channel, or one line saying why not (an option that does not fit the URL, a file that
    /// cannot be read). <paramref name="environmentToken"/> is <c>$BEIDOUHUB_TOKEN</c>.
    /// </summary>
    public bool TryOpen(string? environmentToken, out TlsClientChannel? channel, out string? error)
    {
        channel = null;
        var address = new Uri(Url);
        bool tls = address.Scheme == "https";
        string? token = !string.IsNullOrEmpty(Token) ? Token : string.IsNullOrEmpty(environmentToken) ? null : environmentToken;
        if (!tls && (CaFile is not null || CertificateFile is not null))
        {
            error = $"--{(CaFile is not null ? "ca" : "cert")} needs an https:// --url (the service at {Url} is plain)";
            return false;
        }

        if (!tls && token is not null && !IsLoopback(address))
        {
            // A bearer token over plain HTTP/2 to another machine is readable by anyone on the way.
            error = $"not sending the token in clear to {address.Host}: use an https:// --url";
            return false;
        }

        if ((CertificateFile is null) != (KeyFile is null))
        {
            error = "--cert and --key go together (a client certificate and its private key)";
            return false;
        }

        X509Certificate2Collection? trust = null;
        if (CaFile is not null && !TlsCertificates.TryLoadCa(CaFile, "--ca", out trust, out error))
        {
            return false;
        }

        X509Certificate2? clientCertificate = null;
        if (CertificateFile is not null && !TlsCertificates.TryLoadPem(CertificateFile, KeyFile, "--cert", "--key", TimeProvider.System, out clientCertificate, out error))
        {
            return false;
        }

        channel = new TlsClientChannel(address, trust, CaFile, clientCertificate, CertificateFile, token);
        error = null;
        return true;
    }

    private static bool IsLoopback(Uri address) =>
        address.IsLoopback || (IPAddress.TryParse(address.Host.Trim('[', ']'), out IPAddress? ip) && IPAddress.IsLoopback(ip));
}
