namespace BeidouHub.Receiver.Corrections;

/// <summary>
/// One RTCM 3 frame as it came off the wire (RTCM 10403.3 section 4): preamble <c>0xD3</c>, 6
/// reserved bits, a 10-bit payload length (0-1023), the payload, and the CRC-24Q. Valid until the
/// framer is given more bytes; copy <see cref="Bytes"/> to keep it.
/// </summary>
public readonly ref struct RtcmFrame
{
    internal RtcmFrame(ReadOnlySpan<byte> bytes)
    {
        Bytes = bytes;
    }

    /// <summary>The whole frame, preamble to CRC, unchanged.</summary>
    public ReadOnlySpan<byte> Bytes { get; }

    /// <summary>The payload's length in bytes.</summary>
    public int PayloadLength => Bytes.Length - RtcmFramer.Overhead;

    /// <summary>
    /// The message number, the payload's first 12 bits (1005 station position, 1074 GPS MSM4,
    /// 1124 BeiDou MSM4, 1230 GLONASS biases ...); 0 for a frame whose payload is shorter than that
    /// (an empty frame, which some casters send as a keep-alive).
    /// </summary>
    public int MessageType => Bytes.Length >= RtcmFramer.Overhead + 2 ? (Bytes[3] << 4) | (Bytes[4] >> 4) : 0;
}
