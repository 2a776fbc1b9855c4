using BeidouHub.Protocol.V1;
using BeidouHub.Service.Tests.Support;
using Microsoft.Extensions.Logging;

namespace BeidouHub.Service.Tests.Receivers;

/// <summary>
/// A receiver named by a stable /dev/serial/by-id link (README: "Installing on a park's Linux box")
/// that is absent at start, as a receiver unplugged at boot: the service starts, reports it
/// Disconnected with the reason and a log line, retries, and reads it once the link appears (a
/// real pseudo-terminal behind a real symlink, as udev makes them).
/// </summary>
public sealed class SerialByIdTests : IDisposable
{
    private readonly string _byId = Directory.CreateTempSubdirectory("beidouhub-by-id-").FullName;

    public void Dispose() => Directory.Delete(_byId, recursive: true);

    [SkippableFact]
    public async Task Serve_ByIdLinkAbsentAtStart_ReportedPerReceiverThenReadWhenTheLinkAppears()
    {
        Skip.IfNot(PseudoTerminal.IsSupported, "pseudo-terminals need Linux");
        string link = Path.Combine(_byId, "usb-u-blox_AG_-_www.u-blox.com_u-blox_GNSS_receiver-if00");
        var logs = new ListLoggerProvider();
        await using ServiceFixture service = await ServiceFixture.StartAsync(TimeProvider.System, logs,
            "--Logging:LogLevel:Default=Information",
            "--BeidouHub:Receivers:0:Id=gate-1", $"--BeidouHub:Receivers:0:Source=serial://{link}?baud=115200",
            "--BeidouHub:Receivers:1:Id=replay-1", $"--BeidouHub:Receivers:1:Source=replay://{Repo.Seed("park-handheld-bd-walk.nmea")}?speed=1&loop=true",
            "--BeidouHub:Receivers:0:BackoffCap=00:00:00.2");
        var receivers = new Protocol.V1.Receivers.ReceiversClient(service.Channel);

        ReceiverStatus? gate = null;
        await Eventually.True(async () => (gate = await Gate()).State == ConnectionState.Disconnected, "gate-1 reported Disconnected");
        Assert.Contains("does not exist", gate!.LastError, StringComparison.Ordinal);
        Assert.Contains(logs.Lines, l => l.Level == LogLevel.Warning && l.Message.StartsWith("Receiver gate-1: ", StringComparison.Ordinal) && l.Message.Contains(link + " does not exist", StringComparison.Ordinal));
        await Eventually.True(async () => (await receivers.ListReceiversAsync(new ListReceiversRequest())).Receivers.Single(r => r.Id == "replay-1").Epochs > 0, "the other receiver runs meanwhile");

        // Plugged in: udev makes the link to the new tty.
        using var pty = PseudoTerminal.Open();
        File.CreateSymbolicLink(link, pty.SlavePath);
        string[] lines = [.. File.ReadLines(Repo.Seed("park-gate-outage.nmea")).Where(l => l.StartsWith('$')).Take(200)];
        using var stop = new CancellationTokenSource();
        Task feed = Task.Run(async () =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i = (i + 1) % lines.Length)
            {
                pty.Write(System.Text.Encoding.ASCII.GetBytes(lines[i] + "\r\n"));
                await Task.Delay(i % 10 == 0 ? 20 : 0);
            }
        });

        await Eventually.True(async () => (gate = await Gate()) is { State: ConnectionState.Connected, Epochs: > 0 }, "gate-1 connected and reading epochs");
        Assert.Contains(logs.Lines, l => l.Message == $"Receiver gate-1 connected to serial://{link}?baud=115200");
        await stop.CancelAsync();
        await feed;

        async Task<ReceiverStatus> Gate() => (await receivers.ListReceiversAsync(new ListReceiversRequest())).Receivers.Single(r => r.Id == "gate-1");
    }
}
