using System.IO.Ports;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace BeidouHub.Receiver.Sources;

/// <summary>
/// glibc's <c>struct termios</c> on Linux x86-64 and arm64 (sysdeps/unix/sysv/linux/bits/termios-struct.h,
/// the same in musl): four <c>tcflag_t</c> (unsigned int), <c>cc_t c_line</c>, <c>cc_t c_cc[NCCS = 32]</c>,
/// then <c>speed_t c_ispeed, c_ospeed</c> aligned to 4: 60 bytes. This is the C library's struct, not the
/// kernel's (NCCS 19); tcgetattr/tcsetattr translate. Alpha, MIPS, PowerPC and SPARC lay it out differently,
/// which is why <c>io=epoll</c> is only offered on x86-64 and arm64.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Termios
{
    public uint InputFlags;
    public uint OutputFlags;
    public uint ControlFlags;
    public uint LocalFlags;
    public byte Line;
    public TermiosControlChars ControlChars;
    public uint InputSpeed;
    public uint OutputSpeed;
}

/// <summary><c>cc_t c_cc[NCCS]</c> with glibc's NCCS = 32.</summary>
[InlineArray(32)]
internal struct TermiosControlChars
{
    private byte _element0;
}

/// <summary>
/// Opening and configuring a serial device with libc, for the epoll source. The constants are the
/// generic Linux ones, identical on x86-64 and arm64: termios flags and B-rates from
/// &lt;asm-generic/termbits.h&gt; (glibc: &lt;bits/termios-c_cflag.h&gt;, &lt;bits/termios-c_iflag.h&gt;,
/// &lt;bits/termios-baud.h&gt;, &lt;bits/termios-c_cc.h&gt;), written here in hex with the headers' octal
/// beside them; open flags from &lt;asm-generic/fcntl.h&gt;; errno from &lt;asm-generic/errno-base.h&gt;.
/// </summary>
internal static partial class LinuxSerial
{
    // <asm-generic/fcntl.h>
    private const int ORdWr = 0x2;             // 02
    private const int ONoCtty = 0x100;         // 0400
    private const int ONonBlock = 0x800;       // 04000
    private const int OCloExec = 0x80000;      // 02000000

    // <bits/termios-c_cflag.h>
    internal const uint CSize = 0x30;          // 0000060
    internal const uint CS5 = 0x0;             // 0000000
    internal const uint CS6 = 0x10;            // 0000020
    internal const uint CS7 = 0x20;            // 0000040
    internal const uint CS8 = 0x30;            // 0000060
    internal const uint CStopB = 0x40;         // 0000100
    internal const uint CRead = 0x80;          // 0000200
    internal const uint ParEnb = 0x100;        // 0000400
    internal const uint ParOdd = 0x200;        // 0001000
    internal const uint CLocal = 0x800;        // 0004000
    internal const uint CMSpar = 0x40000000;   // 010000000000: parity bit is mark (with PARODD) or space
    internal const uint CRtsCts = 0x80000000;  // 020000000000

    // <bits/termios-c_iflag.h>
    internal const uint IXon = 0x400;          // 0002000
    internal const uint IXany = 0x800;         // 0004000
    internal const uint IXoff = 0x1000;        // 0010000

    // <bits/termios-c_lflag.h>
    internal const uint ICanon = 0x2;          // 0000002
    internal const uint Echo = 0x8;            // 0000010

    // <bits/termios-c_cc.h>
    internal const int VTime = 5;
    internal const int VMin = 6;

    // <bits/termios-tcflow.h>
    private const int TcsaNow = 0;

    // <asm-generic/errno-base.h>
    internal const int EPerm = 1;
    internal const int ENoEnt = 2;
    internal const int EIntr = 4;
    internal const int EIo = 5;
    internal const int ENxio = 6;
    internal const int EAgain = 11;
    internal const int EAcces = 13;
    internal const int ENoDev = 19;
    internal const int ENoTty = 25;

    /// <summary>The rates the epoll source accepts: every B-constant of &lt;asm-generic/termbits.h&gt; from B50 up.</summary>
    internal static readonly int[] Rates =
    [
        50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600, 19200, 38400,
        57600, 115200, 230400, 460800, 500000, 576000, 921600, 1000000, 1152000, 1500000, 2000000, 2500000, 3000000, 3500000, 4000000,
    ];

    /// <summary>The Linux B-constant of a rate (B134 is 134.5 baud); false for a rate Linux has none for.</summary>
    internal static bool TrySpeed(int baud, out uint speed)
    {
        speed = baud switch
        {
            50 => 0x1,             // B50      0000001
            75 => 0x2,             // B75      0000002
            110 => 0x3,            // B110     0000003
            134 => 0x4,            // B134     0000004
            150 => 0x5,            // B150     0000005
            200 => 0x6,            // B200     0000006
            300 => 0x7,            // B300     0000007
            600 => 0x8,            // B600     0000010
            1200 => 0x9,           // B1200    0000011
            1800 => 0xA,           // B1800    0000012
            2400 => 0xB,           // B2400    0000013
            4800 => 0xC,           // B4800    0000014
            9600 => 0xD,           // B9600    0000015
            19200 => 0xE,          // B19200   0000016
            38400 => 0xF,          // B38400   0000017
            57600 => 0x1001,       // B57600   0010001 (CBAUDEX 0010000 | 1)
            115200 => 0x1002,      // B115200  0010002
            230400 => 0x1003,      // B230400  0010003
            460800 => 0x1004,      // B460800  0010004
            500000 => 0x1005,      // B500000  0010005
            576000 => 0x1006,      // B576000  0010006
            921600 => 0x1007,      // B921600  0010007
            1000000 => 0x1008,     // B1000000 0010010
            1152000 => 0x1009,     // B1152000 0010011
            1500000 => 0x100A,     // B1500000 0010012
            2000000 => 0x100B,     // B2000000 0010013
            2500000 => 0x100C,     // B2500000 0010014
            3000000 => 0x100D,     // B3000000 0010015
            3500000 => 0x100E,     // B3500000 0010016
            4000000 => 0x100F,     // B4000000 0010017
            _ => 0,
        };
        return speed != 0;
    }

    /// <summary>
    /// Opens the device (O_RDWR|O_NOCTTY|O_NONBLOCK|O_CLOEXEC: the service must not get a controlling
    /// terminal, and reads never block) and puts it in raw mode at the options' rate and framing.
    /// Throws <see cref="IOException"/> (or <see cref="UnauthorizedAccessException"/>) with one line for an operator.
    /// </summary>
    [SupportedOSPlatform("linux")]
    internal static unsafe int Open(SerialSourceOptions options)
    {
        int fd = open(options.Port, ORdWr | ONoCtty | ONonBlock | OCloExec, 0);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw errno switch
            {
                ENoEnt or ENxio or ENoDev => SerialSource.Missing(options.Port),
                EAcces or EPerm => new UnauthorizedAccessException($"{options.Port}: permission denied (is the service's user in the dialout group?)"),
                _ => Error(options.Port, "open", errno),
            };
        }

        try
        {
            Termios termios;
            if (tcgetattr(fd, &termios) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw errno == ENoTty ? new IOException($"{options.Port} is not a serial device (not a tty)") : Error(options.Port, "tcgetattr", errno);
            }

            Configure(ref termios, options);
            if (tcsetattr(fd, TcsaNow, &termios) != 0)
            {
                throw Error(options.Port, "tcsetattr", Marshal.GetLastPInvokeError());
            }

            return fd;
        }
        catch
        {
            _ = close(fd);
            throw;
        }
    }

    /// <summary>
    /// Raw mode (cfmakeraw), the options' rate, data bits, parity and stop bits, CLOCAL|CREAD, no
    /// flow control (neither RTS/CTS nor XON/XOFF: NMEA receivers use neither, and XON/XOFF would eat
    /// bytes), VMIN = VTIME = 0 so that a read returns what is there at once. Parity errors are not
    /// checked by the driver (no INPCK, as cfmakeraw leaves it): the NMEA checksum rejects such lines.
    /// The options were validated by <see cref="SerialSourceOptions"/> (a rate with a B-constant, no 1.5 stop bits).
    /// </summary>
    internal static unsafe void Configure(ref Termios termios, SerialSourceOptions options)
    {
        if (!TrySpeed(options.BaudRate, out uint speed))
        {
            throw new ArgumentException($"baud={options.BaudRate} has no Linux B-constant", nameof(options));
        }

        fixed (Termios* t = &termios)
        {
            cfmakeraw(t);
            t->ControlFlags &= ~(CSize | CStopB | ParEnb | ParOdd | CMSpar | CRtsCts);
            t->ControlFlags |= CLocal | CRead | options.DataBits switch
            {
                5 => CS5,
                6 => CS6,
                7 => CS7,
                _ => CS8,
            };
            t->ControlFlags |= options.Parity switch
            {
                Parity.Even => ParEnb,
                Parity.Odd => ParEnb | ParOdd,
                Parity.Mark => ParEnb | ParOdd | CMSpar,
                Parity.Space => ParEnb | CMSpar,
                _ => 0u,
            };
            if (options.StopBits == StopBits.Two)
            {
                t->ControlFlags |= CStopB;
            }

            t->InputFlags &= ~(IXon | IXoff | IXany);
            t->ControlChars[VMin] = 0;
            t->ControlChars[VTime] = 0;
            if (cfsetispeed(t, speed) != 0 || cfsetospeed(t, speed) != 0)
            {
                throw new ArgumentException($"baud={options.BaudRate}: cfsetspeed refused B-constant {speed}", nameof(options));
            }
        }
    }

    internal static IOException Error(string port, string call, int errno) =>
        new($"{port}: {call} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags, int mode);

    [LibraryImport("libc", SetLastError = true)]
    internal static unsafe partial int tcgetattr(int fd, Termios* termios);

    [LibraryImport("libc", SetLastError = true)]
    internal static unsafe partial int tcsetattr(int fd, int optionalActions, Termios* termios);

    [LibraryImport("libc")]
    private static unsafe partial void cfmakeraw(Termios* termios);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int cfsetispeed(Termios* termios, uint speed);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int cfsetospeed(Termios* termios, uint speed);

    [LibraryImport("libc", SetLastError = true)]
    internal static unsafe partial nint read(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    internal static unsafe partial nint write(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int close(int fd);
}
