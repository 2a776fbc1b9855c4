using System.Globalization;
using System.IO.Ports;

namespace BeidouHub.Receiver.Sources;

/// <summary>Where a receiver's bytes come from, parsed from a source URI.</summary>
public abstract record SourceOptions(string Uri)
{
    /// <summary>
    /// Parses a source URI of Receiver's own schemes (<see cref="SourceSchemes.Receiver"/>):
    /// <c>serial:///dev/ttyUSB0?baud=115200&amp;parity=none&amp;databits=8&amp;stopbits=1&amp;io=epoll|ports</c>,
    /// <c>tcp://host:port</c>, <c>replay://path?speed=1&amp;loop=true</c> (relative paths from the current
    /// directory; <c>replay:///abs/path</c>). Unknown schemes and bad parameters give one clear message.
    /// </summary>
    public static bool TryParse(string? uri, out SourceOptions? options, out string? error) =>
        SourceSchemes.Receiver.TryParse(uri, out options, out error);

    /// <summary>Parses or throws <see cref="ArgumentException"/> with the message of <see cref="TryParse"/>.</summary>
    public static SourceOptions Parse(string uri) => SourceSchemes.Receiver.Parse(uri);

    /// <summary>
    /// Builds the source these options describe, paced by <paramref name="time"/> where it keeps
    /// time itself (replay, simulator), or says why not (what only the source can check: the
    /// simulator's parameters, io=epoll on this OS). Called through <see cref="ByteSources"/>.
    /// </summary>
    protected internal abstract bool TryCreateSource(TimeProvider time, out IByteSource? source, out string? reason);

    private protected static SourceOptions? Fail(string message, out string? error)
    {
        error = message;
        return null;
    }

    private protected static bool Unknown(IReadOnlyDictionary<string, string> query, string[] known, out string? error)
    {
        foreach (string key in query.Keys)
        {
            if (!known.Contains(key))
            {
                error = $"unknown parameter '{key}' (known: {string.Join(", ", known)})";
                return true;
            }
        }

        error = null;
        return false;
    }

    private protected static bool TryDouble(IReadOnlyDictionary<string, string> query, string key, double fallback, double min, double max, out double value, out string? error)
    {
        error = null;
        value = fallback;
        if (!query.TryGetValue(key, out string? text))
        {
            return true;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || value < min || value > max)
        {
            error = $"{key}={text} is not a number in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]";
            return false;
        }

        return true;
    }

    private protected static bool TryInt(IReadOnlyDictionary<string, string> query, string key, int fallback, int min, int max, out int value, out string? error)
    {
        error = null;
        value = fallback;
        if (!query.TryGetValue(key, out string? text))
        {
            return true;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) || value < min || value > max)
        {
            error = $"{key}={text} is not an integer in [{min}, {max}]";
            return false;
        }

        return true;
    }

    private protected static bool TryBool(IReadOnlyDictionary<string, string> query, string key, bool fallback, out bool value, out string? error)
    {
        error = null;
        value = fallback;
        if (!query.TryGetValue(key, out string? text))
        {
            return true;
        }

        switch (text.ToLowerInvariant())
        {
            case "true" or "1" or "yes":
                value = true;
                return true;
            case "false" or "0" or "no":
                value = false;
                return true;
            default:
                error = $"{key}={text} is not true or false";
                return false;
        }
    }
}

/// <summary>How a serial port is read.</summary>
public enum SerialIo
{
    /// <summary>System.IO.Ports (every platform; the default where <see cref="Epoll"/> does not run). On Linux it runs one thread per port that wakes about every millisecond.</summary>
    Ports,

    /// <summary>
    /// Linux only (x86-64, arm64), and the default there: the port is opened with libc, set to raw
    /// mode with termios and read by one epoll thread shared by all such ports, which sleeps until
    /// bytes arrive: an idle port costs nothing. Rates are the Linux B-constants (50 ... 4000000);
    /// 1.5 stop bits are not available. A port it cannot serve is read with <see cref="Ports"/>
    /// instead (<see cref="SerialSourceOptions.IoFallback"/> says why).
    /// </summary>
    Epoll,
}

/// <summary>
/// A serial port: <c>serial:///dev/ttyUSB0?baud=115200&amp;parity=none&amp;databits=8&amp;stopbits=1&amp;io=epoll</c>.
/// <c>baud</c> 50-4000000 (default 9600), <c>parity</c> none/even/odd/mark/space, <c>databits</c> 5-8,
/// <c>stopbits</c> 1/1.5/2, <c>io</c> <c>epoll</c> (<see cref="SerialIo.Epoll"/>: one shared epoll
/// thread for all ports; the default on Linux x86-64/arm64) or <c>ports</c> (System.IO.Ports; the
/// default elsewhere). What the epoll path cannot do (a rate without a Linux B-constant, 1.5 stop
/// bits, another OS) is not an error: the port is read with System.IO.Ports and
/// <see cref="IoFallback"/> says why, for the one log line the host writes.
/// </summary>
public sealed record SerialSourceOptions(string Uri, string Port, int BaudRate, Parity Parity, int DataBits, StopBits StopBits, SerialIo Io = SerialIo.Ports) : SourceOptions(Uri)
{
    /// <summary>
    /// Why the port is read with System.IO.Ports although the epoll path was asked for or is the
    /// default here (a rate or framing it cannot set, another OS); null when it was not.
    /// </summary>
    public string? IoFallback { get; init; }

    internal static SourceOptions? TryCreate(string uri, string path, IReadOnlyDictionary<string, string> query, out string? error) =>
        TryCreate(uri, path, query, EpollAvailable, out error);

    /// <summary>True where <see cref="SerialIo.Epoll"/> runs: Linux with glibc's termios layout of x86-64 and arm64.</summary>
    public static bool EpollAvailable =>
        OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture is System.Runtime.InteropServices.Architecture.X64 or System.Runtime.InteropServices.Architecture.Arm64;

    internal static SourceOptions? TryCreate(string uri, string path, IReadOnlyDictionary<string, string> query, bool epollAvailable, out string? error)
    {
        if (Unknown(query, ["baud", "parity", "databits", "stopbits", "io"], out error))
        {
            return null;
        }

        if (path.Length == 0)
        {
            return Fail("no port given (serial:///dev/ttyUSB0?baud=115200)", out error);
        }

        if (!TryInt(query, "baud", 9600, 50, 4_000_000, out int baud, out error) || !TryInt(query, "databits", 8, 5, 8, out int dataBits, out error))
        {
            return null;
        }

        string parityText = query.GetValueOrDefault("parity", "none").ToLowerInvariant();
        Parity? parity = parityText switch
        {
            "none" or "n" => Parity.None,
            "even" or "e" => Parity.Even,
            "odd" or "o" => Parity.Odd,
            "mark" or "m" => Parity.Mark,
            "space" or "s" => Parity.Space,
            _ => null,
        };
        if (parity is null)
        {
            return Fail($"parity={parityText} is not none, even, odd, mark or space", out error);
        }

        string stopText = query.GetValueOrDefault("stopbits", "1");
        StopBits? stop = stopText switch
        {
            "1" => StopBits.One,
            "1.5" => StopBits.OnePointFive,
            "2" => StopBits.Two,
            _ => null,
        };
        if (stop is null)
        {
            return Fail($"stopbits={stopText} is not 1, 1.5 or 2", out error);
        }

        // No io: epoll where it runs. Explicit or by default, what epoll cannot serve is read with
        // System.IO.Ports, with the reason for the host's log, rather than refused at start.
        string ioText = query.GetValueOrDefault("io", epollAvailable ? "epoll" : "ports").ToLowerInvariant();
        SerialIo? io = ioText switch
        {
            "ports" => SerialIo.Ports,
            "epoll" => SerialIo.Epoll,
            _ => null,
        };
        if (io is null)
        {
            return Fail($"io={ioText} is not ports or epoll", out error);
        }

        string? fallback = io != SerialIo.Epoll ? null
            : !epollAvailable ? "the epoll path needs Linux on x86-64 or arm64"
            : !LinuxSerial.TrySpeed(baud, out _) ? $"baud={baud} has no Linux B-constant, which the epoll path needs (one of {string.Join(", ", LinuxSerial.Rates)})"
            : stop == StopBits.OnePointFive ? "stopbits=1.5 is not available on Linux (termios has 1 or 2) on the epoll path"
            : null;
        return new SerialSourceOptions(uri, path, baud, parity.Value, dataBits, stop.Value, fallback is null ? io.Value : SerialIo.Ports)
        {
            IoFallback = fallback is null ? null : fallback + "; read with System.IO.Ports instead",
        };
    }

    /// <inheritdoc />
    protected internal override bool TryCreateSource(TimeProvider time, out IByteSource? source, out string? reason)
    {
        reason = null;
        source = null;
        if (Io == SerialIo.Ports)
        {
            source = new SerialSource(this);
        }
        else if (OperatingSystem.IsLinux())
        {
            source = new EpollSerialSource(this);
        }
        else
        {
            reason = $"'{Uri}': io=epoll needs Linux; use io=ports here";
        }

        return source is not null;
    }
}

/// <summary>A TCP client connection (serial-to-Ethernet converters, receivers' own TCP ports).</summary>
public sealed record TcpSourceOptions(string Uri, string Host, int Port) : SourceOptions(Uri)
{
    internal static SourceOptions? TryCreate(string uri, string path, IReadOnlyDictionary<string, string> query, out string? error)
    {
        if (Unknown(query, [], out error))
        {
            return null;
        }

        string hostPort = path.TrimEnd('/');
        int colon = hostPort.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(hostPort[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            return Fail("expected tcp://host:port with a port in 1-65535", out error);
        }

        string host = hostPort[..colon].Trim('[', ']');
        return new TcpSourceOptions(uri, host, port);
    }

    /// <inheritdoc />
    protected internal override bool TryCreateSource(TimeProvider time, out IByteSource? source, out string? reason)
    {
        source = new TcpSource(this);
        reason = null;
        return true;
    }
}

/// <summary>A recorded capture replayed at its recorded pace (paced by the sentences' UTC times).</summary>
public sealed record ReplaySourceOptions(string Uri, string Path, double Speed, bool Loop) : SourceOptions(Uri)
{
    internal static SourceOptions? TryCreate(string uri, string path, IReadOnlyDictionary<string, string> query, out string? error)
    {
        if (Unknown(query, ["speed", "loop"], out error))
        {
            return null;
        }

        if (path.Length == 0)
        {
            return Fail("no file given (replay://seeds/park.nmea?speed=1&loop=true)", out error);
        }

        if (!TryDouble(query, "speed", 1, 0, 10_000, out double speed, out error) || !TryBool(query, "loop", false, out bool loop, out error))
        {
            return null;
        }

        string file = System.Uri.UnescapeDataString(path);
        if (!File.Exists(file))
        {
            return Fail($"file '{System.IO.Path.GetFullPath(file)}' not found", out error);
        }

        return new ReplaySourceOptions(uri, file, speed, loop);
    }

    /// <inheritdoc />
    protected internal override bool TryCreateSource(TimeProvider time, out IByteSource? source, out string? reason)
    {
        source = new ReplaySource(this, time);
        reason = null;
        return true;
    }
}
