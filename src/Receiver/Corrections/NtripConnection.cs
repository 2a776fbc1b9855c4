using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace BeidouHub.Receiver.Corrections;

/// <summary>
/// One request to a caster over its own socket (TCP, TLS for https/ntrips): the request line and
/// headers of NTRIP 1.0 or 2.0, the response's status line and headers, then the body, de-chunked
/// when the caster sends <c>Transfer-Encoding: chunked</c> (NTRIP 2.0 streams usually are; 1.0's
/// <c>ICY 200 OK</c> stream is raw bytes right after the status line). The client's upstream bytes
/// (GGA) go raw over the same socket in both versions, as casters expect.
/// </summary>
internal sealed class NtripConnection : IAsyncDisposable
{
    /// <summary>The client's name in requests.</summary>
    public const string UserAgent = "NTRIP BeidouHub/1.0";

    private readonly TcpClient _tcp;
    private readonly Stream _stream;
    private readonly byte[] _raw = new byte[16 * 1024];
    private int _rawStart;
    private int _rawEnd;
    private long _chunkLeft;
    private ChunkState _chunk;
    private long _contentLeft = -1;

    private enum ChunkState
    {
        Size,
        Extension,
        SizeLf,
        Data,
        DataCr,
        DataLf,
        Done,
    }

    private NtripConnection(TcpClient tcp, Stream stream)
    {
        _tcp = tcp;
        _stream = stream;
    }

    /// <summary>The response's status line (<c>ICY 200 OK</c>, <c>HTTP/1.1 200 OK</c>, <c>SOURCETABLE 200 OK</c> ...).</summary>
    public string StatusLine { get; private set; } = "";

    /// <summary>The response's headers, names in lower case (none after <c>ICY 200 OK</c>).</summary>
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The body is chunked.</summary>
    public bool Chunked { get; private set; }

    /// <summary>The caster answered with a source table (v1 <c>SOURCETABLE 200 OK</c>, v2 <c>Content-Type: gnss/sourcetable</c>).</summary>
    public bool IsSourceTable { get; private set; }

    /// <summary>The status code (200 for <c>ICY 200 OK</c> and <c>SOURCETABLE 200 OK</c>), 0 when the line had none.</summary>
    public int Status { get; private set; }

    /// <summary>Connects, sends <c>GET /path</c> and reads the response's head.</summary>
    public static async Task<NtripConnection> OpenAsync(NtripEndpoint endpoint, string path, NtripVersion version, string? user, string? password, string? gga,
        TimeSpan timeout, RemoteCertificateValidationCallback? validation, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient { NoDelay = true };
        NtripConnection? connection = null;
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            try
            {
                await tcp.ConnectAsync(endpoint.Host, endpoint.Port, limit.Token).ConfigureAwait(false);
                tcp.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
                Stream stream = tcp.GetStream();
                if (endpoint.Tls)
                {
                    var tls = new SslStream(stream, leaveInnerStreamOpen: false, validation);
                    stream = tls;
                    await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = endpoint.Host }, limit.Token).ConfigureAwait(false);
                }

                connection = new NtripConnection(tcp, stream);
                byte[] request = Encoding.ASCII.GetBytes(Request(endpoint, path, version, user, password, gga));
                await stream.WriteAsync(request, limit.Token).ConfigureAwait(false);
                await connection.ReadHeadAsync(limit.Token).ConfigureAwait(false);
                return connection;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new IOException($"{endpoint.Display}: no answer within {timeout.TotalSeconds:0} s");
            }
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                tcp.Dispose();
            }

            throw;
        }
    }

    /// <summary>The request's text (public for tests: what a caster sees).</summary>
    public static string Request(NtripEndpoint endpoint, string path, NtripVersion version, string? user, string? password, string? gga)
    {
        var r = new StringBuilder(256);
        if (version == NtripVersion.V2)
        {
            string host = endpoint.Host.Contains(':', StringComparison.Ordinal) ? $"[{endpoint.Host}]" : endpoint.Host;
            r.Append("GET /").Append(path).Append(" HTTP/1.1\r\n");
            r.Append("Host: ").Append(host).Append(':').Append(endpoint.Port).Append("\r\n");
            r.Append("Ntrip-Version: Ntrip/2.0\r\n");
        }
        else
        {
            r.Append("GET /").Append(path).Append(" HTTP/1.0\r\n");
        }

        r.Append("User-Agent: ").Append(UserAgent).Append("\r\n");
        r.Append("Accept: */*\r\n");
        if (user is not null)
        {
            r.Append("Authorization: Basic ").Append(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"))).Append("\r\n");
        }

        if (version == NtripVersion.V2 && gga is not null)
        {
            // NTRIP 2.0 lets the first GGA ride in the request (RTCM 10410.1, "Ntrip-GGA").
            r.Append("Ntrip-GGA: ").Append(gga.TrimEnd('\r', '\n')).Append("\r\n");
        }

        r.Append("Connection: close\r\n\r\n");
        return r.ToString();
    }

    /// <summary>Sends bytes upstream (GGA).</summary>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) => _stream.WriteAsync(bytes, cancellationToken);

    /// <summary>Body bytes into <paramref name="buffer"/>; 0 at the end of the body (the caster closed, the last chunk, Content-Length reached).</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            if (_rawStart == _rawEnd)
            {
                if (_chunk == ChunkState.Done || _contentLeft == 0)
                {
                    return 0;
                }

                _rawStart = 0;
                _rawEnd = await _stream.ReadAsync(_raw, cancellationToken).ConfigureAwait(false);
                if (_rawEnd == 0)
                {
                    if (Chunked && _chunk != ChunkState.Done)
                    {
                        throw new IOException("the caster closed the connection inside a chunk");
                    }

                    return 0;
                }
            }

            int n = Chunked ? DeChunk(buffer.Span) : Plain(buffer.Span);
            if (n > 0 || _chunk == ChunkState.Done)
            {
                return n;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        _tcp.Dispose();
    }

    private int Plain(Span<byte> buffer)
    {
        int n = Math.Min(buffer.Length, _rawEnd - _rawStart);
        if (_contentLeft >= 0)
        {
            n = (int)Math.Min(n, _contentLeft);
            _contentLeft -= n;
        }

        _raw.AsSpan(_rawStart, n).CopyTo(buffer);
        _rawStart += n;
        return n;
    }

    // RFC 9112 section 7.1: chunk-size [ chunk-ext ] CRLF chunk-data CRLF ... last-chunk (0) CRLF.
    // The trailer after the last chunk is not read: the stream is over.
    private int DeChunk(Span<byte> buffer)
    {
        int written = 0;
        while (_rawStart < _rawEnd && written < buffer.Length && _chunk != ChunkState.Done)
        {
            byte b = _raw[_rawStart];
            switch (_chunk)
            {
                case ChunkState.Size:
                    int digit = HexDigit(b);
                    if (digit >= 0)
                    {
                        if (_chunkLeft > 0xFFFFFFF)
                        {
                            throw new IOException("chunk size too large");
                        }

                        _chunkLeft = (_chunkLeft << 4) | (uint)digit;
                    }
                    else if (b is (byte)';' or (byte)' ' or (byte)'\t')
                    {
                        _chunk = ChunkState.Extension;
                    }
                    else if (b == '\r')
                    {
                        _chunk = ChunkState.SizeLf;
                    }
                    else if (b == '\n')
                    {
                        _chunk = _chunkLeft == 0 ? ChunkState.Done : ChunkState.Data;
                    }
                    else
                    {
                        throw new IOException($"bad chunk size byte 0x{b:X2}");
                    }

                    _rawStart++;
                    break;
                case ChunkState.Extension:
                    if (b == '\n')
                    {
                        _chunk = _chunkLeft == 0 ? ChunkState.Done : ChunkState.Data;
                    }

                    _rawStart++;
                    break;
                case ChunkState.SizeLf:
                    if (b != '\n')
                    {
                        throw new IOException("chunk size line without LF");
                    }

                    _chunk = _chunkLeft == 0 ? ChunkState.Done : ChunkState.Data;
                    _rawStart++;
                    break;
                case ChunkState.Data:
                    int n = (int)Math.Min(Math.Min(_chunkLeft, _rawEnd - _rawStart), buffer.Length - written);
                    _raw.AsSpan(_rawStart, n).CopyTo(buffer[written..]);
                    written += n;
                    _rawStart += n;
                    _chunkLeft -= n;
                    if (_chunkLeft == 0)
                    {
                        _chunk = ChunkState.DataCr;
                    }

                    break;
                case ChunkState.DataCr:
                    _chunk = b == '\r' ? ChunkState.DataLf : b == '\n' ? ChunkState.Size : throw new IOException("chunk data not followed by CRLF");
                    _rawStart++;
                    break;
                case ChunkState.DataLf:
                    if (b != '\n')
                    {
                        throw new IOException("chunk data not followed by CRLF");
                    }

                    _chunk = ChunkState.Size;
                    _rawStart++;
                    break;
            }
        }

        return written;
    }

    private static int HexDigit(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    // The status line, then headers up to the empty line, except after "ICY 200 OK": a 1.0 stream's
    // bytes follow the status line at once (RTCM 10410.0), and whatever a caster puts between goes
    // through the RTCM framer as skipped bytes.
    private async Task ReadHeadAsync(CancellationToken cancellationToken)
    {
        int lineEnd;
        while ((lineEnd = _raw.AsSpan(0, _rawEnd).IndexOf("\r\n"u8)) < 0)
        {
            await FillHeadAsync(cancellationToken).ConfigureAwait(false);
        }

        StatusLine = Encoding.ASCII.GetString(_raw, 0, lineEnd).Trim();
        _rawStart = lineEnd + 2;
        string[] parts = StatusLine.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        Status = parts.Length > 1 && int.TryParse(parts[1], out int status) ? status : 0;
        IsSourceTable = StatusLine.StartsWith("SOURCETABLE", StringComparison.Ordinal);
        if (StatusLine.StartsWith("ICY ", StringComparison.Ordinal))
        {
            return;
        }

        int headEnd;
        while ((headEnd = _raw.AsSpan(lineEnd, _rawEnd - lineEnd).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (!StatusLine.StartsWith("HTTP/", StringComparison.Ordinal) && !StatusLine.StartsWith("SOURCETABLE", StringComparison.Ordinal))
            {
                // "ERROR - Bad Password" and other one-line answers of old casters: nothing more comes.
                return;
            }

            if (!await FillHeadAsync(cancellationToken, endAllowed: true).ConfigureAwait(false))
            {
                // "HTTP/1.0 401 Unauthorized" and the connection closed (str2str): the head is all there is.
                return;
            }
        }

        headEnd += lineEnd;
        foreach (string line in Encoding.ASCII.GetString(_raw, lineEnd + 2, Math.Max(0, headEnd - lineEnd - 2)).Split("\r\n"))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                Headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        _rawStart = headEnd + 4;
        Chunked = Headers.TryGetValue("Transfer-Encoding", out string? te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase);
        if (!Chunked && Headers.TryGetValue("Content-Length", out string? length) && long.TryParse(length, out long contentLength) && contentLength >= 0)
        {
            _contentLeft = contentLength;
            if (contentLength < _rawEnd - _rawStart)
            {
                _rawEnd = _rawStart + (int)contentLength;
            }
        }

        IsSourceTable = IsSourceTable
            || (Headers.TryGetValue("Content-Type", out string? type) && type.StartsWith("gnss/sourcetable", StringComparison.OrdinalIgnoreCase));
        if (Chunked)
        {
            // The bytes already read are raw chunked bytes: DeChunk takes them from _rawStart.
            _chunk = ChunkState.Size;
        }
    }

    private async Task<bool> FillHeadAsync(CancellationToken cancellationToken, bool endAllowed = false)
    {
        if (_rawEnd == _raw.Length)
        {
            throw new IOException($"the caster's answer has no end of headers within {_rawEnd} bytes");
        }

        int n = await _stream.ReadAsync(_raw.AsMemory(_rawEnd), cancellationToken).ConfigureAwait(false);
        if (n == 0 && endAllowed)
        {
            return false;
        }

        if (n == 0)
        {
            throw new IOException(_rawEnd == 0 ? "the caster closed the connection without an answer" : $"the caster closed the connection after '{Encoding.ASCII.GetString(_raw, 0, Math.Min(_rawEnd, 80)).Trim()}'");
        }

        _rawEnd += n;
        return true;
    }
}
