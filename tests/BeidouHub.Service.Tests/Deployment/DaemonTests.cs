using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using BeidouHub.Protocol.V1;
using Grpc.Net.Client;

namespace BeidouHub.Service.Tests.Deployment;

/// <summary>
/// <c>serve</c> as a Linux daemon, run as a process of its own: systemd's notify protocol and
/// journald's format when its parent is systemd, the console format otherwise, the configuration
/// file of <c>$CONFIGURATION_DIRECTORY</c> watched, SIGHUP read as "reload" (a real signal to a
/// real child: sent to the test host it would reach every test).
/// </summary>
public sealed partial class DaemonTests : IDisposable
{
    private static readonly string[] Quiet = ["--BeidouHub:Listen=http://127.0.0.1:0", "--BeidouHub:Web:Enabled=false", "--BeidouHub:Metrics:Enabled=false", "--BeidouHub:History:Enabled=false"];

    private readonly string _dir = Directory.CreateTempSubdirectory("beidouhub-daemon-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Microsoft.Extensions.Hosting.Systemd decides "started by systemd" from the parent process's
    // name (/proc/PPID/comm is "systemd"): a shell copied under that name is such a parent, and
    // the notify socket is a real one bound here. systemd itself is not PID 1 in this container.
    [SkippableFact]
    public async Task Serve_ParentIsSystemd_NotifiesReadyAndStoppingAndLogsInJournaldFormat()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && File.Exists("/bin/sh"), "needs Linux and /bin/sh");
        string shell = Path.Combine(_dir, "systemd");
        File.Copy("/bin/sh", shell); // with its mode: executable
        string socketPath = Path.Combine(_dir, "notify");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));

        // "; exit $?" keeps the shell from exec'ing dotnet: it stays the parent.
        using ServiceProcess parent = ServiceProcess.Start(shell, ["-c", "\"$0\" \"$@\"; exit $?", "dotnet", Path.Combine(AppContext.BaseDirectory, "beidouhub.dll"), .. Quiet], new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = socketPath });
        Assert.Equal("READY=1", await ReceiveAsync(notify, parent));
        Uri address = await parent.AddressAsync();
        string listening = parent.Lines.First(l => l.Contains("BeidouHub listening on", StringComparison.Ordinal));
        Assert.StartsWith("<6>BeidouHub[300] BeidouHub listening on " + address.OriginalString.TrimEnd('/'), listening, StringComparison.Ordinal);
        Assert.DoesNotMatch(Timestamp(), parent.Output);

        int service = ChildOf(parent.Id);
        using (System.Diagnostics.Process kill = System.Diagnostics.Process.Start("kill", ["-TERM", service.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
        {
            await kill.WaitForExitAsync();
        }

        Assert.Equal("STOPPING=1", await ReceiveAsync(notify, parent));
        Assert.Equal(0, await parent.WaitForExitAsync());
    }

    [Fact]
    public async Task Serve_NotStartedBySystemd_KeepsTheConsoleFormatWithUtcTime()
    {
        using ServiceProcess service = ServiceProcess.StartBuilt(Quiet, new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = null, ["CONFIGURATION_DIRECTORY"] = null });
        await service.AddressAsync();
        string listening = service.Lines.First(l => l.Contains("BeidouHub listening on", StringComparison.Ordinal));
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d info: BeidouHub\[300\] ", listening);
        service.Signal("TERM");
        Assert.Equal(0, await service.WaitForExitAsync());
    }

    [Fact]
    public async Task Serve_ConfigurationFileChangesAndSighup_AppliesLiveKeysNamesRestartKeysAndKeepsRunning()
    {
        string etc = Directory.CreateDirectory(Path.Combine(_dir, "etc")).FullName;
        string file = Path.Combine(etc, "beidouhub.json");
        await File.WriteAllTextAsync(file, """{ "BeidouHub": { "Integrity": { "MaxCorrectionAgeSeconds": 10 }, "SummaryInterval": "00:01:00" } }""");
        using ServiceProcess service = ServiceProcess.StartBuilt(Quiet, new Dictionary<string, string?> { ["CONFIGURATION_DIRECTORY"] = etc, ["NOTIFY_SOCKET"] = null });
        Uri address = await service.AddressAsync();
        Assert.Contains(service.Lines, l => l.Contains($"configuration file {file} (read)", StringComparison.Ordinal));

        await File.WriteAllTextAsync(file, """{ "BeidouHub": { "Integrity": { "MaxCorrectionAgeSeconds": 12 }, "SummaryInterval": "00:02:00", "Zones": [] } }""");
        await Eventually.True(() => service.Lines.Any(l => l.Contains("configuration: BeidouHub:SummaryInterval changed; the running service keeps its value until it is restarted", StringComparison.Ordinal)), "the restart line for SummaryInterval\n" + service.Output);
        await Eventually.True(() => service.Lines.Any(l => l.Contains("configuration: BeidouHub:Integrity:MaxCorrectionAgeSeconds changed; applied to the running service", StringComparison.Ordinal)), "the applied line for the integrity threshold\n" + service.Output);

        service.Signal("HUP");
        await Eventually.True(() => service.Lines.Any(l => l.Contains("SIGHUP: reading the configuration again", StringComparison.Ordinal)), "the SIGHUP line\n" + service.Output);
        using GrpcChannel channel = GrpcChannel.ForAddress(address);
        ListReceiversResponse receivers = await new Protocol.V1.Receivers.ReceiversClient(channel).ListReceiversAsync(new ListReceiversRequest());
        Assert.Equal(3, receivers.Receivers.Count);
        Assert.False(service.HasExited, "SIGHUP ended the service\n" + service.Output);

        // One line per changed key: the file's second write and the reload repeat none.
        Assert.Single(service.Lines, l => l.Contains("BeidouHub:SummaryInterval changed", StringComparison.Ordinal));
        service.Signal("TERM");
        Assert.Equal(0, await service.WaitForExitAsync());
    }

    private static async Task<string> ReceiveAsync(Socket socket, ServiceProcess from)
    {
        byte[] buffer = new byte[512];
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token);
            return Encoding.ASCII.GetString(buffer, 0, n).Trim();
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("no notification on the socket within 60 s:\n" + from.Output);
            throw;
        }
    }

    private static int ChildOf(int pid)
    {
        string children = File.ReadAllText($"/proc/{pid}/task/{pid}/children").Trim();
        Assert.False(children.Length == 0, $"process {pid} has no child");
        return int.Parse(children.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", RegexOptions.Multiline)]
    private static partial Regex Timestamp();
}
