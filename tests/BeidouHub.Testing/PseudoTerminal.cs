using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace BeidouHub.Testing;

/// <summary>
/// A real pseudo-terminal pair (posix_openpt/grantpt/unlockpt/ptsname_r): the test writes to the
/// master side, System.IO.Ports opens the slave side as if it were /dev/ttyUSB0. Disposing closes
/// the master, which is what a receiver's USB cable being pulled looks like to the reader (EIO).
/// </summary>
public sealed partial class PseudoTerminal : IDisposable
{
    private const int ORdWr = 2;
    private const int ONoCtty = 0x100;

    private readonly SafeFileHandle _master;
    private readonly FileStream _stream;

    private PseudoTerminal(SafeFileHandle master, string slavePath)
    {
        _master = master;
        SlavePath = slavePath;
        _stream = new FileStream(master, FileAccess.ReadWrite, 1);
    }

    public string SlavePath { get; }

    public static bool IsSupported => OperatingSystem.IsLinux();

    public static PseudoTerminal Open()
    {
        int fd = posix_openpt(ORdWr | ONoCtty);
        if (fd < 0)
        {
            throw new IOException($"posix_openpt failed: errno {Marshal.GetLastPInvokeError()}");
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        byte[] name = new byte[256];
        if (grantpt(fd) != 0 || unlockpt(fd) != 0 || ptsname_r(fd, name, (nuint)name.Length) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            handle.Dispose();
            throw new IOException($"grantpt/unlockpt/ptsname_r failed: errno {errno}");
        }

        return new PseudoTerminal(handle, Encoding.ASCII.GetString(name, 0, Array.IndexOf(name, (byte)0)));
    }

    /// <summary>Writes to the master (what the receiver sends); blocks while the slave's input queue is full.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        _stream.Write(data);
        _stream.Flush();
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes from the master (what was written to the receiver), or fails after <paramref name="seconds"/>.</summary>
    public async Task<byte[]> ReadAsync(int count, double seconds = 30)
    {
        byte[] buffer = new byte[count];
        Task read = Task.Run(() => _stream.ReadExactly(buffer));
        if (await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(seconds))) != read)
        {
            Assert.Fail($"timed out after {seconds} s reading {count} bytes from the pty master");
        }

        await read;
        return buffer;
    }

    public void Dispose()
    {
        _stream.Dispose();
        _master.Dispose();
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int posix_openpt(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int grantpt(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int unlockpt(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ptsname_r(int fd, [Out] byte[] buffer, nuint length);
}
