using System.Buffers;
using System.Globalization;
using System.Text;

namespace BeidouHub.Bench;

/// <summary>
/// The inputs every benchmark reads: a realistic 1 Hz multi-GNSS epoch (NMEA 4.11, GN main
/// talker, GB BeiDou, GSA system ids, GSV signal ids), built from lines of
/// seeds/park-vehicle-rtk-10hz.nmea with the time advanced per epoch and the checksum
/// recomputed, and the large captures for stream ingest.
/// </summary>
internal static class Corpus
{
    // The epoch's time as it appears in GGA, RMC, GST and ZDA; replaced per epoch.
    private const string TimeToken = "020000.00";

    // One epoch, in the order a u-blox F9P / Unicore UM982 sends it (RMC first, ZDA last).
    // Bodies only: '$' and '*hh' are added by Sentence() so the checksum is right by construction.
    private static readonly string[] EpochTemplate =
    [
        "GNRMC,020000.00,A,2751.4802273,N,11310.0797189,E,19.531,90.00,271126,,,R,V",
        "GNVTG,90.00,T,,M,19.531,N,36.171,K,R",
        "GNGGA,020000.00,2751.4802273,N,11310.0797189,E,4,21,0.77,55.236,M,-20.600,M,1.0,0001",
        "GNGSA,A,3,03,04,09,14,19,20,25,28,29,,,,1.67,0.77,1.49,1",
        "GNGSA,A,3,01,03,61,06,13,16,38,39,40,21,27,35,1.67,0.77,1.49,4",
        "GNGSA,A,3,02,05,07,11,12,,,,,,,,1.67,0.77,1.49,3",
        "GPGSV,3,1,11,03,23,274,39,04,67,057,49,08,08,311,33,09,47,029,45,1",
        "GPGSV,3,2,11,13,09,321,34,14,67,008,50,19,57,254,48,20,23,113,37,1",
        "GPGSV,3,3,11,25,18,168,34,28,22,212,37,29,24,116,37,1",
        "GBGSV,3,1,11,20,44,314,46,21,75,184,53,22,23,150,40,27,45,032,46,5",
        "GBGSV,3,2,11,34,18,246,37,35,64,287,50,38,64,345,52,39,58,019,50,5",
        "GBGSV,3,3,11,40,70,071,51,44,04,136,35,45,02,089,30,5",
        "GNGST,020000.00,0.012,0.010,0.008,35.0,0.010,0.008,0.021",
        "GNZDA,020000.00,27,11,2026,00,00",
    ];

    /// <summary>Sentences in one epoch of <see cref="EpochLines"/>.</summary>
    public static int SentencesPerEpoch => EpochTemplate.Length;

    /// <summary>The epoch's sentences one by one (no line end), at 02:00:00 + <paramref name="second"/> s.</summary>
    public static byte[][] EpochLines(int second = 0)
    {
        string time = FormatTime(second);
        return [.. EpochTemplate.Select(body => Encoding.ASCII.GetBytes(Sentence(body.Replace(TimeToken, time, StringComparison.Ordinal))))];
    }

    /// <summary>One line of the epoch by its formatter (GGA, RMC, ...), without line end.</summary>
    public static byte[] Line(string formatter) =>
        EpochLines().First(l => Encoding.ASCII.GetString(l, 3, 3) == formatter);

    /// <summary><paramref name="epochs"/> consecutive epochs as a capture, CRLF line ends.</summary>
    public static byte[] EpochStream(int epochs)
    {
        var buffer = new ArrayBufferWriter<byte>();
        for (int e = 0; e < epochs; e++)
        {
            foreach (byte[] line in EpochLines(e))
            {
                buffer.Write(line);
                buffer.Write("\r\n"u8);
            }
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>$body*hh with the NMEA 0183 checksum (XOR of the bytes between '$' and '*').</summary>
    public static string Sentence(string body)
    {
        byte xor = 0;
        foreach (char c in body)
        {
            xor ^= (byte)c;
        }

        return string.Create(CultureInfo.InvariantCulture, $"${body}*{xor:X2}");
    }

    private static string FormatTime(int second)
    {
        int t = (2 * 3600) + second;
        return string.Create(CultureInfo.InvariantCulture, $"{t / 3600:00}{t / 60 % 60:00}{t % 60:00}.00");
    }

    /// <summary>The repository root (the folder with BeidouHub.sln), found upwards from the running binary.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The shared corpus of public captures: ../shared/corpus beside the repository (BEIDOUHUB_CORPUS overrides).</summary>
    public static string SharedCorpus =>
        Environment.GetEnvironmentVariable("BEIDOUHUB_CORPUS") is { Length: > 0 } dir ? dir : Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "corpus"));

    /// <summary>Reads a file and repeats it until it is at least <paramref name="minBytes"/> long.</summary>
    public static byte[] Repeat(byte[] data, int minBytes)
    {
        if (data.Length == 0)
        {
            return data;
        }

        int copies = Math.Max(1, (minBytes + data.Length - 1) / data.Length);
        byte[] result = new byte[copies * data.Length];
        for (int i = 0; i < copies; i++)
        {
            data.CopyTo(result, i * data.Length);
        }

        return result;
    }

    /// <summary>Cuts <paramref name="data"/> into a sequence of <paramref name="segmentSize"/> blocks, as a PipeReader hands them out.</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] data, int segmentSize)
    {
        if (data.Length <= segmentSize)
        {
            return new ReadOnlySequence<byte>(data);
        }

        var first = new Segment(data.AsMemory(0, segmentSize), 0);
        Segment last = first;
        for (int at = segmentSize; at < data.Length; at += segmentSize)
        {
            last = last.Append(data.AsMemory(at, Math.Min(segmentSize, data.Length - at)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private static string FindRoot()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "BeidouHub.sln")))
            {
                return dir;
            }
        }

        return Directory.GetCurrentDirectory();
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
