using System.Buffers;
using BenchmarkDotNet.Attributes;
using BeidouHub.Receiver.Decoding;
using BeidouHub.Service.Output;

namespace BeidouHub.Bench.Decoding;

/// <summary>
/// `beidouhub decode --format jsonl` without the process around it: the same input as
/// bench/decode-throughput.sh (the gpsd captures' '$' lines, here ~6 MB in memory, 64 KiB
/// segments), decoded as DecodeVerb does. Baseline: no output (the stream ingest). Jsonl: the
/// verb's JsonlEpochWriter on a 64 KiB BufferedStream over an unbuffered /dev/null stream, as
/// the verb does over stdout. JsonlNoFlushPerEpoch: the same with the writer's per-epoch
/// Flush() stopped at the BufferedStream, an experiment for what buffering across epochs gives.
/// </summary>
[MemoryDiagnoser]
public class DecodeVerbBenchmarks
{
    private ReadOnlySequence<byte> _capture;
    private NmeaDecoder _none = null!;
    private NmeaDecoder _jsonl = null!;
    private NmeaDecoder _jsonlNoFlush = null!;
    private readonly List<IDisposable> _owned = [];

    [ParamsSource(nameof(Captures))]
    public string Capture { get; set; } = "GpsdNmeaLines";

    public static IEnumerable<string> Captures() => CaptureData.NmeaLinesOnly;

    [GlobalSetup]
    public void Setup()
    {
        _capture = Corpus.Segmented(CaptureData.Bytes(Capture), 64 * 1024);
        _none = new NmeaDecoder("bench", new NullEpochSink());
        _jsonl = new NmeaDecoder("bench", Writer(new BufferedStream(DevNull(), 1 << 16)));
        _jsonlNoFlush = new NmeaDecoder("bench", Writer(new FlushStopper(new BufferedStream(DevNull(), 1 << 16))));
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
    public long Jsonl() => Run(_jsonl);

    [Benchmark]
    public long JsonlNoFlushPerEpoch() => Run(_jsonlNoFlush);

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

    // Console.OpenStandardOutput() is unbuffered: every Flush that reaches it is a write(2).
    private static Stream DevNull() => File.Exists("/dev/null")
        ? new FileStream("/dev/null", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0)
        : Stream.Null;

    /// <summary>Passes writes through and ignores Flush (the experiment; Dispose still flushes).</summary>
    private sealed class FlushStopper(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
