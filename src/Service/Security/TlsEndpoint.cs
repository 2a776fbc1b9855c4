using System.Net;
using System.Security.Cryptography.X509Certificates;
using BeidouHub.Service.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace BeidouHub.Service.Security;

/// <summary>
/// The service's one gRPC endpoint as <c>BeidouHub:Listen</c> and <c>BeidouHub:Tls</c> describe
/// it: HTTP/2 over TLS with the configured certificate (and, for mTLS, client certificates checked
/// against <c>ClientCaFile</c> only), or plain HTTP/2 (h2c) on loopback, or beyond it only with
/// <c>AllowInsecure</c>.
/// </summary>
internal sealed class TlsEndpoint
{
    private TlsEndpoint(IPAddress address, int port, X509Certificate2? certificate, X509Certificate2Collection? chain, TlsClientCertificates clientCertificates, X509Certificate2Collection? clientCa)
    {
        Address = address;
        Port = port;
        Certificate = certificate;
        Chain = chain;
        ClientCertificates = clientCertificates;
        ClientCa = clientCa;
    }

    public IPAddress Address { get; }

    public int Port { get; }

    /// <summary>The server certificate; null for plain HTTP/2.</summary>
    public X509Certificate2? Certificate { get; }

    public X509Certificate2Collection? Chain { get; }

    public TlsClientCertificates ClientCertificates { get; }

    public X509Certificate2Collection? ClientCa { get; }

    /// <summary>How the endpoint is secured, for the start-up log line.</summary>
    public string Transport => Certificate is null
        ? IPAddress.IsLoopback(Address) ? "plain HTTP/2, loopback only" : "plain HTTP/2 on the network (BeidouHub:Tls:AllowInsecure): not encrypted"
        : ClientCertificates switch
        {
            TlsClientCertificates.Require => $"TLS ({Certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false)}), client certificates required",
            TlsClientCertificates.Allow => $"TLS ({Certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false)}), client certificates accepted",
            _ => $"TLS ({Certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false)})",
        };

    /// <summary>
    /// The endpoint, or one line per problem in <paramref name="errors"/>: the section's own
    /// checks (<see cref="TlsConfig.Validate"/>), then each file that cannot be used, named.
    /// </summary>
    public static bool TryCreate(string listen, TlsConfig tls, TimeProvider time, List<string> errors, out TlsEndpoint? endpoint)
    {
        ArgumentNullException.ThrowIfNull(tls);
        ArgumentNullException.ThrowIfNull(errors);
        endpoint = null;
        List<string> problems = tls.Validate(listen);
        if (problems.Count > 0)
        {
            errors.AddRange(problems);
            return false;
        }

        if (!TryParseListen(listen, out Uri? uri, out IPAddress? address, out string? error))
        {
            errors.Add(error!); // not reached: Validate has parsed it
            return false;
        }

        X509Certificate2? certificate = null;
        X509Certificate2Collection? chain = null;
        X509Certificate2Collection? clientCa = null;
        bool loaded = tls.PfxFile is { } pfx
            ? TlsCertificates.TryLoadPfx(pfx, tls.PfxPassword, $"{TlsConfig.Section}:PfxFile", time, out certificate, out error)
            : tls.CertificateFile is not { } pem
              || TlsCertificates.TryLoadPem(pem, tls.KeyFile, $"{TlsConfig.Section}:CertificateFile", $"{TlsConfig.Section}:KeyFile", time, out certificate, out chain, out error);
        if (!loaded)
        {
            errors.Add(error!);
        }

        if (tls.ClientCaFile is { } ca && !TlsCertificates.TryLoadCa(ca, $"{TlsConfig.Section}:ClientCaFile", out clientCa, out error))
        {
            errors.Add(error!);
        }

        if (!loaded || (tls.ClientCaFile is not null && clientCa is null))
        {
            certificate?.Dispose();
            return false;
        }

        endpoint = new TlsEndpoint(address!, uri!.Port, certificate, chain, tls.ClientCertificates, clientCa);
        return true;
    }

    /// <summary><c>http://</c> or <c>https://</c>, an IP address (or localhost) and a port.</summary>
    public static bool TryParseListen(string listen, out Uri? uri, out IPAddress? address, out string? error, string key = "BeidouHub:Listen")
    {
        address = null;
        if (!Uri.TryCreate(listen, UriKind.Absolute, out uri) || uri.Scheme is not ("http" or "https"))
        {
            error = $"{key} '{listen}' is not http://host:port or https://host:port";
            return false;
        }

        if (uri.Host is "localhost")
        {
            address = IPAddress.Loopback;
        }
        else if (!IPAddress.TryParse(uri.Host.Trim('[', ']'), out address))
        {
            error = $"{key} '{listen}': give an IP address (127.0.0.1, 0.0.0.0, [::1], [::])";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>Adds the endpoint to Kestrel: HTTP/2 only (gRPC), over TLS when there is a certificate.</summary>
    public void Configure(KestrelServerOptions kestrel)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        kestrel.Listen(Address, Port, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            if (Certificate is null)
            {
                return;
            }

            var https = new HttpsConnectionAdapterOptions
            {
                ServerCertificate = Certificate,
                ServerCertificateChain = Chain,
                ClientCertificateMode = ClientCertificates switch
                {
                    TlsClientCertificates.Require => ClientCertificateMode.RequireCertificate,
                    TlsClientCertificates.Allow => ClientCertificateMode.AllowCertificate,
                    _ => ClientCertificateMode.NoCertificate,
                },
            };
            if (ClientCa is { } roots)
            {
                // Against ClientCaFile only: a certificate some public CA signed is no park credential.
                https.ClientCertificateValidation = (certificate, chain, _) =>
                    TlsCertificates.ChainsTo(certificate, roots, chain, TlsCertificates.ClientAuthentication, out string _);
            }

            listen.UseHttps(https);
        });
    }

    /// <summary>
    /// Adds the web console's endpoint (<c>BeidouHub:Web:Listen</c>, already validated): HTTP/1.1
    /// (and HTTP/2 over TLS) for browsers, over TLS with the same certificate when there is one. Browsers are
    /// not asked for client certificates (a prompt in every operator's browser); they present keys.
    /// </summary>
    /// <summary>
    /// The metrics endpoint: HTTP/1.1 (what Prometheus speaks; over TLS HTTP/2 as well), with the
    /// service's certificate when there is one. Returns its listen options, whose end point holds
    /// the bound port once Kestrel has started (port 0 in tests).
    /// </summary>
    public ListenOptions? ConfigureMetrics(KestrelServerOptions kestrel, string metricsListen)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        if (!TryParseListen(metricsListen, out Uri? uri, out IPAddress? address, out string? error, MetricsConfig.Section + ":Listen"))
        {
            throw new InvalidOperationException(error); // not reached: the validator has parsed it
        }

        ListenOptions? bound = null;
        kestrel.Listen(address!, uri!.Port, listen =>
        {
            bound = listen;
            listen.Protocols = Certificate is null ? HttpProtocols.Http1 : HttpProtocols.Http1AndHttp2;
            if (Certificate is not null)
            {
                listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificate = Certificate, ServerCertificateChain = Chain });
            }
        });
        return bound;
    }

    public void ConfigureWeb(KestrelServerOptions kestrel, string webListen)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        if (!TryParseListen(webListen, out Uri? uri, out IPAddress? address, out string? error, WebConfig.Section + ":Listen"))
        {
            throw new InvalidOperationException(error); // not reached: the validator has parsed it
        }

        kestrel.Listen(address!, uri!.Port, listen =>
        {
            // HTTP/2 needs TLS's protocol negotiation in a browser: plain http is HTTP/1.1 only.
            listen.Protocols = Certificate is null ? HttpProtocols.Http1 : HttpProtocols.Http1AndHttp2;
            if (Certificate is not null)
            {
                listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificate = Certificate, ServerCertificateChain = Chain });
            }
        });
    }
}
