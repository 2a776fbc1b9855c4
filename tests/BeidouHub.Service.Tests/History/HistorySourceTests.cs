using BeidouHub.Protocol.V1;
using BeidouHub.Receiver.Sources;
using BeidouHub.Service.Configuration;
using BeidouHub.Service.Tests.Api;
using BeidouHub.Service.Tests.Support;
using BeidouHub.Store;
using BeidouHub.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace BeidouHub.Service.Tests.History;

/// <summary>history://: a stored track made NMEA again and replayed through the whole service.</summary>
public sealed class HistorySourceTests : IDisposable
{
    private static readonly DateTime Start = new(2026, 11, 27, 2, 0, 0, DateTimeKind.Utc);
    private readonly string _dir = Directory.CreateTempSubdirectory("beidouhub-history-source-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData("history://truck-7", "from=: an ISO 8601 UTC time is required")]
    [InlineData("history://?from=2026-11-27T02:00:00Z", "name the receiver")]
    [InlineData("history://truck-7?from=2026-11-27T02:00:00Z&to=2026-11-27T01:00:00Z", "to must be after from")]
    [InlineData("history://truck-7?from=2026-11-27T02:00:00Z&speed=0", "speed='0'")]
    [InlineData("history://truck-7?from=2026-11-27T02:00:00Z&loop=true", "unknown parameter 'loop'")]
    public void Parse_BadUri_OneLineNamingTheProblem(string uri, string expected)
    {
        Assert.False(ServiceSetup.Sources.TryParse(uri, out _, out string? error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.StartsWith($"'{uri}'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_StoredTrack_TheServiceStreamsTheStoredPositionsAgain()
    {
        string db = Path.Combine(_dir, "history.db");
        var store = new SqliteHistoryStore(db);
        await store.OpenAsync(CancellationToken.None);
        var batch = new HistoryBatch();
        for (int i = 0; i < 80; i++)
        {
            batch.Positions.Add(Record(i));
        }

        Assert.Equal(80, await store.WriteAsync(batch, CancellationToken.None));
        SqliteConnection.ClearAllPools();

        // [02:00:00, 02:01:00) at 1 Hz: 60 epochs, replayed at 10x. The stream's subscriber joins
        // after the replay has begun, so it checks what it gets: each epoch as it was stored, up to the last.
        string uri = $"history://truck-7?from=2026-11-27T02:00:00Z&to=2026-11-27T02:01:00Z&speed=10&db={db}";
        await using ServiceFixture service = await ServiceFixture.StartAsync("--BeidouHub:Receivers:0:Id=truck-7-again", $"--BeidouHub:Receivers:0:Source={uri}");
        using var collector = new PositionsServiceTests.Collector(new Positions.PositionsClient(service.Channel), new StreamPositionsRequest());
        await Eventually.True(() => collector.Items.Any(p => p.Time.ToDateTime() == Start.AddSeconds(59)), "the replay's last epoch (02:00:59)");
        await Eventually.True(() => service.Status.Contains("truck-7-again Stopped", StringComparison.Ordinal), "the replay ends once through");

        List<Position> replayed = collector.Items;
        Assert.True(replayed.Count >= 30, $"{replayed.Count} positions received");
        Assert.Equal(replayed.Count, replayed.Select(p => p.Time).Distinct().Count());
        foreach (Position p in replayed)
        {
            int i = (int)(p.Time.ToDateTime() - Start).TotalSeconds;
            Assert.InRange(i, 0, 59); // nothing from outside [from, to)
            PositionRecord stored = Record(i);
            Assert.Equal(stored.Time, p.Time.ToDateTime());
            Assert.Equal("truck-7-again", p.ReceiverId);
            Assert.Equal((uint)stored.Quality, p.Quality);
            Assert.Equal(RtkState.Fixed, p.Rtk);
            Assert.Equal(stored.Latitude!.Value, p.Latitude, tolerance: 2e-9); // 7 decimals of a minute
            Assert.Equal(stored.Longitude!.Value, p.Longitude, tolerance: 2e-9);
            Assert.Equal(stored.AltitudeMsl!.Value, p.AltitudeMsl, 3);
            Assert.Equal(stored.Hdop!.Value, p.Hdop, 2);
            Assert.Equal(stored.SigmaLatitude!.Value, p.SigmaLatitudeM, 3);
            Assert.Equal(stored.SigmaAltitude!.Value, p.SigmaAltitudeM, 3);
            Assert.Equal(stored.DiffAge!.Value, p.CorrectionAgeS, 1);
            Assert.Equal((uint)stored.DiffStation!.Value, p.CorrectionStation);
            Assert.Equal(stored.SpeedMps!.Value, p.SpeedMps, 3);
            Assert.Equal(stored.CourseDeg!.Value, p.CourseDeg, 2);
        }
    }

    private static PositionRecord Record(int i) => new()
    {
        Receiver = "truck-7",
        Time = Start.AddSeconds(i),
        Sequence = i + 1,
        Quality = 4,
        Mode = 3,
        Rtk = 2,
        Latitude = 27.8580005 + (i * 1e-5),
        Longitude = 113.1685877 + (i * 2e-5),
        AltitudeMsl = 58.241,
        GeoidSeparation = -20.6,
        GridEpsg = 4547,
        SpeedMps = 2.5 + (i * 0.01),
        CourseDeg = 63.25,
        Hdop = 0.77,
        SigmaLatitude = 0.012,
        SigmaLongitude = 0.009,
        SigmaAltitude = 0.021,
        DiffAge = 0.9,
        DiffStation = 101,
        Used = [9, 0, 0, 12, 0, 0, 0],
        Zones = [],
    };
}
