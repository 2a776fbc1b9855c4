using System.Buffers;
using BenchmarkDotNet.Attributes;
using BeidouHub.Receiver.Nmea;

namespace BeidouHub.Bench.Parsing;

/// <summary>
/// The realistic 1 Hz multi-GNSS epoch (RMC, VTG, GGA, 3 GSA, 3 GPGSV, 3 GBGSV with signal ids,
/// GST, ZDA: 14 sentences, 902 bytes with CRLF). Every number is per sentence
/// (OperationsPerInvoke = 14). The steps apart are the profile: framing alone, parse alone
/// (baseline; Parse16 with 16-byte scan blocks), parse + typed read (the target), and all three together.
/// </summary>
[MemoryDiagnoser]
public class EpochMixBenchmarks
{
    private const int Sentences = 14;

    private readonly NmeaFramer _framer = new();
    private byte[][] _lines = [];
    private byte[] _stream = [];

    [GlobalSetup]
    public void Setup()
    {
        _lines = Corpus.EpochLines();
        _stream = Corpus.EpochStream(1);
        if (_lines.Length != Sentences || ParseAndRead() == 0)
        {
            throw new InvalidOperationException("The epoch mix does not read.");
        }
    }

    [Benchmark(OperationsPerInvoke = Sentences)]
    public int Frame()
    {
        var buffer = new ReadOnlySequence<byte>(_stream);
        int n = 0;
        while (_framer.TryReadSentence(ref buffer, out ReadOnlySpan<byte> line))
        {
            n += line.Length;
        }

        return n;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Sentences)]
    public int Parse()
    {
        int n = 0;
        foreach (byte[] line in _lines)
        {
            if (NmeaSentence.TryParse(line, out NmeaSentence s, out _))
            {
                n += s.FieldCount;
            }
        }

        return n;
    }

    /// <summary>
    /// <see cref="Parse"/> with the scan's 16-byte blocks, the path of Arm64 and of the native x64
    /// binary (x86-64-v2, no AVX2); here, with AVX2, it shows what the narrower block costs.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Sentences)]
    public int Parse16()
    {
        int n = 0;
        foreach (byte[] line in _lines)
        {
            if (NmeaSentence.TryParse(line, out NmeaSentence s, out _, requireChecksum: false, wideBlocks: false))
            {
                n += s.FieldCount;
            }
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = Sentences)]
    public int ParseAndRead()
    {
        int n = 0;
        foreach (byte[] line in _lines)
        {
            if (NmeaSentence.TryParse(line, out NmeaSentence s, out _))
            {
                n += TypedRead.Read(s);
            }
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = Sentences)]
    public int FrameParseAndRead()
    {
        var buffer = new ReadOnlySequence<byte>(_stream);
        int n = 0;
        while (_framer.TryReadSentence(ref buffer, out ReadOnlySpan<byte> line))
        {
            if (NmeaSentence.TryParse(line, out NmeaSentence s, out _))
            {
                n += TypedRead.Read(s);
            }
        }

        return n;
    }
}
