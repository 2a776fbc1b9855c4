namespace BeidouHub.Testing;

/// <summary>
/// RTCM 3 frames for the corrections tests: built here with the CRC-24Q computed bit by bit from
/// the standard's definition (independent of the table-driven one under test), and the real frames
/// of gpsd's u-blox ZED-F9R capture when the shared corpus is there.
/// </summary>
public static class RtcmFrames
{
    /// <summary>A frame of <paramref name="messageType"/> with a payload of <paramref name="payloadLength"/> bytes (at least 2), filled from <paramref name="seed"/>.</summary>
    public static byte[] Build(int messageType, int payloadLength, int seed = 1)
    {
        if (payloadLength is < 2 or > 1023)
        {
            throw new ArgumentOutOfRangeException(nameof(payloadLength));
        }

        byte[] frame = new byte[payloadLength + 6];
        frame[0] = 0xD3;
        frame[1] = (byte)(payloadLength >> 8);
        frame[2] = (byte)payloadLength;
        var random = new Random(seed);
        random.NextBytes(frame.AsSpan(3, payloadLength));
        frame[3] = (byte)(messageType >> 4);
        frame[4] = (byte)((messageType << 4) | (frame[4] & 0x0F));
        uint crc = BitwiseCrc24Q(frame.AsSpan(0, payloadLength + 3));
        frame[^3] = (byte)(crc >> 16);
        frame[^2] = (byte)(crc >> 8);
        frame[^1] = (byte)crc;
        return frame;
    }

    /// <summary>A typical correction stream of a BeiDou+GPS base: 1005, 1074, 1124, 1230, repeated.</summary>
    public static byte[] Stream(int rounds, int seed = 1)
    {
        using var all = new MemoryStream();
        for (int i = 0; i < rounds; i++)
        {
            all.Write(Build(1005, 19, seed + (i * 4)));
            all.Write(Build(1074, 180 + (i % 50), seed + (i * 4) + 1));
            all.Write(Build(1124, 220 + (i % 70), seed + (i * 4) + 2));
            all.Write(Build(1230, 6, seed + (i * 4) + 3));
        }

        return all.ToArray();
    }

    /// <summary>
    /// The good RTCM 3 frames in <paramref name="bytes"/>, concatenated: a plain scan with the bit-wise
    /// CRC (what the framer under test must find, worked out independently of it).
    /// </summary>
    public static byte[] Extract(byte[] bytes)
    {
        using var frames = new MemoryStream();
        for (int i = 0; i + 6 <= bytes.Length;)
        {
            int length = bytes[i] == 0xD3 && (bytes[i + 1] & 0xFC) == 0 ? ((bytes[i + 1] & 3) << 8) | bytes[i + 2] : -1;
            if (length >= 0 && i + length + 6 <= bytes.Length
                && BitwiseCrc24Q(bytes.AsSpan(i, length + 3)) == (uint)((bytes[i + length + 3] << 16) | (bytes[i + length + 4] << 8) | bytes[i + length + 5]))
            {
                frames.Write(bytes, i, length + 6);
                i += length + 6;
            }
            else
            {
                i++;
            }
        }

        return frames.ToArray();
    }

    /// <summary>CRC-24Q by the polynomial, one bit at a time (RTCM 10403.3 section 4.2).</summary>
    public static uint BitwiseCrc24Q(ReadOnlySpan<byte> data)
    {
        uint crc = 0;
        foreach (byte b in data)
        {
            crc ^= (uint)b << 16;
            for (int i = 0; i < 8; i++)
            {
                crc <<= 1;
                if ((crc & 0x1000000) != 0)
                {
                    crc ^= 0x1864CFB;
                }
            }
        }

        return crc & 0xFFFFFF;
    }

    /// <summary>gpsd's ZED-F9R capture (NMEA with UBX and 224 RTCM 3 frames interleaved), or null without the shared corpus.</summary>
    public static string? CorpusCapture =>
        Corpus.GpsdDirectory is { } dir && File.Exists(Path.Combine(dir, "ublox-zed-f9r.log")) ? Path.Combine(dir, "ublox-zed-f9r.log") : null;
}
