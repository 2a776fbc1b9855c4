using BenchmarkDotNet.Attributes;
using BeidouHub.Bench.Parsing;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Nmea;

namespace BeidouHub.Bench.Epochs;

/// <summary>
/// Epoch assembly, per epoch of the 14-sentence mix: 60 consecutive epochs (one minute at
/// 1 Hz, distinct times, so each closes as in a live stream) per invocation. The baseline is
/// parse + typed read of the same sentences; the difference is what the assembler adds (routing,
/// cycle learning, the epoch's fields and sky table, the sink calls).
/// </summary>
[MemoryDiagnoser]
public class EpochAssemblyBenchmarks
{
    private const int Epochs = 60;

    private byte[][] _lines = [];
    private EpochAssembler _assembler = null!;
    private NullEpochSink _sink = null!;

    [GlobalSetup]
    public void Setup()
    {
        _lines = [.. Enumerable.Range(0, Epochs).SelectMany(Corpus.EpochLines)];
        _sink = new NullEpochSink();
        _assembler = new EpochAssembler("bench", _sink);
        Assemble();
        Assemble();
        if (_sink.Epochs < Epochs || _assembler.BadSentences != 0 || !_assembler.CycleLearned)
        {
            throw new InvalidOperationException($"Assembly went wrong: {_sink.Epochs} epochs, {_assembler.BadSentences} bad, learned {_assembler.CycleLearned}.");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Epochs)]
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

    [Benchmark(OperationsPerInvoke = Epochs)]
    public long Assemble()
    {
        foreach (byte[] line in _lines)
        {
            if (NmeaSentence.TryParse(line, out NmeaSentence s, out _))
            {
                _assembler.Add(s);
            }
        }

        return _sink.Epochs;
    }
}
