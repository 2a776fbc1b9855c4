using System.Runtime.Versioning;
using System.Text;
using BeidouHub.Receiver.Sources;
using BeidouHub.Receiver.Tests.Support;

namespace BeidouHub.Receiver.Tests.Sources;

/// <summary>Both serial paths (System.IO.Ports and the shared epoll thread) over a real pseudo-terminal.</summary>
public class SerialSourceTests
{
    public static TheoryData<string> IoModes => new() { "ports", "epoll" };

    [SkippableTheory]
    [MemberData(nameof(IoModes))]
    public async Task OpenAsync_PseudoTerminalSlave_ReadsWhatMasterWrites(string io)
    {
        Skip.IfNot(PseudoTerminal.IsSupported, "pseudo-terminals need Linux");
        using var pty = PseudoTerminal.Open();
        IByteSource source = Source(pty.SlavePath, io);

        await using Stream stream = await source.OpenAsync(CancellationToken.None);
        byte[] sent = Encoding.ASCII.GetBytes(ExampleLines.F9rGga + "\r\n");
        pty.Write(sent);
        byte[] got = await ReadExactly(stream, sent.Length);

        Assert.Equal(sent, got);
    }

    [SkippableTheory]
    [MemberData(nameof(IoModes))]
    public async Task OpenAsync_PortMissing_IOExceptionSaysDoesNotExist(string io)
    {
        Skip.IfNot(PseudoTerminal.IsSupported, "the epoll source needs Linux");
        IByteSource source = Source("/dev/beidouhub-no-such-tty", io);

        var e = await Assert.ThrowsAsync<IOException>(() => source.OpenAsync(CancellationToken.None));

        Assert.Equal("/dev/beidouhub-no-such-tty does not exist (receiver unplugged, or another name?)", e.Message);
    }

    [SkippableFact]
    public async Task OpenAsync_EpollNotATty_IOExceptionSaysNotASerialDevice()
    {
        Skip.IfNot(PseudoTerminal.IsSupported, "the epoll source needs Linux");
        string file = Path.GetTempFileName();
        try
        {
            var e = await Assert.ThrowsAsync<IOException>(() => Source(file, "epoll").OpenAsync(CancellationToken.None));
            Assert.Contains("is not a serial device", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [SkippableFact]
    public async Task ReadAsync_EpollIdleThenBytesInManyWrites_EveryReadCompletesWithTheNextBytes()
    {
        // Each round waits for the read to be pending (the poller armed) before writing: this is the
        // path where the poller, not the first try, completes the read, 200 times on one stream.
        Skip.IfNot(PseudoTerminal.IsSupported, "pseudo-terminals need Linux");
        using var pty = PseudoTerminal.Open();
        await using Stream stream = await Source(pty.SlavePath, "epoll").OpenAsync(CancellationToken.None);
        byte[] buffer = new byte[64];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        for (int i = 0; i < 200; i++)
        {
            ValueTask<int> read = stream.ReadAsync(buffer, timeout.Token);
            Assert.False(read.IsCompleted, $"round {i}: nothing was written yet");
            byte[] sent = Encoding.ASCII.GetBytes($"round {i}\n");
            pty.Write(sent);
            int n = await read;
            byte[] rest = await ReadExactly(stream, sent.Length - n);
            Assert.Equal(sent, buffer.AsSpan(0, n).ToArray().Concat(rest));
        }
    }

    [SkippableFact]
    public async Task ReadAsync_EpollCancelledWhilePending_ThrowsAndTheNextReadGetsTheBytes()
    {
        Skip.IfNot(PseudoTerminal.IsSupported, "pseudo-terminals need Linux");
        using var pty = PseudoTerminal.Open();
        await using Stream stream = await Source(pty.SlavePath, "epoll").OpenAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        ValueTask<int> pending = stream.ReadAsync(new byte[16], cancel.Token);
        Assert.False(pending.IsCompleted);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        byte[] sent = Encoding.ASCII.GetBytes("$GNTXT,after cancel\r\n");
        pty.Write(sent);
        byte[] got = await ReadExactly(stream, sent.Length);

        Assert.Equal(sent, got);
    }

    [SkippableFact]
    public async Task ReadAsync_EpollMasterClosed_StreamEnds()
    {
        Skip.IfNot(PseudoTerminal.IsSupported, "pseudo-terminals need Linux");
        var pty = PseudoTerminal.Open();
        await using Stream stream = await Source(pty.SlavePath, "epoll").OpenAsync(CancellationToken.None);
        byte[] sent = Encoding.ASCII.GetBytes("$GNTXT,last words\r\n");
        pty.Write(sent);
        byte[] got = await ReadExactly(stream, sent.Length);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        ValueTask<int> pending = stream.ReadAsync(new byte[16], timeout.Token);

        pty.Dispose(); // unplug while a read is pending
        int n = await pending;

        Assert.Equal(sent, got);
        Assert.Equal(0, n);
    }

    [SkippableFact]
    [SupportedOSPlatform("linux")]
    public async Task Dispose_EpollWhileReadPending_ReadEndsAndPortLeavesThePoller()
    {
        Skip.IfNot(PseudoTerminal.IsSupported, "pseudo-terminals need Linux");
        using var pty = PseudoTerminal.Open();
        using var poller = new SerialPoller();
        var source = new EpollSerialSource(Options(pty.SlavePath, "epoll"), poller);
        Stream stream = await source.OpenAsync(CancellationToken.None);
        ValueTask<int> pending = stream.ReadAsync(new byte[16]);
        Assert.Equal(1, poller.Count);

        await stream.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => pending.AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, poller.Count);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => _ = await stream.ReadAsync(new byte[16]));
    }

    [SkippableFact]
    [SupportedOSPlatform("linux")]
    public void Dispose_Poller_ThreadEnds()
    {
        Skip.IfNot(PseudoTerminal.IsSupported, "epoll needs Linux");
        var poller = new SerialPoller();
        Assert.True(poller.IsRunning);

        poller.Dispose();

        Assert.False(poller.IsRunning);
    }

    internal static IByteSource Source(string port, string io) => ByteSources.Create(Options(port, io));

    internal static SerialSourceOptions Options(string port, string io, string query = "baud=115200") =>
        (SerialSourceOptions)SourceOptions.Parse($"serial://{port}?{query}&io={io}");

    internal static async Task<byte[]> ReadExactly(Stream stream, int count)
    {
        byte[] got = new byte[count];
        int n = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (n < got.Length)
        {
            int read = await stream.ReadAsync(got.AsMemory(n), timeout.Token);
            Assert.True(read > 0, $"end of stream after {n} of {count} bytes");
            n += read;
        }

        return got;
    }
}
