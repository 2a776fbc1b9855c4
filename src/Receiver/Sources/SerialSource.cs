using System.IO.Ports;

namespace BeidouHub.Receiver.Sources;

/// <summary>A serial port through System.IO.Ports (USB-serial adapters, RS-232/RS-422 receivers).</summary>
public sealed class SerialSource : IByteSource
{
    private readonly SerialSourceOptions _options;

    /// <summary>Creates the source.</summary>
    public SerialSource(SerialSourceOptions options)
    {
        _options = options;
    }

    /// <inheritdoc />
    public string Description => _options.Uri;

    /// <inheritdoc />
    public bool EndsWhenDrained => false;

    /// <inheritdoc />
    public Task<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        // A missing device throws here (FileNotFoundException/UnauthorizedAccessException/IOException):
        // the worker logs one line and backs off.
        var port = new SerialPort(_options.Port, _options.BaudRate, _options.Parity, _options.DataBits, _options.StopBits)
        {
            Handshake = Handshake.None,
            ReadTimeout = SerialPort.InfiniteTimeout,
            ReadBufferSize = 1 << 16,
        };
        try
        {
            port.Open();
            return Task.FromResult<Stream>(new OwningStream(port.BaseStream, port));
        }
        catch
        {
            port.Dispose();
            throw;
        }
    }
}
