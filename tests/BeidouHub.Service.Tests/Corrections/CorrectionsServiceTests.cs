using System.Net.Sockets;
using System.Text;
using BeidouHub.Protocol.V1;
using BeidouHub.Service.Tests.Api;
using BeidouHub.Service.Tests.Support;
using BeidouHub.Service.Verbs;

namespace BeidouHub.Service.Tests.Corrections;

/// <summary>
/// BeidouHub:Corrections through the whole service: a receiver on TCP (a loopback listener playing a
/// serial-to-Ethernet converter), RTKLIB's str2str as the caster, the Receivers API read by a real
/// gRPC client, and the configuration's rules as `serve` meets them.
/// </summary>
public class CorrectionsServiceTests
{
    [SkippableFact]
    public async Task Serve_ReceiverWithAMountpoint_WaitsForAPositionThenForwardsRtcmAndReportsIt()
    {
        Skip.If(StrCaster.Executable is null, StrCaster.Absent);
        await using StrCaster caster = await StrCaster.StartAsync();
        using Socket station = await caster.BaseAsync();
        await using var feed = new ReceiverFeed();
        var logs = new ListLoggerProvider();
        await using ServiceFixture service = await ServiceFixture.StartAsync(TimeProvider.System, logs,
            "--BeidouHub:Receivers:0:Id=truck-1", $"--BeidouHub:Receivers:0:Source={feed.Uri}",
            $"--BeidouHub:Corrections:Mountpoints:0:Caster={caster.Url}/{StrCaster.Mountpoint}",
            $"--BeidouHub:Corrections:Mountpoints:0:User={StrCaster.User}", $"--BeidouHub:Corrections:Mountpoints:0:Password={StrCaster.Password}",
            "--BeidouHub:Corrections:Mountpoints:0:Version=V1", "--BeidouHub:Corrections:Mountpoints:0:Receivers:0=truck-*",
            "--Logging:LogLevel:BeidouHub.Receiver.Corrections=Information");
        var receivers = new Protocol.V1.Receivers.ReceiversClient(service.Channel);
        await feed.AcceptAsync();

        CorrectionStatus before = (await receivers.ListReceiversAsync(new ListReceiversRequest())).Receivers.Single().Corrections;
        Assert.Equal(CasterState.WaitingForPosition, before.State);
        Assert.Equal($"ntrip://127.0.0.1:{caster.CasterPort}/{StrCaster.Mountpoint}", before.Source);

        await feed.SendAsync(PositionsServiceTests.Track(27.8280));
        await Eventually.True(async () => (await receivers.ListReceiversAsync(new ListReceiversRequest())).Receivers.Single().Corrections.State == CasterState.Streaming, "streaming once the receiver has a position");

        byte[] gga = new byte[200];
        int n = await station.ReceiveAsync(gga).WaitAsync(TimeSpan.FromSeconds(30));
        string relayed = Encoding.ASCII.GetString(gga, 0, n);
        Assert.StartsWith("$GPGGA,", relayed, StringComparison.Ordinal);
        Assert.Contains(",2749.6800000,N,", relayed, StringComparison.Ordinal); // 27.828 degrees, from the hub's latest position

        byte[] rtcm = RtcmFrames.Stream(8);
        Task<byte[]> arriving = feed.ReceiveAsync(rtcm.Length);
        await station.SendAsync(rtcm);
        Assert.Equal(rtcm, await arriving);

        // Counted once the write has returned, which may be just after the peer has the bytes.
        CorrectionStatus after = before;
        await Eventually.True(async () => (after = (await receivers.ListReceiversAsync(new ListReceiversRequest())).Receivers.Single().Corrections).BytesForwarded == (ulong)rtcm.Length, "the forwarded bytes counted");
        Assert.Equal(32ul, after.Frames);
        Assert.Equal(8ul, after.MessageTypes[1124]);
        Assert.Equal((ulong)rtcm.Length, after.BytesForwarded);
        Assert.NotNull(after.CorrectionAge);
        Assert.DoesNotContain(StrCaster.Password, after.ToString(), StringComparison.Ordinal);
        Assert.Contains(logs.Lines, l => l.Message.Contains($"Corrections for truck-1: connected to ntrip://127.0.0.1:{caster.CasterPort}/{StrCaster.Mountpoint} (ICY 200 OK)", StringComparison.Ordinal));
    }

    public static TheoryData<string, string> BadValues => new()
    {
        { "Caster=ftp://caster", "BeidouHub:Corrections:Mountpoints:0:Caster: 'ftp://caster' is not a caster URL: ntrip://host:2101, http://host:2101, https://host:443 (TLS) or ntrips://host (TLS)" },
        { "Caster=ntrip://u:secret@caster:2101", "BeidouHub:Corrections:Mountpoints:0:Mountpoint: missing (or give it in the caster URL's path, ntrip://host:2101/MOUNT); 'beidouhub ntrip list ntrip://***@caster:2101' lists them" },
        { "Caster=ntrip://caster/M|Password=p", "BeidouHub:Corrections:Mountpoints:0:Password is set without User" },
        { "Caster=ntrip://caster/M|GgaInterval=00:00:00.5", "BeidouHub:Corrections:Mountpoints:0:GgaInterval: must be at least 1 s (was 00:00:00.5000000)" },
        { "Caster=ntrip://caster/M|BackoffCap=02:00:00", "BeidouHub:Corrections:Mountpoints:0:BackoffCap: must be at most 1 h (was 02:00:00)" },
        { "Caster=ntrip://caster/M|Receivers:0=gate-*", "BeidouHub:Corrections:Mountpoints:0:Receivers: [gate-*] matches no configured receiver" },
        { "Caster=ntrip://caster|Mountpoint=A B", "BeidouHub:Corrections:Mountpoints:0:Mountpoint: 'A B' is not a mountpoint name (printable ASCII without space, '/', '?', '#' or '%')" },
        { "Caster=ntrip://caster/M|CaFile=/nonexistent/ca.pem", "BeidouHub:Corrections:Mountpoints:0:CaFile: cannot read '/nonexistent/ca.pem': Could not find a part of the path '/nonexistent/ca.pem'." },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task Serve_OneBadCorrectionsValue_ExactlyItsLineAndExitOne(string values, string expected)
    {
        var stderr = new StringWriter();
        string[] receivers = values.Contains("Receivers:0=", StringComparison.Ordinal) ? [] : ["--BeidouHub:Corrections:Mountpoints:0:Receivers:0=truck-1"];

        int exit = await ServeVerb.RunAsync(
            ["--BeidouHub:Receivers:0:Id=truck-1", "--BeidouHub:Receivers:0:Source=sim://", .. receivers, .. values.Split('|').Select(v => "--BeidouHub:Corrections:Mountpoints:0:" + v)],
            stderr);

        Assert.Equal(1, exit);
        Assert.Equal([$"beidouhub: {expected}"], stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList());
    }

    [Fact]
    public async Task Serve_TwoMountpointsForOneReceiver_IsAnError()
    {
        var stderr = new StringWriter();

        int exit = await ServeVerb.RunAsync(
            [
                "--BeidouHub:Receivers:0:Id=truck-1", "--BeidouHub:Receivers:0:Source=sim://",
                "--BeidouHub:Corrections:Mountpoints:0:Caster=ntrip://a/M", "--BeidouHub:Corrections:Mountpoints:0:Receivers:0=*",
                "--BeidouHub:Corrections:Mountpoints:1:Caster=ntrip://b/N", "--BeidouHub:Corrections:Mountpoints:1:Receivers:0=truck-1",
            ],
            stderr);

        Assert.Equal(1, exit);
        Assert.Contains("BeidouHub:Corrections:Mountpoints:1:Receivers: receiver 'truck-1' is already served by BeidouHub:Corrections:Mountpoints:0 (one correction stream per receiver)", stderr.ToString(), StringComparison.Ordinal);
    }
}
