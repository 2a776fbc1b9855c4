using BeidouHub.Receiver.Epochs;

namespace BeidouHub.Testing;

/// <summary>A thread-safe recording sink for workers running on their own threads.</summary>
public sealed class ConcurrentSink : IEpochSink
{
    private readonly List<Epoch> _epochs = [];
    private int _positions;

    public int Count
    {
        get
        {
            lock (_epochs)
            {
                return _epochs.Count;
            }
        }
    }

    public int Positions => Volatile.Read(ref _positions);

    public List<Epoch> Snapshot()
    {
        lock (_epochs)
        {
            return [.. _epochs];
        }
    }

    public void OnPosition(Epoch epoch) => Interlocked.Increment(ref _positions);

    public void OnEpoch(Epoch epoch)
    {
        Epoch copy = epoch.Clone();
        lock (_epochs)
        {
            _epochs.Add(copy);
        }
    }
}
