using System.Net.Sockets;
using System.Net;
using BeidouHub.Service.Tests.Api;
using BeidouHub.Service.Tests.Support;
using BeidouHub.Service.Verbs;
using Microsoft.Extensions.Time.Testing;

namespace BeidouHub.Service.Tests.Verbs;

public class RecordVerbTests
{
    [Theory]
    [InlineData("--source|ftp://x|--out|/tmp", "record: --source 'ftp://x': unknown scheme 'ftp'")]
    [InlineData("--out|/tmp", "record: --source and --out are required (see beidouhub record --help)")]
    [InlineData("--source|sim://|--out|/tmp|--duration|soon", "record: --duration 'soon': expected a duration such as 90s, 10m, 1h30m, 500ms or 00:10:00, more than 0")]
    [InlineData("--source|sim://|--out|/tmp|--duration|10", "record: --duration '10': expected a duration such as 90s, 10m, 1h30m, 500ms or 00:10:00, more than 0")]
    [InlineData("--source|sim://|--out", "record: option '--out' needs a value")]
    [InlineData("--source|sim://|--out|/tmp|--loop", "record: unknown option '--loop' (see beidouhub record --help)")]
    public async Task RunAsync_UsageError_ExitsTwoWithOneLineNamingIt(string args, string line)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = await RecordVerb.RunAsync(args.Split('|'), stdout, stderr, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.StartsWith(line, stderr.ToString(), StringComparison.Ordinal);
        Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(string.Empty, stdout.ToString());
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task RunAsync_Help_UsageOnStdoutExitZero(string help)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = await RecordVerb.RunAsync([help], stdout, stderr, CancellationToken.None);

        Assert.Equal(0, exit);
        Assert.StartsWith("usage: beidouhub record --source URI --out DIR", stdout.ToString(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, stderr.ToString());
    }

    /// <summary>A receiver that connects and sends nothing: only --duration ends the recording.</summary>
    [Theory]
    [InlineData("300ms")]
    [InlineData("0.3s")]
    [InlineData("00:00:00.3")]
    public async Task RunAsync_DurationInEachForm_StopsTheRecording(string duration)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        string dir = Directory.CreateTempSubdirectory("beidouhub-record-").FullName;
        try
        {
            var stderr = new StringWriter();
            string source = $"tcp://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

            int exit = await RecordVerb.RunAsync(["--source", source, "--out", dir, "--duration", duration], new StringWriter(), stderr, CancellationToken.None)
                .WaitAsync(TimeSpan.FromSeconds(30));

            Assert.True(exit == 0, stderr.ToString());
            Assert.Contains("record: 0 bytes", stderr.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task RunAsync_Duration_EndsOnTheVerbsClock()
    {
        byte[] track = PositionsServiceTests.Track(27.8280);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 3, 0, 0, TimeSpan.Zero));
        string dir = Directory.CreateTempSubdirectory("beidouhub-record-").FullName;
        try
        {
            await using var feed = new ReceiverFeed();
            var stderr = new StringWriter();
            Task<int> run = RecordVerb.RunAsync(["--source", feed.Uri, "--out", dir, "--id", "gate", "--duration", "10m"], new StringWriter(), stderr, CancellationToken.None, time);
            await feed.AcceptAsync();
            await feed.SendAsync(track);
            feed.Close(); // the recording is flushed when the receiver goes
            string file = Path.Combine(dir, "gate", "20261127-03.nmea"); // the hour of the verb's clock
            await Eventually.True(() => File.Exists(file) && new FileInfo(file).Length > track.Length, "the recording");
            Assert.False(run.IsCompleted);

            time.Advance(TimeSpan.FromMinutes(10));

            Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.StartsWith("# BeidouHub recording: receiver=gate source=tcp://127.0.0.1:", File.ReadLines(file).First(), StringComparison.Ordinal);
            Assert.EndsWith(" started=2026-11-27T03:00:00.000Z", File.ReadLines(file).First(), StringComparison.Ordinal);
            Assert.Contains($"record: {track.Length} bytes", stderr.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
