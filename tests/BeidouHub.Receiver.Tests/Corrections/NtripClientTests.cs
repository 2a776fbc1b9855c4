using System.Net.Sockets;
using System.Text;
using BeidouHub.Receiver.Corrections;
using BeidouHub.Receiver.Nmea;
using BeidouHub.Receiver.Nmea.Sentences;
using BeidouHub.Receiver.Tests.Support;
using BeidouHub.Receiver.Tests.Workers;
using BeidouHub.Receiver.Workers;
using Microsoft.Extensions.Time.Testing;

namespace BeidouHub.Receiver.Tests.Corrections;

/// <summary>
/// The NTRIP client against a real caster (RTKLIB's str2str, see <see cref="StrCaster"/>) and a
/// receiver on a real pseudo-terminal; NTRIP 2.0 chunking and TLS against <see cref="TinyCaster"/>.
/// Backoff, GGA interval and read timeout run on a FakeTimeProvider the test moves.
/// </summary>
[Collection(nameof(SerialWorkerTests))]
public class NtripClientTests
{
    private static readonly GgaPosition Gate = new(27.8583123, 113.1701456, 58.2, -12.5, 4, 18, 0.7, 1.0, 1234);

    [SkippableFact]
    public async Task RunAsync_Str2strCaster_RtcmArrivesUnchangedAtThePtyGgaGoesUpAndACasterRestartIsSurvived()
    {
        Skip.If(StrCaster.Executable is null, StrCaster.Absent);
        Skip.IfNot(PseudoTerminal.IsSupported, "pseudo-terminals need Linux");
        await using StrCaster caster = await StrCaster.StartAsync();
        using var pty = PseudoTerminal.Open();
        using ReceiverWorker receiver = SerialWorkerTests.Worker(pty.SlavePath, new ConcurrentSink(), io: "epoll", id: "truck-1");
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-05T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var log = new ListLogger();
        var client = new NtripClient(Options(caster, NtripVersion.V2), () => Gate, receiver.TryWriteAsync, log, time);
        using var stop = new CancellationTokenSource();
        Task receiving = receiver.RunAsync(stop.Token);
        Task running = client.RunAsync(stop.Token);
        try
        {
            await Eventually.True(() => receiver.AcceptsWrites, "the receiver's pty is open");
            Socket station = await caster.BaseAsync();
            await Eventually.True(() => client.State == CasterState.Streaming, "connected to str2str");

            // The first GGA arrives at the base through str2str's relay (-b 1), at connect.
            var upstream = new Upstream(station);
            await Eventually.True(() => upstream.Lines.Count >= 1, "the first GGA relayed by the caster");
            AssertGga(upstream.Lines[0], time.GetUtcNow());

            byte[] rtcm = RtcmFrames.Stream(40);
            // Read as it comes: a pty master nobody reads holds about 4 kB, then the receiver's
            // writes wait, and so does the client's next read from the caster.
            Task<byte[]> arriving = pty.ReadAsync(rtcm.Length);
            await SendPacedAsync(station, rtcm, client);
            Assert.Equal(rtcm, await arriving);

            // Counted once the write has returned, which may be just after the pty has the bytes.
            await Eventually.True(() => client.Snapshot().BytesForwarded == rtcm.Length, "the forwarded bytes counted");
            NtripStatus status = client.Snapshot();
            Assert.Equal(160, status.Frames);
            Assert.Equal(0, status.BadFrames);
            Assert.Equal(40, status.MessageTypes[1124]);
            Assert.Equal([1005, 1074, 1124, 1230], status.MessageTypes.Keys.Order());
            Assert.Equal(TimeSpan.Zero, status.CorrectionAge);

            // Every GGA interval another one goes up; the correction age grows with the clock.
            time.Advance(TimeSpan.FromSeconds(5));
            await Eventually.True(() => upstream.Lines.Count >= 2, "the second GGA after the interval");
            AssertGga(upstream.Lines[1], time.GetUtcNow());
            Assert.Equal(TimeSpan.FromSeconds(5), client.Snapshot().CorrectionAge);

            // The caster goes down (killed by its pid) and comes back on the same ports.
            await caster.KillAsync();
            await Eventually.True(() => client.State == CasterState.Disconnected, "the loss is noticed");
            Assert.Contains(log.Lines, l => l.Message.Contains("lost", StringComparison.Ordinal) && l.Message.Contains("reconnecting in", StringComparison.Ordinal));
            await caster.RestartAsync();
            station.Dispose();
            station = await caster.BaseAsync();
            await Eventually.True(() =>
            {
                time.Advance(TimeSpan.FromSeconds(1));
                return client.State == CasterState.Streaming && client.Snapshot().Connections == 2;
            }, "reconnected after the backoff");

            // Bytes flow again: a real capture (NMEA, UBX and RTCM 3 interleaved) when the corpus is
            // here, else frames with garbage between; exactly the good frames reach the receiver.
            byte[] second = RtcmFrames.CorpusCapture is { } capture ? File.ReadAllBytes(capture) : [.. "$GPTXT,garbage\r\n"u8, .. RtcmFrames.Stream(10, seed: 7), 0xD3, 0x00, 0x04, 1, 2];
            byte[] expected = RtcmFrames.Extract(second);
            arriving = pty.ReadAsync(expected.Length);
            await SendPacedAsync(station, second, client);
            Assert.Equal(expected, await arriving);
            station.Dispose();
        }
        finally
        {
            await stop.CancelAsync();
            await running;
            await receiving;
        }

        Assert.Equal(CasterState.Stopped, client.State);
    }

    [SkippableFact]
    public async Task RunAsync_NoPositionYet_DoesNotConnectUntilThereIsOne()
    {
        Skip.If(StrCaster.Executable is null, StrCaster.Absent);
        await using StrCaster caster = await StrCaster.StartAsync();
        using Socket station = await caster.BaseAsync();
        var upstream = new Upstream(station);
        var time = new FakeTimeProvider();
        GgaPosition? position = null;
        int asked = 0;
        var client = new NtripClient(Options(caster, NtripVersion.V1), () =>
        {
            Interlocked.Increment(ref asked);
            return position;
        }, (_, _) => ValueTask.FromResult(true), new ListLogger(), time);
        using var stop = new CancellationTokenSource();
        Task running = client.RunAsync(stop.Token);
        try
        {
            // Ten polls of the position (a second apart on the test's clock), and no connection.
            await Eventually.True(() =>
            {
                if (Volatile.Read(ref asked) < 10)
                {
                    time.Advance(TimeSpan.FromSeconds(1));
                }

                return Volatile.Read(ref asked) >= 10;
            }, "the client asks for a position");
            Assert.Equal(CasterState.WaitingForPosition, client.State);
            Assert.Equal(0, client.Snapshot().Connections);
            Assert.Empty(upstream.Lines);

            position = Gate;
            await Eventually.True(() =>
            {
                time.Advance(TimeSpan.FromSeconds(1));
                return client.State == CasterState.Streaming;
            }, "connects once there is a position");
            await Eventually.True(() => upstream.Lines.Count >= 1, "its GGA");
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
    }

    [SkippableFact]
    public async Task RunAsync_PositionGoneWhileStreaming_GivesTheConnectionUpUntilItIsBack()
    {
        Skip.If(StrCaster.Executable is null, StrCaster.Absent);
        await using StrCaster caster = await StrCaster.StartAsync();
        using Socket station = await caster.BaseAsync();
        var time = new FakeTimeProvider();
        var log = new ListLogger();
        GgaPosition? position = Gate;
        var client = new NtripClient(Options(caster, NtripVersion.V1), () => position, (_, _) => ValueTask.FromResult(true), log, time);
        using var stop = new CancellationTokenSource();
        Task running = client.RunAsync(stop.Token);
        try
        {
            await Eventually.True(() => client.State == CasterState.Streaming, "connected");

            // The receiver is unplugged: at the next GGA interval the client hangs up.
            position = null;
            time.Advance(TimeSpan.FromSeconds(5));
            await Eventually.True(() => client.State == CasterState.Disconnected, "the connection given up");
            Assert.Contains(log.Lines, l => l.Message.Contains("the receiver is no longer connected here", StringComparison.Ordinal));
            await Eventually.True(() =>
            {
                time.Advance(TimeSpan.FromSeconds(1));
                return client.State == CasterState.WaitingForPosition;
            }, "waits for the receiver after the backoff");
            Assert.Equal(1, client.Snapshot().Connections);

            position = Gate;
            await Eventually.True(() =>
            {
                time.Advance(TimeSpan.FromSeconds(1));
                return client.State == CasterState.Streaming && client.Snapshot().Connections == 2;
            }, "connects again once the receiver is back");
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
    }

    [SkippableTheory]
    [InlineData("wrong-password", StrCaster.Mountpoint, CasterState.Unauthorized, "refused user 'park'")]
    [InlineData(StrCaster.Password, "NOSUCHMOUNT", CasterState.MountpointMissing, "has no mountpoint 'NOSUCHMOUNT': it returned its source table (1 mountpoints: ZHUZ00CHN0)")]
    public async Task RunAsync_Refused_SaysWhyAndWaitsTheWholeCap(string password, string mountpoint, CasterState state, string line)
    {
        Skip.If(StrCaster.Executable is null, StrCaster.Absent);
        await using StrCaster caster = await StrCaster.StartAsync();
        var time = new FakeTimeProvider();
        var log = new ListLogger();
        NtripClientOptions options = Options(caster, NtripVersion.V1) with { Password = password, Mountpoint = mountpoint };
        var client = new NtripClient(options, () => Gate, (_, _) => ValueTask.FromResult(true), log, time);
        using var stop = new CancellationTokenSource();
        Task running = client.RunAsync(stop.Token);
        try
        {
            await Eventually.True(() => client.State == state, $"state {state}");
            Assert.Contains(log.Lines, l => l.Message.Contains(line, StringComparison.Ordinal) && l.Message.Contains("trying again in 60 s", StringComparison.Ordinal));
            Assert.Equal(0, client.Snapshot().Connections);
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
    }

    [SkippableFact]
    public async Task FetchAsync_Str2strCaster_ParsesItsMountpoint()
    {
        Skip.If(StrCaster.Executable is null, StrCaster.Absent);
        await using StrCaster caster = await StrCaster.StartAsync();
        Assert.True(NtripEndpoint.TryParse(caster.Url, out NtripEndpoint? endpoint, out _));
        NtripSourceTable table = await NtripSourceTable.FetchAsync(endpoint!, null, null, NtripVersion.V2, TimeSpan.FromSeconds(10), null, CancellationToken.None);

        NtripMountpoint mount = Assert.Single(table.Mountpoints);
        Assert.Equal(StrCaster.Mountpoint, mount.Mountpoint);
        Assert.Equal("Zhuzhou", mount.Identifier);
        Assert.Equal("RTCM 3.3", mount.Format);
        Assert.Equal("GPS+BDS", mount.NavSystems);
        Assert.Equal(27.83, mount.Latitude);
        Assert.Equal(113.13, mount.Longitude);
        Assert.True(mount.NeedsGga);
        Assert.Equal("B", mount.Authentication);
        Assert.Equal(9600, mount.Bitrate);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_Ntrip2Chunked_DeChunksFramesCutAnywhereAndSendsTheRequestAndGga(bool tls)
    {
        using var caster = new TinyCaster(tls);
        byte[] rtcm = RtcmFrames.Stream(5);
        // Cuts inside a header, inside a CRC, and right at a frame boundary.
        List<byte[]> body = TinyCaster.Chunked(rtcm, last: false, 1, 2, 200, 447, rtcm.Length - 3);
        using var stop = new CancellationTokenSource();
        Task serving = caster.ServeOneAsync("HTTP/1.1 200 OK\r\nNtrip-Version: Ntrip/2.0\r\nContent-Type: gnss/data\r\nTransfer-Encoding: chunked\r\n\r\n", body, stop.Token);
        Assert.True(NtripEndpoint.TryParse($"{(tls ? "https" : "http")}://127.0.0.1:{caster.Port}/ZHUZ00CHN0", out NtripEndpoint? endpoint, out _));
        var options = new NtripClientOptions
        {
            Name = "truck-1",
            Caster = endpoint!,
            Mountpoint = "ZHUZ00CHN0",
            User = "park",
            Password = "pä:ss",
            Version = NtripVersion.V2,
            CertificateValidation = tls ? (_, certificate, _, _) => certificate?.GetCertHashString() == caster.Certificate!.GetCertHashString() : null,
        };
        var forwarded = new MemoryStream();
        var client = new NtripClient(options, () => Gate, (bytes, _) =>
        {
            lock (forwarded)
            {
                forwarded.Write(bytes.Span);
            }

            return ValueTask.FromResult(true);
        }, new ListLogger(), new FakeTimeProvider());
        Task running = client.RunAsync(stop.Token);
        try
        {
            await Eventually.True(() =>
            {
                lock (forwarded)
                {
                    return forwarded.Length >= rtcm.Length;
                }
            }, "every frame forwarded");
            Assert.Equal(rtcm, forwarded.ToArray());
            await Eventually.True(() => caster.Upstream.Contains('\n', StringComparison.Ordinal), "the GGA upstream");
            AssertGga(caster.Upstream.Split("\r\n")[0], null);

            string request = Assert.Single(caster.Requests);
            string[] lines = request.Split("\r\n");
            Assert.Equal("GET /ZHUZ00CHN0 HTTP/1.1", lines[0]);
            Assert.Contains($"Host: 127.0.0.1:{caster.Port}", lines);
            Assert.Contains("Ntrip-Version: Ntrip/2.0", lines);
            Assert.Contains("Authorization: Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("park:pä:ss")), lines);
            Assert.Contains(lines, l => l.StartsWith("Ntrip-GGA: $GPGGA,", StringComparison.Ordinal));
        }
        finally
        {
            await stop.CancelAsync();
            await running;
            await serving;
        }
    }

    [Theory]
    [InlineData(27.8583123, 113.1701456, "2751.4987380,N", "11310.2087360,E")]
    [InlineData(-33.99999999999, -0.5, "3400.0000000,S", "00030.0000000,W")]
    public void ToSentence_Position_IsAGgaOurParserReadsBackWithAGoodChecksum(double lat, double lon, string latField, string lonField)
    {
        string gga = new GgaPosition(lat, lon, 58.2, null, 5, 7, 0.9).ToSentence(DateTimeOffset.Parse("2026-12-05T08:01:02.345Z", System.Globalization.CultureInfo.InvariantCulture));
        Assert.EndsWith("\r\n", gga, StringComparison.Ordinal);
        Assert.Contains($",{latField},{lonField},", gga, StringComparison.Ordinal);
        Assert.StartsWith("$GPGGA,080102.34,", gga, StringComparison.Ordinal);
        Assert.True(NmeaSentence.TryParse(Encoding.ASCII.GetBytes(gga.TrimEnd()), out NmeaSentence s, out NmeaError error, requireChecksum: true), error.ToString());
        Assert.True(Gga.TryRead(s, out Gga read));
        Assert.Equal(lat, read.Latitude!.Value, 1e-8);
        Assert.Equal(lon, read.Longitude!.Value, 1e-8);
        Assert.Equal(GgaQuality.RtkFloat, read.Quality);
        Assert.Equal(7, read.SatellitesUsed);
        Assert.Equal(58.2, read.AltitudeMsl);
        Assert.Null(read.GeoidSeparation);
    }

    // str2str drops what its clients cannot take at once (a 158 kB burst lost two thirds): a base
    // sends 1-2 kB/s, so the test sends 4 kB at a time, each once the client has had the last.
    private static async Task SendPacedAsync(Socket station, byte[] bytes, NtripClient client)
    {
        long start = client.Snapshot().Bytes;
        for (int at = 0; at < bytes.Length; at += 4096)
        {
            int n = Math.Min(4096, bytes.Length - at);
            await station.SendAsync(bytes.AsMemory(at, n));
            await Eventually.True(() => client.Snapshot().Bytes >= start + at + n, $"the caster passed on bytes {at}-{at + n}");
        }
    }

    private static void AssertGga(string line, DateTimeOffset? at)
    {
        Assert.True(NmeaSentence.TryParse(Encoding.ASCII.GetBytes(line.TrimEnd()), out NmeaSentence s, out NmeaError error, requireChecksum: true), $"{line}: {error}");
        Assert.True(Gga.TryRead(s, out Gga gga), line);
        Assert.Equal(Gate.Latitude, gga.Latitude!.Value, 1e-8);
        Assert.Equal(Gate.Longitude, gga.Longitude!.Value, 1e-8);
        if (at is { } t)
        {
            Assert.Equal((int)t.UtcDateTime.TimeOfDay.TotalMilliseconds / 10 * 10, gga.TimeOfDayMs);
        }
    }

    private static NtripClientOptions Options(StrCaster caster, NtripVersion version)
    {
        Assert.True(NtripEndpoint.TryParse(caster.Url, out NtripEndpoint? endpoint, out string? error), error);
        return new NtripClientOptions
        {
            Name = "truck-1",
            Caster = endpoint!,
            Mountpoint = StrCaster.Mountpoint,
            User = StrCaster.User,
            Password = StrCaster.Password,
            Version = version,
            GgaInterval = TimeSpan.FromSeconds(5),
        };
    }

    // What the base station's connection receives from str2str: the caster clients' bytes (GGA lines).
    private sealed class Upstream
    {
        private readonly List<string> _lines = [];

        public Upstream(Socket socket)
        {
            _ = Task.Run(async () =>
            {
                var text = new StringBuilder();
                byte[] buffer = new byte[4096];
                try
                {
                    int n;
                    while ((n = await socket.ReceiveAsync(buffer)) > 0)
                    {
                        text.Append(Encoding.ASCII.GetString(buffer, 0, n));
                        int end;
                        while ((end = text.ToString().IndexOf('\n', StringComparison.Ordinal)) >= 0)
                        {
                            lock (_lines)
                            {
                                _lines.Add(text.ToString(0, end + 1));
                            }

                            text.Remove(0, end + 1);
                        }
                    }
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    // The test closed the station.
                }
            });
        }

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }
    }
}
