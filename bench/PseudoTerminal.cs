using System.Runtime.InteropServices;
using System.Text;

namespace BeidouHub.Bench;

/// <summary>
/// Pseudo-terminal masters for the benchmarks that feed a serial receiver (the load harness's pty
/// transport, <c>serial-cpu</c>): libc by P/Invoke, the master non-blocking so one feeder thread
/// can write many ports, and the thread CPU reading both report. (The tests have their own copy in
/// tests/BeidouHub.Testing/PseudoTerminal.cs, blocking and one per test: bench and tests share no project.)
/// </summary>
internal static partial class PseudoTerminal
{
    private const int ORdWr = 2;
    private const int ONoCtty = 0x100;
    private const int ONonBlock = 0x800;
    private const int FGetFl = 3;
    private const int FSetFl = 4;

    /// <summary>EAGAIN: the master's buffer is full (the slave's reader is behind).</summary>
    public const int EAgain = 11;

    /// <summary>Opens a non-blocking master; <paramref name="slave"/> is the /dev/pts path a receiver opens.</summary>
    public static int OpenMaster(out string slave)
    {
        int fd = posix_openpt(ORdWr | ONoCtty);
        if (fd < 0)
        {
            throw new IOException($"posix_openpt failed: errno {Marshal.GetLastPInvokeError()} (see /proc/sys/kernel/pty/max and /proc/sys/kernel/pty/nr)");
        }

        byte[] name = new byte[256];
        if (grantpt(fd) != 0 || unlockpt(fd) != 0 || ptsname_r(fd, name, (nuint)name.Length) != 0 || fcntl(fd, FSetFl, fcntl(fd, FGetFl, 0) | ONonBlock) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            _ = close(fd);
            throw new IOException($"grantpt/unlockpt/ptsname_r/fcntl failed: errno {errno}");
        }

        slave = Encoding.ASCII.GetString(name, 0, Array.IndexOf(name, (byte)0));
        return fd;
    }

    /// <summary>write(2) to a master: bytes taken, or -1 with the errno in <see cref="Marshal.GetLastPInvokeError"/>.</summary>
    public static unsafe nint Write(int fd, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* p = bytes)
        {
            return write(fd, p, (nuint)bytes.Length);
        }
    }

    public static void Close(int fd) => _ = close(fd);

    /// <summary>The calling thread's id, for <see cref="ThreadCpuTime"/>.</summary>
    public static int CurrentThreadId() => gettid();

    /// <summary>CPU time of one thread of this process (Linux), zero where unknown.</summary>
    public static TimeSpan ThreadCpuTime(int tid)
    {
        // utime and stime, fields 14 and 15 of /proc/self/task/TID/stat, in clock ticks (USER_HZ = 100).
        string path = $"/proc/self/task/{tid}/stat";
        if (tid == 0 || !File.Exists(path))
        {
            return TimeSpan.Zero;
        }

        string stat = File.ReadAllText(path);
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return TimeSpan.FromSeconds((long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / 100.0);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int posix_openpt(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int grantpt(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int unlockpt(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ptsname_r(int fd, [Out] byte[] buffer, nuint length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int command, int argument);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint write(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("libc")]
    private static partial int gettid();
}
