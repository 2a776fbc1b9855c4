using BeidouHub.Receiver.Epochs;

namespace BeidouHub.Bench;

/// <summary>A sink that only counts: "bytes in, epochs out, no output".</summary>
internal sealed class NullEpochSink : IEpochSink
{
    public long Positions { get; private set; }

    public long Epochs { get; private set; }

    public void OnPosition(Epoch epoch) => Positions++;

    public void OnEpoch(Epoch epoch) => Epochs++;
}
