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
    /// <summary>The source for parsed options, or false and why (a sim:// parameter the simulator rejects).</summary>
    public static bool TryCreate(SourceOptions options, out IByteSource? source, out string? error)
    {
        error = null;
        switch (options)
        {
            case SerialSourceOptions { Io: SerialIo.Epoll } serial when OperatingSystem.IsLinux():
                source = new EpollSerialSource(serial);
                return true;
            case SerialSourceOptions { Io: SerialIo.Epoll } serial:
                source = null;
                error = $"'{serial.Uri}': io=epoll needs Linux; use io=ports (the default) here";
                return false;
            case SerialSourceOptions serial:
                source = new SerialSource(serial);
                return true;
            case TcpSourceOptions tcp:
                source = new TcpSource(tcp);
                return true;
            case ReplaySourceOptions replay:
                source = new ReplaySource(replay);
                return true;
            case SimSourceOptions sim:
                bool ok = SimSource.TryCreate(sim, out SimSource? simSource, out error);
                source = simSource;
                return ok;
            default:
                source = null;
                error = $"'{options.Uri}': no source for this scheme";
                return false;
        }
    }

    /// <summary>The source for parsed options; throws <see cref="ArgumentException"/> with the reason.</summary>
    public static IByteSource Create(SourceOptions options) =>
        TryCreate(options, out IByteSource? source, out string? error) ? source! : throw new ArgumentException(error, nameof(options));
}
