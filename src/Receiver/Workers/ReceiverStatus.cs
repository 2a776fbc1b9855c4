using BeidouHub.Receiver.Nmea;
using BeidouHub.Receiver.Nmea.Sentences;

namespace BeidouHub.Receiver.Workers;

/// <summary>A snapshot of one receiver's worker: state and counters, as the service reports them.</summary>
public sealed record ReceiverStatus
{
    /// <summary>Receiver id.</summary>
    public required string Id { get; init; }

    /// <summary>Source URI.</summary>
    public required string Source { get; init; }

    /// <summary>Connection state.</summary>
    public ReceiverState State { get; init; }

    /// <summary>When the state last changed.</summary>
    public DateTimeOffset StateSince { get; init; }

    /// <summary>Times the worker connected again after losing the device.</summary>
    public long Reconnects { get; init; }

    /// <summary>Times the worker faulted (failed with something other than a lost device) and was started again.</summary>
    public long Faults { get; init; }

    /// <summary>Bytes read.</summary>
    public long Bytes { get; init; }

    /// <summary>Sentences accepted.</summary>
    public long Sentences { get; init; }

    /// <summary>Accepted sentences by type (unknown and proprietary under <see cref="SentenceType.Unknown"/>).</summary>
    public required IReadOnlyDictionary<SentenceType, long> SentencesByType { get; init; }

    /// <summary>Accepted sentences by talker.</summary>
    public required IReadOnlyDictionary<Talker, long> SentencesByTalker { get; init; }

    /// <summary>Sentences with a wrong checksum.</summary>
    public long ChecksumFailures { get; init; }

    /// <summary>Lines and sentences rejected, by reason.</summary>
    public required IReadOnlyDictionary<NmeaError, long> Rejected { get; init; }

    /// <summary>Framer drops: garbage bytes, truncated, doubled starts, invalid bytes, overlong, unterminated, comments.</summary>
    public required IReadOnlyDictionary<string, long> FramingDrops { get; init; }

    /// <summary>Epochs handed out.</summary>
    public long Epochs { get; init; }

    /// <summary>UTC time of the last epoch with a position, if any.</summary>
    public DateTime? LastFixTime { get; init; }

    /// <summary>GGA quality of the last epoch with a position.</summary>
    public GgaQuality? LastFixQuality { get; init; }

    /// <summary>The last connection, fault or recording error, for the operator (null when none).</summary>
    public string? LastError { get; init; }

    /// <summary>The recording file being written, if recording.</summary>
    public string? RecordingFile { get; init; }
}
