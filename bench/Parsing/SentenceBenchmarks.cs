using System.Buffers;
using BenchmarkDotNet.Attributes;
using BeidouHub.Receiver.Nmea;

namespace BeidouHub.Bench.Parsing;

/// <summary>
/// One sentence of each type the assembler reads, from the realistic epoch: parse alone
/// (baseline), parse + typed read, and framing + parse + typed read from a CRLF-terminated line.
/// </summary>
[MemoryDiagnoser]
public class SentenceBenchmarks
{
    private readonly NmeaFramer _framer = new();
    private byte[] _line = [];
    private byte[] _framed = [];

    [Params("GGA", "RMC", "GSA", "GSV", "GST", "ZDA", "VTG")]
    public string Sentence { get; set; } = "GGA";

    [GlobalSetup]
    public void Setup()
    {
        _line = Corpus.Line(Sentence);
        _framed = [.. _line, (byte)'\r', (byte)'\n'];
        if (!NmeaSentence.TryParse(_line, out NmeaSentence s, out _) || TypedRead.Read(s) == 0)
        {
            throw new InvalidOperationException($"{Sentence} line does not read: {System.Text.Encoding.ASCII.GetString(_line)}");
        }
    }

    [Benchmark(Baseline = true)]
    public bool Parse() => NmeaSentence.TryParse(_line, out _, out _);

    [Benchmark]
    public int ParseAndRead()
    {
        if (NmeaSentence.TryParse(_line, out NmeaSentence s, out _))
        {
            return TypedRead.Read(s);
        }

        return -1;
    }

    [Benchmark]
    public int FrameParseAndRead()
    {
        var buffer = new ReadOnlySequence<byte>(_framed);
        _framer.TryReadSentence(ref buffer, out ReadOnlySpan<byte> line);
        if (NmeaSentence.TryParse(line, out NmeaSentence s, out _))
        {
            return TypedRead.Read(s);
        }

        return -1;
    }
}
