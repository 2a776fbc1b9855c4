using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace BeidouHub.Testing;

/// <summary>
/// A real NTRIP caster for the corrections tests: RTKLIB's <c>str2str</c> (Debian package rtklib)
/// serving one mountpoint (<c>-out ntripc://user:pw@:PORT/MNT:table</c>), fed by the test through
/// str2str's own TCP server input (<see cref="BaseAsync"/>, standing for the base station), with
/// <c>-b 1</c> relaying what caster clients send (their GGA) back to that input. str2str answers
/// NTRIP 1.0 (<c>ICY 200 OK</c>) to 1.0 and 2.0 requests alike, and its source table to a request
/// for a mountpoint it does not have. Started and killed by its pid; <see cref="RestartAsync"/> starts
/// it again on the same ports.
/// </summary>
public sealed class StrCaster : IAsyncDisposable
{
    public const string Mountpoint = "ZHUZ00CHN0";
    public const string User = "park";
    public const string Password = "s3cret";

    // str2str puts "STR;MNT;" before this itself.
    private const string Table = "Zhuzhou;RTCM 3.3;1005(10),1074(1),1124(1),1230(10);2;GPS+BDS;BeidouHub;CHN;27.83;113.13;1;0;str2str;none;B;N;9600;test";

    private Process? _process;

    private StrCaster(string exe, int basePort, int casterPort)
    {
        Exe = exe;
        BasePort = basePort;
        CasterPort = casterPort;
    }

    /// <summary>str2str on PATH, or null (then tests skip with <see cref="Absent"/>).</summary>
    public static string? Executable => FindOnPath("str2str");

    public const string Absent = "str2str (Debian package rtklib) is not installed: apt-get install rtklib";

    public string Exe { get; }

    /// <summary>The port the base station's bytes go in (str2str's tcpsvr input).</summary>
    public int BasePort { get; }

    /// <summary>The caster's port.</summary>
    public int CasterPort { get; }

    public string Url => $"ntrip://127.0.0.1:{CasterPort}";

    public int? ProcessId => _process?.Id;

    public static async Task<StrCaster> StartAsync()
    {
        var caster = new StrCaster(Executable ?? throw new InvalidOperationException(Absent), FreePort(), FreePort());
        await caster.RunAsync().ConfigureAwait(false);
        return caster;
    }

    /// <summary>Connects as the base station: write RTCM into it, read the relayed GGA from it.</summary>
    public async Task<Socket> BaseAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, BasePort).ConfigureAwait(false);
        return socket;
    }

    /// <summary>Kills the process (by its pid) and waits for it to end: a caster that went down.</summary>
    public async Task KillAsync()
    {
        if (_process is { } p)
        {
            if (!p.HasExited)
            {
                p.Kill();
            }

            await p.WaitForExitAsync().ConfigureAwait(false);
            p.Dispose();
            _process = null;
        }
    }

    public async Task RestartAsync()
    {
        await KillAsync().ConfigureAwait(false);
        await RunAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await KillAsync().ConfigureAwait(false);

    private async Task RunAsync()
    {
        var start = new ProcessStartInfo(Exe)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { "-in", $"tcpsvr://:{BasePort}", "-out", $"ntripc://{User}:{Password}@:{CasterPort}/{Mountpoint}:{Table}", "-b", "1" })
        {
            start.ArgumentList.Add(a);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("str2str did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        // Listening when a connection to the caster port is accepted (str2str binds both at start).
        await Eventually.True(async () =>
        {
            Assert.False(_process.HasExited, $"str2str exited with {(_process.HasExited ? _process.ExitCode : 0)}");
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, CasterPort).ConfigureAwait(false);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, "str2str listens").ConfigureAwait(false);
    }

    private static int FreePort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    private static string? FindOnPath(string name)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            string candidate = Path.Combine(dir, name);
            if (dir.Length > 0 && File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
