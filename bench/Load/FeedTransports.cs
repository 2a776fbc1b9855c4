using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace BeidouHub.Bench.Load;

/// <summary>
/// Where the feeder writes receiver i's bytes. Writes never block (the feeder is one thread for
/// all receivers): they return how many bytes the kernel took, and the feeder keeps the rest.
/// </summary>
internal interface IFeedTransport : IDisposable
{
    /// <summary>The source URI the service is configured with for receiver i.</summary>
    string SourceUri(int receiver);

    /// <summary>Waits until the service holds every receiver's connection (TCP: accepted).</summary>
    Task ConnectAsync(TimeSpan timeout);

    /// <summary>Writes what the kernel takes now; returns that count (0 when its buffer is full).</summary>
    int Write(int receiver, ReadOnlySpan<byte> bytes);
}

/// <summary>
/// TCP: one listener per receiver (the service's TcpSource is a client, and the port is what
/// tells the harness which receiver a connection is), non-blocking sends, Nagle off. On loopback
/// by default; on another address when the service runs on another machine.
/// </summary>
internal sealed class TcpFeedTransport : IFeedTransport
{
    private readonly TcpListener[] _listeners;
    private readonly Socket?[] _sockets;

    /// <param name="bind">The address the listeners bind and the sources name: one the service can reach.</param>
    /// <param name="firstPort">0: ports the system picks; otherwise receiver i listens on firstPort + i,
    /// so a service started once with that configuration can be fed by run after run.</param>
    public TcpFeedTransport(int receivers, IPAddress bind, int firstPort)
    {
        _listeners = new TcpListener[receivers];
        _sockets = new Socket?[receivers];
        for (int i = 0; i < receivers; i++)
        {
            _listeners[i] = new TcpListener(bind, firstPort == 0 ? 0 : firstPort + i);
            try
            {
                _listeners[i].Start(1);
            }
            catch (SocketException e)
            {
                Dispose();
                throw new IOException($"cannot listen on {_listeners[i].LocalEndpoint} for receiver {i}: {e.Message}", e);
            }
        }
    }

    public string SourceUri(int receiver) => Source((IPEndPoint)_listeners[receiver].LocalEndpoint);

    /// <summary>The service's source for a receiver listening at <paramref name="endpoint"/> ([::1]:p for IPv6).</summary>
    public static string Source(IPEndPoint endpoint) => $"tcp://{endpoint}";

    public async Task ConnectAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await Task.WhenAll(_listeners.Select(async (l, i) =>
        {
            Socket s = await l.AcceptSocketAsync(cts.Token).ConfigureAwait(false);
            s.NoDelay = true;
            s.Blocking = false;
            _sockets[i] = s;
            l.Stop();
        })).ConfigureAwait(false);
    }

    public int Write(int receiver, ReadOnlySpan<byte> bytes)
    {
        int sent = _sockets[receiver]!.Send(bytes, SocketFlags.None, out SocketError error);
        return error is SocketError.Success or SocketError.WouldBlock ? Math.Max(0, sent)
            : throw new IOException($"receiver {receiver}: send failed: {error}");
    }

    public void Dispose()
    {
        // A constructor that failed half-way leaves the rest of the array empty.
        foreach (TcpListener? l in _listeners)
        {
            l?.Dispose();
        }

        foreach (Socket? s in _sockets)
        {
            s?.Dispose();
        }
    }
}

/// <summary>
/// Real pseudo-terminals (posix_openpt), the serial path: the service opens each slave as it
/// would /dev/ttyUSB0, with its default serial path (no <c>io</c>), System.IO.Ports
/// (<c>io=ports</c>) or the epoll source (<c>io=epoll</c>); the feeder writes the master, non-blocking. A pty has no baud rate: the
/// feeder's own pacing is what spreads the bytes.
/// </summary>
internal sealed class PtyFeedTransport : IFeedTransport
{
    private readonly int[] _masters;
    private readonly string[] _slaves;

    private readonly string _io;

    public PtyFeedTransport(int receivers, string io)
    {
        _io = io;
        _masters = new int[receivers];
        _slaves = new string[receivers];
        Array.Fill(_masters, -1);
        for (int i = 0; i < receivers; i++)
        {
            try
            {
                _masters[i] = PseudoTerminal.OpenMaster(out _slaves[i]);
            }
            catch (IOException e)
            {
                Dispose();
                throw new IOException($"pty {i} of {receivers}: {e.Message}", e);
            }
        }
    }

    /// <summary>The slave side's path (/dev/pts/N), what a server opens as the receiver's serial port.</summary>
    public string SlavePath(int receiver) => _slaves[receiver];

    // The baud parameter is what an operator would write; a pty ignores it.
    public string SourceUri(int receiver) => _io == "default"
        ? $"serial://{_slaves[receiver]}?baud=115200"
        : $"serial://{_slaves[receiver]}?baud=115200&io={_io}";

    // The service reports Connected once its serial source has opened the slave; the harness waits
    // for that through ListReceivers (LoadHarness), not here.
    public Task ConnectAsync(TimeSpan timeout) => Task.CompletedTask;

    public int Write(int receiver, ReadOnlySpan<byte> bytes)
    {
        nint n = PseudoTerminal.Write(_masters[receiver], bytes);
        if (n >= 0)
        {
            return (int)n;
        }

        int errno = Marshal.GetLastPInvokeError();
        return errno == PseudoTerminal.EAgain ? 0 : throw new IOException($"receiver {receiver}: write to pty master failed: errno {errno}");
    }

    public void Dispose()
    {
        for (int i = 0; i < _masters.Length; i++)
        {
            if (_masters[i] >= 0)
            {
                PseudoTerminal.Close(_masters[i]);
                _masters[i] = -1;
            }
        }
    }
}
