using System.Buffers;
using BenchmarkDotNet.Attributes;
using BeidouHub.Receiver.Decoding;
using BeidouHub.Receiver.Nmea;

namespace BeidouHub.Bench.Decoding;

/// <summary>
/// Stream ingest: <see cref="NmeaDecoder.Decode"/> over a multi-MB capture held in memory, cut
/// into 64 KiB segments as a PipeReader over a file hands them out; bytes in, epochs out to a
/// sink that only counts. One decoder is reused across invocations (a long-running receiver), so
/// Allocated is the steady state. The MB/s and ns/sentence columns are computed from Mean.
/// Baseline: framing alone over the same bytes; FrameAndParse adds the sentence parser.
/// </summary>
[MemoryDiagnoser]
public class StreamIngestBenchmarks
{
    private const int SegmentSize = 64 * 1024;

    private ReadOnlySequence<byte> _capture;
    private NmeaFramer _framer = null!;
    private NmeaDecoder _decoder = null!;
    private NullEpochSink _sink = null!;

    /// <summary>
    /// Seeds10Hz: seeds/park-vehicle-rtk-10hz.nmea (simulated RTK rover, 10 Hz, GSV/ZDA at 1 Hz) x4;
    /// Gpsd: the public gpsd regression captures of the shared corpus concatenated as they are
    /// (binary UBX/RTCM and comment lines included) x10; EpochMix: the 1 Hz epoch of the other benchmarks.
    /// </summary>
    [ParamsSource(nameof(Captures))]
    public string Capture { get; set; } = "Seeds10Hz";

    public static IEnumerable<string> Captures() => CaptureData.Available;

    [GlobalSetup]
    public void Setup()
    {
        _capture = Corpus.Segmented(CaptureData.Bytes(Capture), SegmentSize);
        _framer = new NmeaFramer();
        _sink = new NullEpochSink();
        _decoder = new NmeaDecoder("bench", _sink);
        Decode();
        if (_sink.Epochs == 0)
        {
            throw new InvalidOperationException($"{Capture}: no epochs decoded.");
        }
    }

    [Benchmark(Baseline = true)]
    public long Frame()
    {
        ReadOnlySequence<byte> buffer = _capture;
        long n = 0;
        while (_framer.TryReadSentence(ref buffer, out ReadOnlySpan<byte> line, isFinalBlock: true))
        {
            n += line.Length;
        }

        return n;
    }

    [Benchmark]
    public long FrameAndParse()
    {
        ReadOnlySequence<byte> buffer = _capture;
        long n = 0;
        while (_framer.TryReadSentence(ref buffer, out ReadOnlySpan<byte> line, isFinalBlock: true))
        {
            if (NmeaSentence.TryParse(line, out NmeaSentence s, out _))
            {
                n += s.FieldCount;
            }
        }

        return n;
    }

    [Benchmark]
    public long Decode()
    {
        ReadOnlySequence<byte> buffer = _capture;
        _decoder.Decode(ref buffer, isFinalBlock: true);
        return _sink.Epochs;
    }
}

/// <summary>The captures of <see cref="StreamIngestBenchmarks"/>, by name; shared with the throughput columns.</summary>
internal static class CaptureData
{
    private static readonly Dictionary<string, byte[]> Cache = [];
    private static readonly Dictionary<string, long> SentenceCounts = [];

    public static IEnumerable<string> Available
    {
        get
        {
            if (File.Exists(SeedPath))
            {
                yield return "Seeds10Hz";
            }

            if (Directory.Exists(GpsdDirectory))
            {
                yield return "Gpsd";
            }

            yield return "EpochMix";
        }
    }

    /// <summary>What bench/decode-throughput.sh feeds `beidouhub decode`: the gpsd captures' lines that start with '$'.</summary>
    public static IEnumerable<string> NmeaLinesOnly
    {
        get
        {
            if (Directory.Exists(GpsdDirectory))
            {
                yield return "GpsdNmeaLines";
            }
        }
    }

    private static string SeedPath => Path.Combine(Corpus.RepositoryRoot, "seeds", "park-vehicle-rtk-10hz.nmea");

    private static string GpsdDirectory => Path.Combine(Corpus.SharedCorpus, "gpsd");

    public static byte[] Bytes(string name)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(name, out byte[]? data))
            {
                data = name switch
                {
                    "Seeds10Hz" => Corpus.Repeat(File.ReadAllBytes(SeedPath), 4 * 1_489_694),
                    "Gpsd" => Corpus.Repeat(
                        [.. Directory.GetFiles(GpsdDirectory, "*.log").Order(StringComparer.Ordinal).SelectMany(File.ReadAllBytes)],
                        6_000_000),
                    "EpochMix" => Corpus.Repeat(Corpus.EpochStream(3600), 3_000_000),
                    "GpsdNmeaLines" => Corpus.Repeat(DollarLines(), 6_000_000),
                    _ => throw new ArgumentException($"Unknown capture '{name}'.", nameof(name)),
                };
                Cache[name] = data;
            }

            return data;
        }
    }

    // As `grep -ah '^\$' gpsd/*.log`: whole lines (with their line ends) that start with '$'.
    private static byte[] DollarLines()
    {
        var result = new List<byte>();
        foreach (string file in Directory.GetFiles(GpsdDirectory, "*.log").Order(StringComparer.Ordinal))
        {
            byte[] data = File.ReadAllBytes(file);
            int start = 0;
            while (start < data.Length)
            {
                int end = Array.IndexOf(data, (byte)'\n', start);
                end = end < 0 ? data.Length : end + 1;
                if (data[start] == (byte)'$')
                {
                    result.AddRange(data.AsSpan(start, end - start));
                }

                start = end;
            }
        }

        return [.. result];
    }

    /// <summary>Sentences the parser accepts in the capture (what "per sentence" divides by).</summary>
    public static long Sentences(string name)
    {
        lock (SentenceCounts)
        {
            if (!SentenceCounts.TryGetValue(name, out long n))
            {
                var decoder = new NmeaDecoder("count", new NullEpochSink());
                var buffer = new ReadOnlySequence<byte>(Bytes(name));
                decoder.Decode(ref buffer, isFinalBlock: true);
                n = decoder.Statistics.Sentences;
                SentenceCounts[name] = n;
            }

            return n;
        }
    }
}
