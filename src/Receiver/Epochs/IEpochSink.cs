namespace BeidouHub.Receiver.Epochs;

/// <summary>
/// Receives a receiver's epochs. Both calls hand out the assembler's reusable <see cref="Epoch"/>:
/// valid during the call only (copy what you keep). Calls come from the receiver's one worker thread.
/// </summary>
public interface IEpochSink
{
    /// <summary>
    /// The epoch's position is in: every position-bearing sentence (GGA/RMC/GNS/GLL) this receiver
    /// sends per cycle has arrived. Sky, GSA DOPs and GST may still be missing. Called once per
    /// epoch, before <see cref="OnEpoch"/> (at the latest just before it).
    /// </summary>
    void OnPosition(Epoch epoch);

    /// <summary>The epoch is complete: its cycle's last sentence arrived, or the next epoch began.</summary>
    void OnEpoch(Epoch epoch);
}
