using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace BeidouHub.Testing;

/// <summary>
/// A caster written in the test, for what str2str cannot show: NTRIP 2.0 answers with chunked data
/// (str2str answers every request as 1.0), TLS (str2str has none), and the exact request a client
/// sends. A real socket on 127.0.0.1 (and a real TLS handshake with a certificate made here); it
/// accepts one client at a time, keeps its request's head, and collects what the client sends after it.
/// </summary>
public sealed class TinyCaster : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2? _certificate;
    private readonly List<string> _requests = [];
    private readonly MemoryStream _upstream = new();
    private readonly Lock _lock = new();

    public TinyCaster(bool tls = false)
    {
        _listener.Start();
        if (tls)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
            using X509Certificate2 made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            _certificate = X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null);
        }
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public X509Certificate2? Certificate => _certificate;

    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    public string Upstream
    {
        get
        {
            lock (_lock)
            {
                return Encoding.ASCII.GetString(_upstream.ToArray());
            }
        }
    }

    /// <summary>Serves one client: reads its request, answers <paramref name="head"/>, sends <paramref name="body"/> parts one write each, then collects until the client goes.</summary>
    public async Task ServeOneAsync(string head, IEnumerable<byte[]> body, CancellationToken cancellationToken)
    {
        using TcpClient client = await _listener.AcceptTcpClientAsync(cancellationToken);
        Stream stream = client.GetStream();
        if (_certificate is not null)
        {
            var tls = new SslStream(stream);
            await tls.AuthenticateAsServerAsync(_certificate);
            stream = tls;
        }

        await using (stream)
        {
            var request = new MemoryStream();
            byte[] one = new byte[1];
            while (!request.ToArray().AsSpan().EndsWith("\r\n\r\n"u8))
            {
                if (await stream.ReadAsync(one, cancellationToken) == 0)
                {
                    return;
                }

                request.WriteByte(one[0]);
            }

            lock (_lock)
            {
                _requests.Add(Encoding.ASCII.GetString(request.ToArray()));
            }

            await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken);
            foreach (byte[] part in body)
            {
                await stream.WriteAsync(part, cancellationToken);
                await stream.FlushAsync(cancellationToken);
            }

            byte[] buffer = new byte[4096];
            try
            {
                int n;
                while ((n = await stream.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    lock (_lock)
                    {
                        _upstream.Write(buffer, 0, n);
                    }
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                // The client went, or the test is over.
            }
        }
    }

    /// <summary><paramref name="data"/> as HTTP/1.1 chunks cut at <paramref name="cuts"/> (with a chunk extension on the first), then the last chunk when <paramref name="last"/>.</summary>
    public static List<byte[]> Chunked(byte[] data, bool last, params int[] cuts)
    {
        var parts = new List<byte[]>();
        int from = 0;
        foreach (int cut in cuts.Append(data.Length))
        {
            string size = $"{cut - from:x}{(from == 0 ? ";name=value" : "")}\r\n";
            parts.Add([.. Encoding.ASCII.GetBytes(size), .. data.AsSpan(from, cut - from), .. "\r\n"u8]);
            from = cut;
        }

        if (last)
        {
            parts.Add("0\r\n\r\n"u8.ToArray());
        }

        return parts;
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Dispose();
        _certificate?.Dispose();
        _upstream.Dispose();
    }
}
