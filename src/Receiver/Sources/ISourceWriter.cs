namespace BeidouHub.Receiver.Sources;

/// <summary>
/// A source stream that can also send bytes to its receiver (RTCM corrections on a serial port's
/// transmit line, or up a TCP connection). Streams of sources that cannot (replay, simulator) do not
/// implement it. Writes may run beside the worker's pending read; one write at a time.
/// </summary>
public interface ISourceWriter
{
    /// <summary>Writes all of <paramref name="bytes"/>; throws <see cref="IOException"/> when the device has gone.</summary>
    ValueTask WriteToDeviceAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken);
}
