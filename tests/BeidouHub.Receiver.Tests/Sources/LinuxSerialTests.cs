using System.IO.Ports;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BeidouHub.Receiver.Sources;
using BeidouHub.Receiver.Tests.Support;
using Microsoft.Win32.SafeHandles;

namespace BeidouHub.Receiver.Tests.Sources;

/// <summary>The termios side of io=epoll: struct layout against the kernel's defaults, and the flags it sets.</summary>
public class LinuxSerialTests
{
    private const uint CBaud = 0x100F; // 0010017, <asm-generic/termbits.h>
    private const uint B38400 = 0xF;
    private const uint B115200 = 0x1002;
    private const uint B9600 = 0xD;

    [Fact]
    public void Termios_Layout_IsGlibcs()
    {
        Assert.Equal(60, Unsafe.SizeOf<Termios>());
        Assert.Equal(16, (int)Marshal.OffsetOf<Termios>(nameof(Termios.Line)));
        Assert.Equal(17, (int)Marshal.OffsetOf<Termios>(nameof(Termios.ControlChars)));
        Assert.Equal(52, (int)Marshal.OffsetOf<Termios>(nameof(Termios.InputSpeed)));
        Assert.Equal(56, (int)Marshal.OffsetOf<Termios>(nameof(Termios.OutputSpeed)));
    }

    [SkippableFact]
    public void Tcgetattr_FreshPseudoTerminal_ReadsTheKernelsDefaults()
    {
        // A new pts starts from tty_std_termios (drivers/tty/tty_io.c, INIT_C_CC in
        // include/linux/tty.h) with c_cflag B38400|CS8|CREAD (drivers/tty/pty.c): values at known
        // places that a shifted c_cc or flag field would not find.
        Skip.IfNot(PseudoTerminal.IsSupported, "pseudo-terminals need Linux");
        using var pty = PseudoTerminal.Open();

        Termios t = Get(pty.SlavePath);

        Assert.Equal(B38400, t.ControlFlags & CBaud);
        Assert.Equal(LinuxSerial.CS8 | LinuxSerial.CRead, t.ControlFlags & (LinuxSerial.CSize | LinuxSerial.CRead));
        Assert.NotEqual(0u, t.LocalFlags & LinuxSerial.ICanon);
        Assert.Equal((3, 0x1C, 0x7F, 0x15, 4), (t.ControlChars[0], t.ControlChars[1], t.ControlChars[2], t.ControlChars[3], t.ControlChars[4]));
        Assert.Equal((0, 1), (t.ControlChars[LinuxSerial.VTime], t.ControlChars[LinuxSerial.VMin]));
        Assert.Equal(0x11, t.ControlChars[8]); // VSTART ^Q
    }

    [SkippableFact]
    public async Task OpenAsync_Epoll_LeavesThePortRawAtTheRateWithVminVtimeZero()
    {
        Skip.IfNot(PseudoTerminal.IsSupported, "pseudo-terminals need Linux");
        using var pty = PseudoTerminal.Open();

        await using Stream stream = await SerialSourceTests.Source(pty.SlavePath, "epoll").OpenAsync(CancellationToken.None);
        Termios t = Get(pty.SlavePath);

        Assert.Equal(B115200, t.ControlFlags & CBaud);
        Assert.Equal(LinuxSerial.CLocal | LinuxSerial.CRead, t.ControlFlags & (LinuxSerial.CLocal | LinuxSerial.CRead | LinuxSerial.CRtsCts));
        Assert.Equal(0u, t.LocalFlags & (LinuxSerial.ICanon | LinuxSerial.Echo));
        Assert.Equal(0u, t.InputFlags & (LinuxSerial.IXon | LinuxSerial.IXoff));
        Assert.Equal((0, 0), (t.ControlChars[LinuxSerial.VTime], t.ControlChars[LinuxSerial.VMin]));
    }

    [SkippableTheory]
    [InlineData("parity=none&databits=8&stopbits=1", LinuxSerial.CS8, 0u)]
    [InlineData("parity=even&databits=7&stopbits=2", LinuxSerial.CS7, LinuxSerial.ParEnb | LinuxSerial.CStopB)]
    [InlineData("parity=odd&databits=6", LinuxSerial.CS6, LinuxSerial.ParEnb | LinuxSerial.ParOdd)]
    [InlineData("parity=mark&databits=5", LinuxSerial.CS5, LinuxSerial.ParEnb | LinuxSerial.ParOdd | LinuxSerial.CMSpar)]
    [InlineData("parity=space", LinuxSerial.CS8, LinuxSerial.ParEnb | LinuxSerial.CMSpar)]
    public void Configure_Framing_SetsTheControlFlags(string query, uint size, uint framing)
    {
        // A pty ignores parity and character size (pty_set_termios forces CS8), so this is checked on
        // the struct: cfmakeraw and cfset*speed are plain libc functions, no device needed.
        Skip.IfNot(PseudoTerminal.IsSupported, "libc termios functions need Linux");
        var options = SerialSourceTests.Options("/dev/ttyS0", "epoll", "baud=9600&" + query);
        var t = new Termios { ControlFlags = LinuxSerial.ParEnb | LinuxSerial.ParOdd | LinuxSerial.CMSpar | LinuxSerial.CStopB | LinuxSerial.CRtsCts, InputFlags = LinuxSerial.IXon | LinuxSerial.IXoff };
        t.ControlChars[LinuxSerial.VMin] = 1;

        LinuxSerial.Configure(ref t, options);

        const uint Framing = LinuxSerial.CSize | LinuxSerial.ParEnb | LinuxSerial.ParOdd | LinuxSerial.CMSpar | LinuxSerial.CStopB;
        Assert.Equal(size | framing, t.ControlFlags & Framing);
        Assert.Equal(B9600, t.ControlFlags & CBaud);
        Assert.Equal(LinuxSerial.CLocal | LinuxSerial.CRead, t.ControlFlags & (LinuxSerial.CLocal | LinuxSerial.CRead | LinuxSerial.CRtsCts));
        Assert.Equal(0u, t.InputFlags & (LinuxSerial.IXon | LinuxSerial.IXoff));
        Assert.Equal(0, t.ControlChars[LinuxSerial.VMin]);
        Assert.Equal(options.Parity is Parity.None ? 0u : LinuxSerial.ParEnb, t.ControlFlags & LinuxSerial.ParEnb);
    }

    private static unsafe Termios Get(string slave)
    {
        using SafeFileHandle handle = File.OpenHandle(slave, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        Termios t;
        Assert.Equal(0, LinuxSerial.tcgetattr((int)handle.DangerousGetHandle(), &t));
        return t;
    }
}
