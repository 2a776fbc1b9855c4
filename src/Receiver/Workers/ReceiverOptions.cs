using BeidouHub.Receiver.Decoding;

namespace BeidouHub.Receiver.Workers;

/// <summary>One receiver as configured: id, source URI and how its worker behaves.</summary>
public sealed record ReceiverOptions
{
    /// <summary>The receiver's id (unique in the service), e.g. <c>gate-3</c> or <c>truck-17</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The source URI (see <see cref="Sources.SourceOptions.TryParse"/>).</summary>
    public required string Source { get; init; }

    /// <summary>Longest wait between reconnect attempts (default 5 s); the backoff doubles from 250 ms up to it, with jitter.</summary>
    public TimeSpan BackoffCap { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A connected receiver that sends no sentence for this long is reported Stale (default 5 s).</summary>
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Hand out an open epoch after a quarter of the receiver's cycle without bytes (default true;
    /// see <see cref="NmeaDecoderOptions.IdleFlush"/>): an epoch that lacks a sentence its cycle
    /// usually ends with is then not held until the next epoch begins.
    /// </summary>
    public bool IdleFlush { get; init; } = true;

    /// <summary>Sentence options (length cap, checksum policy).</summary>
    public NmeaDecoderOptions Decoder { get; init; } = new();

    /// <summary>Raw recording of the receiver's bytes, or null for none.</summary>
    public RecordingOptions? Recording { get; init; }
}
