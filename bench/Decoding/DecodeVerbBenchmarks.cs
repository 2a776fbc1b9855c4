using System.Buffers;
using BenchmarkDotNet.Attributes;
using BeidouHub.Receiver.Decoding;
using BeidouHub.Service.Output;

namespace BeidouHub.Bench.Decoding;

/// <summary>
/// `beidouhub decode --format jsonl` without the process around it: the same input as
/// bench/decode-throughput.sh (the gpsd captures' '$' lines, here ~6 MB in memory, 64 KiB
/// segments), decoded as DecodeVerb does. Baseline: no output (the stream ingest). Jsonl: the
/// verb's JsonlEpochWriter over an unbuffered /dev/null stream (as stdout; the writer hands it
/// 64 KiB blocks), flushed at the end of each pass.
/// </summary>
[MemoryDiagnoser]
public class DecodeVerbBenchmarks
{
    private ReadOnlySequence<byte> _capture;
    private NmeaDecoder _none = null!;
    private NmeaDecoder _jsonl = null!;
    private EpochWriter _jsonlWriter = null!;
    private readonly List<IDisposable> _owned = [];

    [ParamsSource(nameof(Captures))]
    public string Capture { get; set; } = "GpsdNmeaLines";

    public static IEnumerable<string> Captures() => CaptureData.NmeaLinesOnly;

    [GlobalSetup]
    public void Setup()
    {
        _capture = Corpus.Segmented(CaptureData.Bytes(Capture), 64 * 1024);
        _none = new NmeaDecoder("bench", new NullEpochSink());
        _jsonlWriter = Writer(DevNull());
        _jsonl = new NmeaDecoder("bench", _jsonlWriter);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (IDisposable d in _owned)
        {
            d.Dispose();
        }
    }

    [Benchmark(Baseline = true)]
    public long NoOutput() => Run(_none);

    [Benchmark]
    public long Jsonl()
    {
        long epochs = Run(_jsonl);
        _jsonlWriter.Flush();
        return epochs;
    }

    private long Run(NmeaDecoder decoder)
    {
        ReadOnlySequence<byte> buffer = _capture;
        decoder.Decode(ref buffer, isFinalBlock: true);
        return decoder.Assembler.Emitted;
    }

    private EpochWriter Writer(Stream output)
    {
        EpochWriter writer = EpochWriter.Create("jsonl", output, grid: null);
        _owned.Add(writer);
        _owned.Add(output);
        return writer;
    }

    // Console.OpenStandardOutput() is unbuffered: every write that reaches it is a write(2).
    private static Stream DevNull() => File.Exists("/dev/null")
        ? new FileStream("/dev/null", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0)
        : Stream.Null;
}
