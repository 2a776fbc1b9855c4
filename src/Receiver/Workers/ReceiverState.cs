namespace BeidouHub.Receiver.Workers;

/// <summary>Connection state of a receiver worker.</summary>
public enum ReceiverState
{
    /// <summary>Not started yet, or opening the device.</summary>
    Connecting = 0,
    /// <summary>Connected and sentences are arriving.</summary>
    Connected,
    /// <summary>Connected, but no sentence for longer than the stale time (only garbage, or silence).</summary>
    Stale,
    /// <summary>The device is gone or cannot be opened; retrying with backoff.</summary>
    Disconnected,
    /// <summary>A finite source (replay without loop) has been read to its end, or the worker was stopped.</summary>
    Stopped,
    /// <summary>
    /// The worker failed with something other than a lost device (a bug: the exception is logged as an
    /// error and its message is the status's last error); it starts again after the backoff.
    /// </summary>
    Faulted,
}
