using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace BeidouHub.Service.Security;

/// <summary>
/// A client verb's channel to the service: HTTP/2 over TLS (or plain to loopback), the server's
/// certificate checked against the given CA only when one is given, the bearer token added to
/// every call, and a failed connection told in one line.
/// </summary>
internal sealed class TlsClientChannel : IDisposable
{
    private readonly Uri _address;
    private readonly X509Certificate2Collection? _trust;
    private readonly string? _caFile;
    private readonly string? _clientCertificateFile;
    private readonly GrpcChannel _channel;
    private string? _rejection;
    private volatile bool _serverAccepted;
    private volatile bool _responded;

    public TlsClientChannel(Uri address, X509Certificate2Collection? trust, string? caFile, X509Certificate2? clientCertificate, string? clientCertificateFile, string? token)
    {
        ArgumentNullException.ThrowIfNull(address);
        _address = address;
        _trust = trust;
        _caFile = caFile;
        _clientCertificateFile = clientCertificateFile;
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = Validate,
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            },
        };
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = new ResponseSeen(this, handler), DisposeHttpClient = true });
        CallInvoker = token is null
            ? _channel.CreateCallInvoker()
            : _channel.Intercept(metadata =>
            {
                metadata.Add("authorization", "Bearer " + token);
                return metadata;
            });
    }

    /// <summary>Makes the calls: clients are built on it (<c>new Positions.PositionsClient(channel.CallInvoker)</c>).</summary>
    public CallInvoker CallInvoker { get; }

    /// <summary>
    /// One line for a call that failed before the service answered: the TLS reason (an untrusted
    /// certificate, a name it is not for, a client certificate the service wants), or the
    /// connection error; null when the service itself answered with a status.
    /// </summary>
    public string? DescribeConnectionFailure(RpcException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.StatusCode != StatusCode.Unavailable && e.StatusCode != StatusCode.Internal)
        {
            return null;
        }

        if (_rejection is not null)
        {
            return $"TLS with {_address.Authority} failed: {_rejection}";
        }

        Exception? inner = e.Status.DebugException;
        bool tls = false, closedAfterHandshake = false;
        for (Exception? x = inner; x is not null; x = x.InnerException)
        {
            tls |= x is AuthenticationException;

            // TLS 1.3: the client's handshake is over before the service has looked at the
            // client's certificate; a service that refuses it closes the connection, and the
            // client sees the HTTP/2 preface fail, as a closed SslStream, an ended response, a
            // reset or an unfinished HTTP/2 handshake, whichever comes first. Only before any
            // response: a stream that breaks later is something else.
            closedAfterHandshake |= _serverAccepted && !_responded
                && x is HttpRequestException or IOException or ObjectDisposedException { ObjectName: "System.Net.Security.SslStream" };
            inner = x;
        }

        if (inner is null)
        {
            return e.Status.Detail.Length > 0 ? $"{_address} is not reachable or shut down ({e.Status.Detail})" : null;
        }

        if (_address.Scheme == "https" && closedAfterHandshake)
        {
            return $"TLS with {_address.Authority} failed: the service closed the connection after the handshake: "
                + (_clientCertificateFile is null
                    ? "it wants a client certificate signed by its CA (give --cert and --key)"
                    : $"it did not take the client certificate in {Path.GetFullPath(_clientCertificateFile)} (not signed by the CA it trusts for clients?)");
        }

        string reason = inner.Message.ReplaceLineEndings(" ");
        return tls && _address.Scheme == "https"
            ? $"TLS with {_address.Authority} failed: {reason}"
            : $"{_address} is not reachable or shut down ({reason})";
    }

    public void Dispose() => _channel.Dispose();

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is not X509Certificate2 server)
        {
            _rejection = "the service sent no certificate";
            return false;
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            _rejection = $"its certificate is for {TlsCertificates.Names(server)}, not for {_address.Host}";
            return false;
        }

        if (_trust is null)
        {
            if (errors == SslPolicyErrors.None)
            {
                _serverAccepted = true;
                return true;
            }

            string status = chain is null ? errors.ToString() : string.Join(", ", chain.ChainStatus.Select(s => s.Status).Distinct());
            _rejection = $"its certificate ({server.Subject}, issued by {server.Issuer}) is not trusted here ({status}); give the CA that signed it with --ca FILE";
            return false;
        }

        if (TlsCertificates.ChainsTo(server, _trust, chain, TlsCertificates.ServerAuthentication, out string problem))
        {
            _serverAccepted = true;
            return true;
        }

        _rejection = $"its certificate ({server.Subject}, issued by {server.Issuer}) is not signed by the CA in {Path.GetFullPath(_caFile!)} ({problem})";
        return false;
    }

    // Notes that the service answered a call (HTTP/2 response headers came back).
    private sealed class ResponseSeen(TlsClientChannel owner, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            owner._responded = true;
            return response;
        }
    }
}
