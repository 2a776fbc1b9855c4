namespace BeidouHub.Bench.Load;

/// <summary>
/// One client of the server under load that holds positions and measures them against the
/// feeder's stamps: a BeidouHub gRPC subscriber (<see cref="Subscriber"/>) or a gpsd JSON
/// watcher (<see cref="GpsdWatcher"/>, for the side-by-side with gpsd).
/// </summary>
internal interface IWatcher
{
    /// <summary>Measured from the last byte of the epoch's position sentences (else from the epoch's last byte).</summary>
    bool Early { get; }

    LatencyHistogram Latency { get; }

    /// <summary>The server's own part, where it stamps its messages (BeidouHub's published_at); empty otherwise.</summary>
    LatencyHistogram FromPublish { get; }

    long Received { get; }

    long Dropped { get; }

    long Unmatched { get; }

    long BeforeLastByte { get; }

    Dictionary<int, int> BeforeLastBytePerReceiver { get; }

    Exception? Error { get; }

    /// <summary>With --samples: each measured message's feeder stamp and held moment (Stopwatch ticks), and the server's own stamp (µs of the Unix wall clock; 0 when it has none).</summary>
    List<(long Stamp, long Held, long PublishedUs)>? Samples { get; }

    Task RunAsync(CancellationToken cancellationToken);
}
