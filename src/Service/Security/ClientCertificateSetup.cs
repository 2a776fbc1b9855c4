using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using BeidouHub.Service.Configuration;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.Extensions.Options;

namespace BeidouHub.Service.Security;

/// <summary>
/// Configures the Certificate scheme (Microsoft.AspNetCore.Authentication.Certificate) for
/// machine clients identified by their client certificate. Kestrel has already checked the chain
/// against <c>Tls:ClientCaFile</c> during the handshake; the handler checks it again the same way
/// (that CA only, never the system store; clientAuth usage; validity; no self-signed
/// certificates; no revocation lookup), and its result is cached per certificate (a chain build
/// costs about 0.6 ms of CPU here, on every call otherwise). Which application the certificate
/// is, is decided per call in <see cref="Authenticate"/>, against the access configuration in
/// force, so the cache never outlives a removed thumbprint: a thumbprint no application lists is
/// refused, one that is listed grants that application's scope until the application's
/// <c>Expires</c> or the certificate's NotAfter, on the service's <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// Thumbprints, not subject names: a subject match would take every certificate the CA ever issued
/// with that name, and with no revocation lookup a leaked one could not be shut out short of
/// replacing the CA. A pinned thumbprint is one certificate; removing its line revokes exactly it,
/// without a restart. Revocation lookups (CRL, OCSP) stay off as in Kestrel's own check: a park
/// CA rarely publishes them, the service must not wait on a network fetch inside each handshake,
/// and the pin already is the revocation list.
/// </remarks>
internal sealed class ClientCertificateSetup : IConfigureNamedOptions<CertificateAuthenticationOptions>
{
    public const string Scheme = "Certificate";

    private readonly AccessControl _access;
    private readonly X509Certificate2Collection _clientCa;

    public ClientCertificateSetup(AccessControl access, X509Certificate2Collection clientCa)
    {
        _access = access;
        _clientCa = clientCa;
    }

    /// <summary>Whether the service asks clients for certificates on its own endpoint (<c>Kestrel:Endpoints</c> brings its own TLS, which this scheme does not read).</summary>
    public static bool Asked(BeidouHubOptions options, IConfiguration configuration) =>
        options.Tls.ClientCertificates != TlsClientCertificates.None && !configuration.GetSection("Kestrel:Endpoints").Exists();

    public void Configure(string? name, CertificateAuthenticationOptions options)
    {
        if (name == Scheme)
        {
            Configure(options);
        }
    }

    public void Configure(CertificateAuthenticationOptions options)
    {
        options.AllowedCertificateTypes = CertificateTypes.Chained;
        options.ChainTrustValidationMode = X509ChainTrustMode.CustomRootTrust;
        options.CustomTrustStore = [.. _clientCa];
        options.RevocationMode = X509RevocationMode.NoCheck;
        options.ValidateCertificateUse = true;
        options.ValidateValidityPeriod = true;
        options.TimeProvider = _access.Time;
        options.Events = new CertificateAuthenticationEvents
        {
            // The handler's own refusals (a self-signed certificate, a chain that does not build)
            // name the certificate, and are told apart from bad keys by their type.
            OnAuthenticationFailed = context =>
            {
                if (context.Exception is not ClientCertificateException)
                {
                    string which = context.HttpContext.Connection.ClientCertificate is { } certificate ? ClientCertificate.From(certificate).Description : "client certificate";
                    context.Fail(new ClientCertificateException($"{which}: {context.Exception.Message.TrimEnd('.')}"));
                }

                return Task.CompletedTask;
            },
        };
    }

    /// <summary>
    /// The grant of a client certificate whose chain the scheme has checked: the application that lists
    /// its thumbprint, while the certificate and the application are valid on the service's clock;
    /// else null and the reason (thumbprint prefix and subject, nothing secret).
    /// </summary>
    public static Grant? Authenticate(X509Certificate2 certificate, SecurityState state, TimeProvider time, out string? failure)
    {
        ClientCertificate presented = ClientCertificate.From(certificate);
        DateTimeOffset now = time.GetUtcNow();
        failure = null;
        if (!state.Certificates.TryGetValue(presented.Thumbprint, out ConfiguredCertificate? pinned))
        {
            failure = $"{presented.Description} is not in any application's Certificates";
        }
        else if (now >= presented.NotAfter)
        {
            failure = string.Create(CultureInfo.InvariantCulture, $"{presented.Description} expired at {presented.NotAfter.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}");
        }
        else if (now < presented.NotBefore)
        {
            failure = string.Create(CultureInfo.InvariantCulture, $"{presented.Description} is not valid before {presented.NotBefore.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}");
        }
        else if (pinned.Application.Scope.ExpiresAt is { } expires && now >= expires)
        {
            failure = string.Create(CultureInfo.InvariantCulture, $"{presented.Description}: application '{pinned.Application.Id}' expired at {expires.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}");
        }
        else
        {
            return new Grant(pinned.Application.Scope, CredentialKind.Certificate, null, presented.Thumbprint, presented);
        }

        return null;
    }
}

/// <summary>
/// A client certificate refused: it came through the CA check of the handshake, so it cannot be a
/// guess, and it does not count toward the per-peer limit on bad credentials.
/// </summary>
internal sealed class ClientCertificateException : Exception
{
    public ClientCertificateException(string message)
        : base(message)
    {
    }

    public ClientCertificateException()
    {
    }

    public ClientCertificateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
