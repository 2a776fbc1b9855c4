using BeidouHub.Service.Tests.Api;
using BeidouHub.Service.Tests.Support;
using BeidouHub.Service.Verbs;
using Microsoft.Extensions.Time.Testing;

namespace BeidouHub.Service.Tests.Verbs;

public class RecordVerbTests
{
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
            await Repo.Eventually(() => File.Exists(file) && new FileInfo(file).Length > track.Length, "the recording");
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
