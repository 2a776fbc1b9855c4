using System.Runtime.ExceptionServices;
using BeidouHub.Receiver.Decoding;
using BeidouHub.Receiver.Epochs;

namespace BeidouHub.Service.Output;

/// <summary>
/// Runs an <see cref="EpochWriter"/> on a thread of its own, so that formatting and writing the
/// output overlap with decoding on a second core. Epochs are copied (<see cref="Epoch.CopyTo"/>)
/// into pooled batches and handed over a batch at a time: no allocation per epoch, one
/// hand-over per <see cref="BatchSize"/> epochs. Order is kept (one writer thread). It owns the
/// writer it runs: disposing it disposes that writer, after everything handed over is written.
/// <para>
/// Calls come from one thread (the decoder's), as <see cref="IEpochSink"/> promises. A failure of
/// the writer (a closed output) is thrown to the decoder's thread at its next hand-over.
/// </para>
/// </summary>
internal sealed class PipelinedEpochWriter : EpochWriter
{
    /// <summary>Epochs per hand-over.</summary>
    public const int BatchSize = 256;

    // Batches in flight: one being filled, one being written, the rest waiting either way.
    private const int Batches = 4;

    private readonly EpochWriter _writer;
    private readonly Handoff<Batch> _free = new();
    private readonly Handoff<Batch> _full = new();
    private readonly Thread _thread;
    private Batch _filling;
    private volatile ExceptionDispatchInfo? _failure;
    private bool _completed;
    private bool _disposed;

    public PipelinedEpochWriter(EpochWriter writer)
        : base(writer)
    {
        _writer = writer;
        for (int i = 0; i < Batches; i++)
        {
            _free.Add(new Batch());
        }

        _filling = _free.Take();
        _thread = new Thread(WriteBatches) { IsBackground = true, Name = "decode output" };
        _thread.Start();
    }

    /// <summary>Records written so far by the writer (final after <see cref="Complete"/>).</summary>
    public override long Records => _writer.Records;

    public override void OnEpoch(Epoch epoch)
    {
        _filling.Add(epoch);
        if (_filling.Count == BatchSize)
        {
            HandOver();
        }
    }

    /// <summary>Hands over what is gathered and has the writer flush it out (it does not wait for that).</summary>
    public override void Flush()
    {
        _filling.Flush = true;
        HandOver();
    }

    /// <summary>Hands over the rest, lets the writer close its document, and waits until all is written.</summary>
    public override void Complete()
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        _filling.Last = true;
        _full.Add(_filling);
        _thread.Join();
        _failure?.Throw();
    }

    /// <summary>
    /// Without <see cref="Complete"/> (the decode failed): has the writer write what came and waits
    /// for it. Then disposes the writer.
    /// </summary>
    public override void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_completed)
        {
            _completed = true;
            if (_failure is null)
            {
                _filling.Flush = true;
                _full.Add(_filling);
            }

            _full.Complete();
            _thread.Join();
        }

        _writer.Dispose();
    }

    private void HandOver()
    {
        _failure?.Throw();
        _full.Add(_filling);
        _filling = _free.Take();
    }

    private void WriteBatches()
    {
        try
        {
            while (_full.TryTake(out Batch? batch))
            {
                for (int i = 0; i < batch.Count; i++)
                {
                    _writer.OnEpoch(batch.Epochs[i]);
                }

                if (batch.Last)
                {
                    _writer.Complete();
                    return;
                }

                if (batch.Flush)
                {
                    _writer.Flush();
                }

                batch.Reset();
                _free.Add(batch);
            }
        }
        catch (Exception e)
        {
            // Thrown again on the decoder's thread, where it would have been thrown without the pipeline.
            _failure = ExceptionDispatchInfo.Capture(e);

            // Keep the decoder from waiting for a free batch that would never come.
            for (int i = 0; i < Batches; i++)
            {
                _free.Add(new Batch());
            }
        }
    }

    private sealed class Batch
    {
        public Epoch[] Epochs { get; } = new Epoch[BatchSize];

        public int Count { get; private set; }

        public bool Flush { get; set; }

        public bool Last { get; set; }

        public void Add(Epoch epoch)
        {
            Epoch? copy = Epochs[Count];
            if (copy is null || !ReferenceEquals(copy.Receiver, epoch.Receiver))
            {
                Epochs[Count] = copy = new Epoch(epoch.Receiver);
            }

            epoch.CopyTo(copy);
            Count++;
        }

        public void Reset()
        {
            Count = 0;
            Flush = false;
        }
    }
}
