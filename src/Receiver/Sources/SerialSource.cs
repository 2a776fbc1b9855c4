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

    /// <summary>The port's options; <see cref="SerialSourceOptions.IoFallback"/> when it is here because the epoll path could not serve it.</summary>
    public SerialSourceOptions Options => _options;

    /// <inheritdoc />
    public string Description => _options.Uri;

    /// <inheritdoc />
    public bool EndsWhenDrained => false;

    /// <inheritdoc />
    public Task<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        // A missing device throws here: the worker logs one line and backs off. System.IO.Ports
        // reports a missing port as "access denied"; say what an operator needs to know instead.
        if (OperatingSystem.IsLinux() && !File.Exists(_options.Port))
        {
            throw Missing(_options.Port);
        }

        var port = new SerialPort(_options.Port, _options.BaudRate, _options.Parity, _options.DataBits, _options.StopBits)
        {
            Handshake = Handshake.None,
            ReadTimeout = SerialPort.InfiniteTimeout,
            ReadBufferSize = 1 << 16,
        };
        try
        {
            port.Open();
            return Task.FromResult<Stream>(new SerialPortStream(port));
        }
        catch (ArgumentException e)
        {
            // On Unix, Open throws a bare ArgumentException when tcsetattr refuses the line settings
            // (dotnet/runtime SerialStream.Unix.cs: TermiosReset), e.g. a device that vanished while
            // being opened: a device problem, retried like one, not a bug in the caller.
            port.Dispose();
            throw new IOException($"{_options.Port}: the serial driver refused the line settings ({e.Message})", e);
        }
        catch
        {
            port.Dispose();
            throw;
        }
    }

    /// <summary>What both serial sources say when the device is not there (one line for the operator's log).</summary>
    internal static IOException Missing(string port) => new($"{port} does not exist (receiver unplugged, or another name?)");
}
