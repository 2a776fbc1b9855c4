namespace BeidouHub.Receiver.Sources;

/// <summary>
/// Opens a connection to one receiver. The stream's reads return 0 when the device has gone away
/// (or a finite capture has ended) and throw <see cref="IOException"/> on errors; the worker then
/// reconnects. Opening throws when the device is not there (port missing, connection refused).
/// </summary>
public interface IByteSource
{
    /// <summary>The source URI, for logs and status.</summary>
    string Description { get; }

    /// <summary>True when the end of the stream means "done" (a replay without loop), not "gone".</summary>
    bool EndsWhenDrained { get; }

    /// <summary>Connects; throws when the device cannot be reached.</summary>
    Task<Stream> OpenAsync(CancellationToken cancellationToken);
}

/// <summary>Creates the byte source of a source URI.</summary>
public static class ByteSources
{
    /// <summary>The source for parsed options, or false and why (a sim:// parameter the simulator rejects, io=epoll off Linux).</summary>
    public static bool TryCreate(SourceOptions options, out IByteSource? source, out string? error) =>
        TryCreate(options, TimeProvider.System, out source, out error);

    /// <summary>As <see cref="TryCreate(SourceOptions, out IByteSource?, out string?)"/>, with the clock that paces replay and simulator sources.</summary>
    public static bool TryCreate(SourceOptions options, TimeProvider time, out IByteSource? source, out string? error)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        return options.TryCreateSource(time, out source, out error);
    }

    /// <summary>The source for parsed options (paced by <paramref name="time"/>, default the system clock); throws <see cref="ArgumentException"/> with the reason.</summary>
    public static IByteSource Create(SourceOptions options, TimeProvider? time = null) =>
        TryCreate(options, time ?? TimeProvider.System, out IByteSource? source, out string? error) ? source! : throw new ArgumentException(error, nameof(options));
}
