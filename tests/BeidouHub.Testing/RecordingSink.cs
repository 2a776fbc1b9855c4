using BeidouHub.Receiver.Epochs;

namespace BeidouHub.Testing;

/// <summary>Keeps a copy of every epoch and the order of position/epoch calls.</summary>
public sealed class RecordingSink : IEpochSink
{
    public List<Epoch> Epochs { get; } = [];

    public List<Epoch> Positions { get; } = [];

    public List<string> Calls { get; } = [];

    public void OnPosition(Epoch epoch)
    {
        Positions.Add(epoch.Clone());
        Calls.Add($"position {epoch.Sequence}");
    }

    public void OnEpoch(Epoch epoch)
    {
        Epochs.Add(epoch.Clone());
        Calls.Add($"epoch {epoch.Sequence}");
    }
}
