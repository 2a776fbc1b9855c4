using System.IO.Ports;
using System.Runtime.CompilerServices;

namespace BeidouHub.Receiver.Sources;

/// <summary>
/// The stream of an open <see cref="SerialPort"/>, reporting a device that went away as what it is:
/// an <see cref="IOException"/>. On Unix, System.IO.Ports completes a pending read with
/// <see cref="ObjectDisposedException"/> ("The port is closed.") when poll reports POLLERR/POLLNVAL on
/// the tty (a USB adapter unplugged, a pty whose master closed), although nothing disposed the stream
/// (dotnet/runtime SerialStream.Unix.cs: IOLoop, FinishPendingIORequests without an error). Only a
/// read on a stream that we did dispose is an <see cref="ObjectDisposedException"/> here.
/// </summary>
internal sealed class SerialPortStream : ReadOnlyStream, ISourceWriter
{
    private readonly SerialPort _port;
    private readonly Stream _inner;
    private volatile bool _disposed;

    public SerialPortStream(SerialPort port)
    {
        _port = port;
        _inner = port.BaseStream;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException e) when (!_disposed)
        {
            throw Gone(e);
        }
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        try
        {
            return _inner.Read(buffer, offset, count);
        }
        catch (ObjectDisposedException e) when (!_disposed)
        {
            throw Gone(e);
        }
    }

    /// <summary>The port's transmit side (corrections to the receiver).</summary>
    public async ValueTask WriteToDeviceAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        try
        {
            await _inner.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException e) when (!_disposed)
        {
            throw Gone(e);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _disposed = true;
            _inner.Dispose();
            _port.Dispose();
        }

        base.Dispose(disposing);
    }

    private IOException Gone(ObjectDisposedException e) => new($"{_port.PortName} went away ({e.Message})", e);
}
