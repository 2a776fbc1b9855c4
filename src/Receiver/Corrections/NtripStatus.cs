namespace BeidouHub.Receiver.Corrections;

/// <summary>A snapshot of one correction stream.</summary>
public sealed record NtripStatus
{
    /// <summary>The receiver(s) served.</summary>
    public required string Name { get; init; }

    /// <summary>Caster and mountpoint, without credentials (<c>ntrip://host:2101/MOUNT</c>).</summary>
    public required string Source { get; init; }

    /// <summary>Where the stream stands.</summary>
    public required CasterState State { get; init; }

    /// <summary>Since when.</summary>
    public required DateTimeOffset StateSince { get; init; }

    /// <summary>Body bytes received from the caster.</summary>
    public long Bytes { get; init; }

    /// <summary>RTCM 3 frames with a good CRC.</summary>
    public long Frames { get; init; }

    /// <summary>RTCM 3 candidates with a bad CRC.</summary>
    public long BadFrames { get; init; }

    /// <summary>Bytes outside good frames.</summary>
    public long SkippedBytes { get; init; }

    /// <summary>Frames per RTCM message type (1005, 1074, 1124 ...).</summary>
    public required IReadOnlyDictionary<int, long> MessageTypes { get; init; }

    /// <summary>When the last good frame came; null before any.</summary>
    public DateTimeOffset? LastFrameAt { get; init; }

    /// <summary>Time since the last good frame (the correction age as the service sees it), null before any.</summary>
    public TimeSpan? CorrectionAge { get; init; }

    /// <summary>Bytes written to the receiver.</summary>
    public long BytesForwarded { get; init; }

    /// <summary>Frames the receiver could not take (not connected, or a source that cannot be written to).</summary>
    public long FramesUndelivered { get; init; }

    /// <summary>GGA sentences sent upstream.</summary>
    public long GgaSent { get; init; }

    /// <summary>Connections that got a stream.</summary>
    public long Connections { get; init; }

    /// <summary>The last problem (refusal, lost connection), or null.</summary>
    public string? LastError { get; init; }
}
