using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace BeidouHub.Receiver.Sources;

/// <summary>
/// One thread that waits in epoll_wait for every <c>io=epoll</c> serial port of the process, and
/// sleeps while no port has bytes: no timeout, no polling. Each port is registered EPOLLONESHOT and
/// armed (EPOLL_CTL_MOD, which re-checks readiness) only while its stream has a read pending, so an
/// event always has a reader to complete and a port nobody reads from never wakes the thread. An
/// eventfd wakes the thread to stop it. Events carry a registration number, never the fd, so an event
/// fetched just before a port closed cannot reach a port that was given the same fd number since.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed unsafe partial class SerialPoller : IDisposable
{
    // <sys/epoll.h>, <asm-generic/fcntl.h> (EPOLL_CLOEXEC = EFD_CLOEXEC = O_CLOEXEC), <sys/eventfd.h>
    internal const uint EpollIn = 0x1;
    internal const uint EpollErr = 0x8;
    internal const uint EpollHup = 0x10;
    private const uint EpollOneShot = 1u << 30;
    private const int EpollCtlAdd = 1;
    private const int EpollCtlDel = 2;
    private const int EpollCtlMod = 3;
    private const int EpollCloExec = 0x80000;
    private const int EfdNonBlock = 0x800;
    private const int MaxEvents = 64;
    private const ulong WakeToken = 0;

    private static readonly Lock SharedLock = new();
    private static SerialPoller? _shared;

    // struct epoll_event is { uint32_t events; uint64_t data; }, packed on x86-64 only (glibc's
    // sysdeps/unix/sysv/linux/x86_64/bits/epoll.h: __EPOLL_PACKED): 12 bytes there, 16 on arm64.
    private static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int DataOffset = EventSize - 8;

    private readonly ConcurrentDictionary<ulong, EpollSerialStream> _streams = new();
    private readonly int _epoll;
    private readonly int _wake;
    private readonly Thread _thread;
    private long _lastToken;
    private volatile bool _stopping;

    internal SerialPoller()
    {
        _epoll = epoll_create1(EpollCloExec);
        if (_epoll < 0)
        {
            throw LinuxSerial.Error("serial poller", "epoll_create1", Marshal.GetLastPInvokeError());
        }

        _wake = eventfd(0, EpollCloExec | EfdNonBlock);
        if (_wake < 0 || Control(EpollCtlAdd, _wake, EpollIn, WakeToken) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            string call = _wake < 0 ? "eventfd" : "epoll_ctl(ADD eventfd)";
            if (_wake >= 0)
            {
                _ = LinuxSerial.close(_wake);
            }

            _ = LinuxSerial.close(_epoll);
            throw LinuxSerial.Error("serial poller", call, errno);
        }

        _thread = new Thread(Run) { IsBackground = true, Name = "BeidouHub serial epoll" };
        _thread.Start();
    }

    /// <summary>The poller of the process, started by the first <c>io=epoll</c> port; it lives as long as the process.</summary>
    /// <remarks>Not a <see cref="Lazy{T}"/>: that would keep a first failure (EMFILE) for good; this retries on the next open.</remarks>
    public static SerialPoller Shared
    {
        get
        {
            lock (SharedLock)
            {
                return _shared ??= new SerialPoller();
            }
        }
    }

    /// <summary>Ports registered now (for tests).</summary>
    public int Count => _streams.Count;

    /// <summary>True while the thread runs (for tests).</summary>
    public bool IsRunning => _thread.IsAlive;

    /// <summary>Registers a port, disarmed; returns its registration number.</summary>
    public ulong Register(int fd, EpollSerialStream stream)
    {
        ulong token = (ulong)Interlocked.Increment(ref _lastToken);
        _streams[token] = stream;
        if (Control(EpollCtlAdd, fd, EpollOneShot, token) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            _streams.TryRemove(token, out _);
            throw LinuxSerial.Error(stream.Port, "epoll_ctl(ADD)", errno);
        }

        return token;
    }

    /// <summary>Asks for one event when the port is readable (or hung up, or in error); 0 or the errno.</summary>
    public int Arm(int fd, ulong token) => Control(EpollCtlMod, fd, EpollIn | EpollOneShot, token) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Removes a port; call before closing its fd.</summary>
    public void Unregister(int fd, ulong token)
    {
        _ = Control(EpollCtlDel, fd, 0, token);
        _streams.TryRemove(token, out _);
    }

    /// <summary>Stops the thread (the shared poller is never stopped: it is a background thread).</summary>
    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        ulong one = 1;
        _ = LinuxSerial.write(_wake, (byte*)&one, sizeof(ulong));
        _thread.Join();
        _ = LinuxSerial.close(_wake);
        _ = LinuxSerial.close(_epoll);
    }

    private int Control(int operation, int fd, uint events, ulong token)
    {
        byte* ev = stackalloc byte[16];
        Unsafe.WriteUnaligned(ev, events);
        Unsafe.WriteUnaligned(ev + DataOffset, token);
        return epoll_ctl(_epoll, operation, fd, ev);
    }

    private void Run()
    {
        byte* events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * EventSize));
        try
        {
            while (!_stopping)
            {
                int n = epoll_wait(_epoll, events, MaxEvents, -1);
                if (n < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == LinuxSerial.EIntr)
                    {
                        continue;
                    }

                    // Only a bug makes epoll_wait fail otherwise (EBADF, EFAULT, EINVAL): end every
                    // pending read so that the workers report it, rather than hang.
                    foreach (EpollSerialStream stream in _streams.Values)
                    {
                        stream.Fail(LinuxSerial.Error(stream.Port, "epoll_wait", errno));
                    }

                    return;
                }

                for (int i = 0; i < n; i++)
                {
                    byte* ev = events + (i * EventSize);
                    ulong token = Unsafe.ReadUnaligned<ulong>(ev + DataOffset);
                    if (token != WakeToken && _streams.TryGetValue(token, out EpollSerialStream? stream))
                    {
                        stream.OnReady(Unsafe.ReadUnaligned<uint>(ev));
                    }
                }
            }
        }
        finally
        {
            NativeMemory.Free(events);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_ctl(int epfd, int op, int fd, byte* events);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_wait(int epfd, byte* events, int maxEvents, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int eventfd(uint initialValue, int flags);
}
