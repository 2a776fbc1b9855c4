using System.Net;
using System.Net.Sockets;
using BeidouHub.Service.Verbs;

namespace BeidouHub.Service.Tests.Verbs;

/// <summary>`beidouhub ntrip list` against RTKLIB's str2str as the caster.</summary>
public class NtripVerbTests
{
    [SkippableFact]
    public async Task List_Str2strCaster_PrintsItsMountpointAsAColumnRow()
    {
        Skip.If(StrCaster.Executable is null, StrCaster.Absent);
        await using StrCaster caster = await StrCaster.StartAsync();
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = await NtripVerb.RunAsync(["list", caster.Url, "--version", "1"], stdout, stderr, CancellationToken.None);

        Assert.True(exit == 0, stderr.ToString());
        string[] lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"ntrip://127.0.0.1:{caster.CasterPort}: 1 mountpoint(s)", lines[0]);
        Assert.Equal(["MOUNTPOINT", "IDENTIFIER", "FORMAT", "SYSTEMS", "CARRIER", "LAT", "LON", "GGA", "AUTH", "FEE", "BITRATE", "MESSAGES"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["ZHUZ00CHN0", "Zhuzhou", "RTCM", "3.3", "GPS+BDS", "L1+L2", "27.83", "113.13", "yes", "basic", "no", "9600", "1005(10),1074(1),1124(1),1230(10)"], lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(lines[1].IndexOf("SYSTEMS", StringComparison.Ordinal), lines[2].IndexOf("GPS+BDS", StringComparison.Ordinal));
    }

    [Fact]
    public async Task List_NothingListening_ExitOneWithOneLine()
    {
        // A bound socket that does not listen: connections are refused, the port stays ours.
        using var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)closed.LocalEndPoint!).Port;
        var stderr = new StringWriter();

        int exit = await NtripVerb.RunAsync(["list", $"ntrip://127.0.0.1:{port}"], new StringWriter(), stderr, CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.StartsWith($"ntrip: ntrip://127.0.0.1:{port}: ", stderr.ToString(), StringComparison.Ordinal);
        Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData(new[] { "--help" }, 0)]
    [InlineData(new[] { "list", "--help" }, 0)]
    [InlineData(new[] { "list" }, 2)]
    [InlineData(new[] { "lsit", "ntrip://x" }, 2)]
    [InlineData(new[] { "list", "ftp://x" }, 2)]
    [InlineData(new[] { "list", "ntrip://x", "--version", "3" }, 2)]
    public async Task Run_HelpOrUsageError_ExitCodeAndWhereItGoes(string[] args, int expected)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = await NtripVerb.RunAsync(args, stdout, stderr, CancellationToken.None);

        Assert.Equal(expected, exit);
        if (expected == 0)
        {
            Assert.StartsWith("usage: beidouhub ntrip list URL", stdout.ToString(), StringComparison.Ordinal);
            Assert.Empty(stderr.ToString());
        }
        else
        {
            Assert.StartsWith("ntrip: ", stderr.ToString(), StringComparison.Ordinal);
            Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
    }
}
