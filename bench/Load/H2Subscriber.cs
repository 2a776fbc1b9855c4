using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using BeidouHub.Protocol.V1;
using Google.Protobuf;

namespace BeidouHub.Bench.Load;

/// <summary>
/// One gRPC subscriber that is as lean as the gpsd watchers (<see cref="GpsdWatcher"/>): its own
/// TCP connection, HTTP/2 with prior knowledge (RFC 9113) written and read by hand, one
/// StreamPositions call, and each gRPC message parsed into a Position as soon as the read that
/// brought its last byte returns. It is a real gRPC client of the real service (the same frames
/// Grpc.Net.Client exchanges, and the same Position parser), without its per-message machinery
/// (HTTP/2 frame loop, stream read, message reader: each a continuation of its own), so that with
/// 50 subscribers on the service's own two cores the harness measures what the service delivers
/// and not what 50 Grpc.Net.Client channels cost. <c>--client h2</c>; the default stays Grpc.Net.Client.
/// </summary>
internal sealed class H2Subscriber(Uri address, StreamPositionsRequest request, SeedEpochs? seed, Feeder? feeder, long windowStart, long windowEnd, string? bearer = null)
    : PositionWatcher(request, seed, feeder, windowStart, windowEnd)
{
    private const byte Data = 0x0, Headers = 0x1, RstStream = 0x3, Settings = 0x4, Ping = 0x6, GoAway = 0x7;
    private const byte EndStream = 0x1, Ack = 0x1, EndHeaders = 0x4, Padded = 0x8;
    private const int Stream = 1;

    // Our receive windows: large from the start, topped up per megabyte read.
    private const int Window = 1 << 30;
    private const int TopUp = 1 << 20;

    private byte[] _message = new byte[4096];
    private int _messageLength;
    private int _unacknowledged;

    public override async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(new DnsEndPoint(address.Host, address.Port), cancellationToken).ConfigureAwait(false);
            await socket.SendAsync(Opening(address.Authority, bearer, Request), cancellationToken).ConfigureAwait(false);
            await SocketReads.ReadAsync(socket, "the service", "frame", (bytes, now) => OnFramesAsync(socket, bytes, now, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped by the harness.
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidProtocolBufferException)
        {
            Error = e;
        }
    }

    // The whole frames at the front of bytes (a 9-byte header: length, type, flags, stream); returns how many bytes they took.
    private async ValueTask<int> OnFramesAsync(Socket socket, ReadOnlyMemory<byte> bytes, long now, CancellationToken cancellationToken)
    {
        DateTime wallNow = DateTime.UtcNow;
        int start = 0;
        while (bytes.Length - start >= 9)
        {
            ReadOnlySpan<byte> header = bytes.Span.Slice(start, 9);
            int length = (header[0] << 16) | (header[1] << 8) | header[2];
            if (bytes.Length - start < 9 + length)
            {
                break;
            }

            int stream = BinaryPrimitives.ReadInt32BigEndian(header[5..]) & int.MaxValue;
            await OnFrameAsync(socket, header[3], header[4], stream, bytes.Slice(start + 9, length), now, wallNow, cancellationToken).ConfigureAwait(false);
            start += 9 + length;
        }

        return start;
    }

    private async ValueTask OnFrameAsync(Socket socket, byte type, byte flags, int stream, ReadOnlyMemory<byte> payload, long now, DateTime wallNow, CancellationToken cancellationToken)
    {
        switch (type)
        {
            case Data when stream == Stream:
                ReadOnlySpan<byte> data = payload.Span;
                if ((flags & Padded) != 0)
                {
                    data = data[1..^data[0]];
                }

                OnData(data, now, wallNow);
                _unacknowledged += payload.Length;
                if (_unacknowledged >= TopUp)
                {
                    await socket.SendAsync(WindowUpdates(_unacknowledged), cancellationToken).ConfigureAwait(false);
                    _unacknowledged = 0;
                }

                if ((flags & EndStream) != 0)
                {
                    throw new IOException("the service ended the stream without trailers");
                }

                break;
            case Headers when stream == Stream && (flags & EndStream) != 0:
                // Trailers: the call has ended. Kestrel writes grpc-status and grpc-message as plain literals.
                throw new IOException($"the service ended the call: {Printable(payload.Span)}");
            case RstStream:
                throw new IOException($"the service reset the stream (error code {BinaryPrimitives.ReadUInt32BigEndian(payload.Span)})");
            case GoAway:
                throw new IOException($"the service sent GOAWAY (error code {BinaryPrimitives.ReadUInt32BigEndian(payload.Span[4..])}): {Printable(payload.Span[8..])}");
            case Settings when (flags & Ack) == 0:
                await socket.SendAsync(Frame(Settings, Ack, 0, []), cancellationToken).ConfigureAwait(false);
                break;
            case Ping when (flags & Ack) == 0:
                await socket.SendAsync(Frame(Ping, Ack, 0, payload.Span), cancellationToken).ConfigureAwait(false);
                break;
            default:
                // Response headers (CONTINUATION never follows: END_HEADERS), WINDOW_UPDATE, PRIORITY, acks.
                break;
        }
    }

    // gRPC messages: a compressed flag, a 4-byte big-endian length, the Position; they may span DATA frames.
    private void OnData(ReadOnlySpan<byte> data, long now, DateTime wallNow)
    {
        if (_messageLength + data.Length > _message.Length)
        {
            Array.Resize(ref _message, Math.Max(_message.Length * 2, _messageLength + data.Length));
        }

        data.CopyTo(_message.AsSpan(_messageLength));
        _messageLength += data.Length;
        int start = 0;
        while (_messageLength - start >= 5)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(_message.AsSpan(start + 1));
            if (_messageLength - start - 5 < length)
            {
                break;
            }

            if (_message[start] != 0)
            {
                throw new IOException("the service sent a compressed message; this client asks for none");
            }

            Hold(Position.Parser.ParseFrom(_message.AsSpan(start + 5, length)), now, wallNow);
            start += 5 + length;
        }

        _message.AsSpan(start, _messageLength - start).CopyTo(_message);
        _messageLength -= start;
    }

    /// <summary>The client's preface, SETTINGS, the connection's window, and the call: HEADERS and its one DATA frame.</summary>
    internal static byte[] Opening(string authority, string? bearer, StreamPositionsRequest request)
    {
        var block = new List<byte> { 0x83, 0x86 }; // :method POST, :scheme http (static table 3, 6)
        Literal(block, 4, "/beidouhub.v1.Positions/StreamPositions"u8); // :path
        Literal(block, 1, Encoding.ASCII.GetBytes(authority)); // :authority
        Literal(block, 31, "application/grpc"u8); // content-type
        block.Add(0x00); // te: not in the static table, a literal name
        String(block, "te"u8);
        String(block, "trailers"u8);
        if (bearer is not null)
        {
            Literal(block, 23, Encoding.ASCII.GetBytes("Bearer " + bearer)); // authorization
        }

        byte[] message = new byte[5 + request.CalculateSize()];
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), message.Length - 5);
        request.WriteTo(message.AsSpan(5));

        Span<byte> settings = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16BigEndian(settings, 0x2); // SETTINGS_ENABLE_PUSH
        BinaryPrimitives.WriteUInt32BigEndian(settings[2..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(settings[6..], 0x4); // SETTINGS_INITIAL_WINDOW_SIZE
        BinaryPrimitives.WriteUInt32BigEndian(settings[8..], Window);
        Span<byte> increment = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(increment, Window - 65_535);
        return
        [
            .. "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8,
            .. Frame(Settings, 0, 0, settings),
            .. Frame(0x8, 0, 0, increment),
            .. Frame(Headers, EndHeaders, Stream, [.. block]),
            .. Frame(Data, EndStream, Stream, message),
        ];
    }

    private static byte[] WindowUpdates(int increment)
    {
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(payload, increment);
        return [.. Frame(0x8, 0, 0, payload), .. Frame(0x8, 0, Stream, payload)];
    }

    private static byte[] Frame(byte type, byte flags, int stream, ReadOnlySpan<byte> payload)
    {
        byte[] frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), stream);
        payload.CopyTo(frame.AsSpan(9));
        return frame;
    }

    // A literal header field without indexing, its name from the static table (RFC 7541 6.2.2).
    private static void Literal(List<byte> block, int nameIndex, ReadOnlySpan<byte> value)
    {
        Integer(block, 0x00, 4, nameIndex);
        String(block, value);
    }

    // A string literal, not Huffman-coded (RFC 7541 5.2).
    private static void String(List<byte> block, ReadOnlySpan<byte> value)
    {
        Integer(block, 0x00, 7, value.Length);
        foreach (byte b in value)
        {
            block.Add(b);
        }
    }

    // An integer with an N-bit prefix (RFC 7541 5.1).
    private static void Integer(List<byte> block, byte high, int prefixBits, int value)
    {
        int max = (1 << prefixBits) - 1;
        if (value < max)
        {
            block.Add((byte)(high | value));
            return;
        }

        block.Add((byte)(high | max));
        for (value -= max; value >= 128; value >>= 7)
        {
            block.Add((byte)((value & 0x7F) | 0x80));
        }

        block.Add((byte)value);
    }

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        foreach (byte b in bytes)
        {
            text.Append(b is >= 0x20 and < 0x7F ? (char)b : ' ');
        }

        return text.ToString().Trim();
    }
}
