using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Threading.Tasks.Sources;

namespace BeidouHub.Receiver.Sources;

/// <summary>
/// A serial port read through the shared <see cref="SerialPoller"/>. A read first tries the fd
/// (non-blocking: VMIN = VTIME = 0); when nothing is there it pins the caller's buffer, arms the port
/// and returns a pending <see cref="ValueTask{TResult}"/> backed by this object (one read at a time, as
/// for any stream, so one reusable <see cref="IValueTaskSource{TResult}"/> does: no allocation per read).
/// The poller thread reads into the pinned buffer when the port is ready and completes the read;
/// continuations run on the thread pool, never on the poller. End of stream (0) when the device is
/// gone: a hang-up (EPOLLHUP, then read returns 0: the kernel hangs up a pts when its master closes and
/// a USB-serial tty when the adapter is removed) once the bytes still queued are read, or EIO.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed unsafe class EpollSerialStream : ReadOnlyStream, IValueTaskSource<int>, ISourceWriter
{
    private const int Idle = 0;
    private const int Pending = 1;
    private const int Completing = 2;
    private const int Starting = 3;

    private readonly SerialPoller _poller;
    private readonly ulong _token;

    // Held by the poller while it reads and by Dispose while it closes: the fd is never read after
    // close (when its number may already belong to another port).
    private readonly Lock _fdLock = new();
    private int _fd;
    private ManualResetValueTaskSourceCore<int> _core = new() { RunContinuationsAsynchronously = true };

    // Idle -> Starting (ReadAsync tries the fd) -> Pending (armed) -> Completing (whoever wins:
    // poller, cancellation, Dispose) -> Idle; Starting -> Idle when the fd had bytes.
    private int _state;
    private Memory<byte> _buffer;
    private MemoryHandle _pin;
    private CancellationTokenRegistration _cancellation;

    internal EpollSerialStream(int fd, string port, SerialPoller poller)
    {
        _fd = fd;
        Port = port;
        _poller = poller;
        _token = poller.Register(fd, this);
    }

    public string Port { get; }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        if (buffer.IsEmpty)
        {
            return new ValueTask<int>(0);
        }

        lock (_fdLock)
        {
            ObjectDisposedException.ThrowIf(_fd < 0, this);
            if (Interlocked.CompareExchange(ref _state, Starting, Idle) != Idle)
            {
                throw new InvalidOperationException($"{Port}: a read is already pending");
            }

            int n = ReadNow(buffer.Span, out int errno);
            if (n > 0 || errno == LinuxSerial.EIo)
            {
                Volatile.Write(ref _state, Idle);
                return new ValueTask<int>(Math.Max(n, 0));
            }

            if (errno is not (0 or LinuxSerial.EAgain))
            {
                Volatile.Write(ref _state, Idle);
                throw LinuxSerial.Error(Port, "read", errno);
            }

            // Nothing there now: wait for the poller. A cancellation registered before arming can
            // only find this read or none (every completion disposes the registration first).
            _core.Reset();
            _buffer = buffer;
            _pin = buffer.Pin();
            Volatile.Write(ref _state, Pending);
            if (cancellationToken.CanBeCanceled)
            {
                _cancellation = cancellationToken.UnsafeRegister(static (s, token) => ((EpollSerialStream)s!).Cancel(token), this);
            }

            if (Volatile.Read(ref _state) == Pending)
            {
                int armError = _poller.Arm(_fd, _token);
                if (armError != 0 && Interlocked.CompareExchange(ref _state, Completing, Pending) == Pending)
                {
                    Complete(0, LinuxSerial.Error(Port, "epoll_ctl(MOD)", armError), fromCancellation: false);
                }
            }

            return new ValueTask<int>(this, _core.Version);
        }
    }

    /// <summary>Called by the poller thread with the epoll events of this port; never throws.</summary>
    internal void OnReady(uint events)
    {
        int result = 0;
        Exception? error = null;
        lock (_fdLock)
        {
            if (_fd < 0 || Interlocked.CompareExchange(ref _state, Completing, Pending) != Pending)
            {
                return; // the read was cancelled (or the port closed) after the port was armed
            }

            int n = ReadNow(_buffer.Span, out int errno);
            bool hungUp = (events & (SerialPoller.EpollHup | SerialPoller.EpollErr)) != 0;
            if (n > 0)
            {
                result = n;
            }
            else if ((errno is 0 or LinuxSerial.EAgain) && !hungUp)
            {
                // Readable but nothing to read: wait again. (A hung-up tty reports EPOLLHUP, so this
                // cannot spin on a device that has gone.)
                Volatile.Write(ref _state, Pending);
                int armError = _poller.Arm(_fd, _token);
                if (armError == 0 || Interlocked.CompareExchange(ref _state, Completing, Pending) != Pending)
                {
                    return;
                }

                error = LinuxSerial.Error(Port, "epoll_ctl(MOD)", armError);
            }
            else if (errno is not (0 or LinuxSerial.EAgain or LinuxSerial.EIo))
            {
                error = LinuxSerial.Error(Port, "read", errno);
            }

            // Otherwise 0 bytes with a hang-up, or EIO: the device is gone, the stream ends (result 0).
        }

        Complete(result, error, fromCancellation: false);
    }

    /// <summary>Ends a pending read with an error (the poller cannot go on).</summary>
    internal void Fail(Exception error)
    {
        if (Interlocked.CompareExchange(ref _state, Completing, Pending) == Pending)
        {
            Complete(0, error, fromCancellation: false);
        }
    }

    int IValueTaskSource<int>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_fdLock)
            {
                if (_fd >= 0)
                {
                    _poller.Unregister(_fd, _token);
                    _ = LinuxSerial.close(_fd);
                    _fd = -1;
                }
            }

            if (Interlocked.CompareExchange(ref _state, Completing, Pending) == Pending)
            {
                Complete(0, new ObjectDisposedException(GetType().Name, $"{Port} was closed while a read was pending"), fromCancellation: false);
            }
        }

        base.Dispose(disposing);
    }

    private int ReadNow(Span<byte> buffer, out int errno)
    {
        while (true)
        {
            nint n;
            fixed (byte* p = buffer)
            {
                n = LinuxSerial.read(_fd, p, (nuint)buffer.Length);
            }

            errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
            if (errno != LinuxSerial.EIntr)
            {
                return (int)n;
            }
        }
    }

    private void Cancel(CancellationToken token)
    {
        if (Interlocked.CompareExchange(ref _state, Completing, Pending) == Pending)
        {
            // The port stays armed; its event finds no read pending and is dropped.
            Complete(0, new OperationCanceledException(token), fromCancellation: true);
        }
    }

    // Only the thread that moved the state to Completing gets here.
    private void Complete(int result, Exception? error, bool fromCancellation)
    {
        if (!fromCancellation)
        {
            // Waits for a cancellation callback running now (it lost the race and returns at once),
            // so that it cannot take the next read for this one.
            _cancellation.Dispose();
        }

        _cancellation = default;
        _pin.Dispose();
        _pin = default;
        _buffer = default;
        Volatile.Write(ref _state, Idle);
        if (error is null)
        {
            _core.SetResult(result);
        }
        else
        {
            _core.SetException(error);
        }
    }

    /// <summary>
    /// Writes to the tty (corrections to the receiver). The fd is non-blocking: when the driver's
    /// output queue is full (corrections faster than the line), EAGAIN, the write waits 10 ms (about
    /// 115 bytes at 115,200 baud) and goes on; the poller stays a reader only.
    /// </summary>
    public ValueTask WriteToDeviceAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        EpollSerialWrites.WriteAllAsync(this, bytes, cancellationToken);

    /// <summary>Bytes written now, 0 when the output queue is full (EAGAIN); throws when the device has gone.</summary>
    internal int WriteNow(ReadOnlySpan<byte> bytes)
    {
        // Under the fd lock, as reads: never a write to an fd number that Dispose has closed.
        lock (_fdLock)
        {
            ObjectDisposedException.ThrowIf(_fd < 0, this);
            while (true)
            {
                nint n;
                fixed (byte* p = bytes)
                {
                    n = LinuxSerial.write(_fd, p, (nuint)bytes.Length);
                }

                int errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
                if (n > 0 || errno == LinuxSerial.EAgain)
                {
                    return (int)Math.Max(n, 0);
                }

                if (errno != LinuxSerial.EIntr)
                {
                    throw errno == 0 ? new IOException($"{Port}: write wrote nothing") : LinuxSerial.Error(Port, "write", errno);
                }
            }
        }
    }
}

// The waiting part of EpollSerialStream's write, outside its unsafe context (no await there).
[SupportedOSPlatform("linux")]
internal static class EpollSerialWrites
{
    public static async ValueTask WriteAllAsync(EpollSerialStream stream, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        while (!bytes.IsEmpty)
        {
            int n = stream.WriteNow(bytes.Span);
            if (n > 0)
            {
                bytes = bytes[n..];
            }
            else
            {
                await Task.Delay(10, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
