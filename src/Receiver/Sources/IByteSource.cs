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
    /// <summary>The source for parsed options.</summary>
    /// <param name="options">A parsed source URI.</param>
    /// <param name="simulator">Creates sim:// sources (the simulator lives beside this library).</param>
    public static IByteSource Create(SourceOptions options, Func<SimSourceOptions, IByteSource>? simulator = null) => options switch
    {
        SerialSourceOptions serial => new SerialSource(serial),
        TcpSourceOptions tcp => new TcpSource(tcp),
        ReplaySourceOptions replay => new ReplaySource(replay),
        SimSourceOptions sim when simulator is not null => simulator(sim),
        _ => throw new ArgumentException($"'{options.Uri}': no source for this scheme here", nameof(options)),
    };
}
