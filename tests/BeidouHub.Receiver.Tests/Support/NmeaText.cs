using System.Buffers;
using System.Globalization;
using System.Text;
using BeidouHub.Receiver.Decoding;
using BeidouHub.Receiver.Epochs;

namespace BeidouHub.Receiver.Tests.Support;

/// <summary>Builds test sentences with correct checksums, and feeds them to a decoder.</summary>
internal static class NmeaText
{
    /// <summary><c>$</c> + body + <c>*hh</c>, the checksum computed as NMEA 0183 defines it.</summary>
    public static string Line(string body) => TestNmea.WithChecksum(body);

    public static byte[] Bytes(IEnumerable<string> lines) => Encoding.ASCII.GetBytes(string.Concat(lines.Select(l => l + "\r\n")));

    /// <summary>Feeds whole lines one at a time (the way a serial port delivers them).</summary>
    public static void Feed(NmeaDecoder decoder, IEnumerable<string> lines)
    {
        foreach (string line in lines)
        {
            var seq = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(line + "\r\n"));
            decoder.Decode(ref seq, isFinalBlock: false);
        }
    }

    public static List<Epoch> DecodeAll(IEnumerable<string> lines, string receiver = "test") => DecodeAll(Bytes(lines), receiver);

    /// <summary>What `beidouhub decode` does: the whole input in one block, the last epoch flushed.</summary>
    public static List<Epoch> DecodeAll(byte[] bytes, string receiver = "test")
    {
        var sink = new RecordingSink();
        var decoder = new NmeaDecoder(receiver, sink);
        var seq = new ReadOnlySequence<byte>(bytes);
        decoder.Decode(ref seq, isFinalBlock: true);
        return sink.Epochs;
    }
}
