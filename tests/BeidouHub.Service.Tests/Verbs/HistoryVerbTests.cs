using System.Text;
using System.Text.Json;
using BeidouHub.Service.Verbs;
using BeidouHub.Store;
using BeidouHub.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace BeidouHub.Service.Tests.Verbs;

public sealed class HistoryVerbTests : IDisposable
{
    private static readonly DateTime T0 = new(2026, 11, 27, 2, 0, 0, DateTimeKind.Utc);
    private readonly string _dir = Directory.CreateTempSubdirectory("beidouhub-history-verb-").FullName;

    private string DbPath => Path.Combine(_dir, "history.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Run_Jsonl_OneRecordPerStoredEpochInTheRange()
    {
        await StoreAsync();

        (int exit, string stdout, string stderr) = await RunAsync("--receiver", "truck-1", "--from", "2026-11-27T02:00:01Z", "--to", "2026-11-27T02:00:04Z", "--db", DbPath);

        Assert.Equal(0, exit);
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        using JsonDocument first = JsonDocument.Parse(lines[0]);
        JsonElement r = first.RootElement;
        Assert.Equal("truck-1", r.GetProperty("receiver").GetString());
        Assert.Equal("2026-11-27T02:00:01.000Z", r.GetProperty("time").GetString());
        Assert.Equal(27.858012345678901, r.GetProperty("lat").GetDouble());
        Assert.Equal("3d", r.GetProperty("mode").GetString());
        Assert.Equal("fixed", r.GetProperty("rtk").GetString());
        Assert.Equal(4, r.GetProperty("quality").GetInt32());
        Assert.Equal(14, r.GetProperty("used").GetProperty("beidou").GetInt32());
        Assert.False(r.GetProperty("used").TryGetProperty("glonass", out _));
        Assert.Equal(4547, r.GetProperty("grid").GetProperty("epsg").GetInt32());
        Assert.Equal(-7.5, r.GetProperty("park").GetProperty("north").GetDouble());
        Assert.Equal(JsonValueKind.Null, r.GetProperty("diffStation").ValueKind);
        Assert.Equal(["main-gate"], r.GetProperty("zones").EnumerateArray().Select(z => z.GetString()));
        Assert.Equal("history: 3 epochs of truck-1 from 2026-11-27T02:00:01.0000000Z to 2026-11-27T02:00:04.0000000Z", stderr.Trim());
    }

    [Fact]
    public async Task Run_CsvAndGeoJson_SameEpochs()
    {
        await StoreAsync();

        (int csvExit, string csv, _) = await RunAsync("--receiver", "truck-1", "--from", "2026-11-27", "--to", "2026-11-28", "--format", "csv", "--db", DbPath);
        (int geoExit, string geojson, _) = await RunAsync("--receiver", "truck-1", "--from", "2026-11-27", "--to", "2026-11-28", "--format", "geojson", "--db", DbPath);
        (int thinExit, string thin, _) = await RunAsync("--receiver", "truck-1", "--from", "2026-11-27", "--to", "2026-11-28", "--max-points", "5", "--db", DbPath);

        Assert.Equal(0, csvExit);
        string[] rows = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(11, rows.Length);
        Assert.StartsWith("receiver,time,lat,lon,", rows[0], StringComparison.Ordinal);
        string[] cells = rows[1].Split(',');
        Assert.Equal(["truck-1", "2026-11-27T02:00:00.000Z"], cells[..2]);
        Assert.Equal(27.858012345678901, double.Parse(cells[2], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("main-gate", cells[^1]);
        Assert.Equal(0, geoExit);
        using JsonDocument doc = JsonDocument.Parse(geojson);
        JsonElement[] features = [.. doc.RootElement.GetProperty("features").EnumerateArray()];
        Assert.Equal(11, features.Length); // ten points and the track
        Assert.Equal("LineString", features[^1].GetProperty("geometry").GetProperty("type").GetString());
        Assert.Equal(10, features[^1].GetProperty("geometry").GetProperty("coordinates").GetArrayLength());
        Assert.Equal(0, thinExit);
        Assert.Equal(5, thin.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Run_Nmea_DecodeReadsTheSameEpochsBack()
    {
        await StoreAsync();
        (int exit, string nmea, _) = await RunAsync("--receiver", "truck-1", "--from", "2026-11-27", "--to", "2026-11-28", "--format", "nmea", "--db", DbPath);
        Assert.Equal(0, exit);
        Assert.All(nmea.Split("\r\n", StringSplitOptions.RemoveEmptyEntries), line => Assert.Matches(@"^\$GN(RMC|GGA|GST|ZDA),.*\*[0-9A-F]{2}$", line));

        // decode, the service's own reader, gets every stored epoch back with its position.
        var decoded = new MemoryStream();
        int decodeExit = await DecodeVerb.RunAsync(["-"], new StringWriter(), decoded, new MemoryStream(Encoding.ASCII.GetBytes(nmea)), default);
        Assert.Equal(0, decodeExit);
        string[] epochs = Encoding.UTF8.GetString(decoded.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(10, epochs.Length);
        using JsonDocument first = JsonDocument.Parse(epochs[0]);
        Assert.Equal(27.858012345678901, first.RootElement.GetProperty("lat").GetDouble(), tolerance: 2e-9); // 7 decimals of a minute
        Assert.Equal(4, first.RootElement.GetProperty("quality").GetInt32());
        Assert.Equal("2026-11-27T02:00:00.000Z", first.RootElement.GetProperty("time").GetString());
    }

    [Theory]
    [InlineData("--from|2026-11-27", "history: --receiver and --from are required (see beidouhub history --help)")]
    [InlineData("--receiver|a|--from|yesterday", "history: --from 'yesterday': expected an ISO 8601 time such as 2026-11-27T02:00:00Z or a date such as 2026-11-27")]
    [InlineData("--receiver|a|--from|2026-11-28|--to|2026-11-27", "history: --to 2026-11-27T00:00:00.0000000Z must be after --from 2026-11-28T00:00:00.0000000Z")]
    [InlineData("--receiver|a|--from|2026-11-27|--format|gpx", "history: --format 'gpx': expected one of jsonl, csv, geojson, nmea")]
    [InlineData("--receiver|a|--from|2026-11-27|--bogus", "history: unknown option '--bogus' (see beidouhub history --help)")]
    [InlineData("--receiver|a|--from|2026-11-27|--db|x.db|--postgres|Host=h", "history: --db and --postgres name two stores: give one")]
    [InlineData("--receiver|a|--from|2026-11-27|--postgres|Database=d;Password=secret", "history: --postgres: must name the server (Host=...)")]
    public async Task Run_BadArguments_OneLineAndExitTwo(string args, string expected)
    {
        (int exit, string stdout, string stderr) = await RunAsync(args.Split('|'));

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Equal([expected], stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Run_NoSuchFile_SaysWhereItLookedAndExitsTwo()
    {
        string missing = Path.Combine(_dir, "none.db");

        (int exit, _, string stderr) = await RunAsync("--receiver", "a", "--from", "2026-11-27", "--db", missing);

        Assert.Equal(2, exit);
        Assert.StartsWith($"history: {missing}: no such file", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(missing));
    }

    [Fact]
    public async Task Run_Help_UsageOnStdoutExitZero()
    {
        (int exit, string stdout, string stderr) = await RunAsync("--help");

        Assert.Equal(0, exit);
        Assert.StartsWith("usage: beidouhub history --receiver ID --from T", stdout, StringComparison.Ordinal);
        Assert.Equal("", stderr);
    }

    private Task StoreAsync() => StoreAsync(new SqliteHistoryStore(DbPath));

    /// <summary>Ten epochs of truck-1 from T0, a second apart, and one of gate-1.</summary>
    internal static async Task StoreAsync(IHistoryStore store)
    {
        await store.OpenAsync(default);
        var batch = new HistoryBatch();
        for (int i = 0; i < 10; i++)
        {
            batch.Positions.Add(new PositionRecord
            {
                Receiver = "truck-1",
                Time = T0.AddSeconds(i),
                Quality = 4,
                Mode = 3,
                Rtk = 2,
                Latitude = 27.858012345678901,
                Longitude = 113.16801234567891,
                GridEpsg = 4547,
                GridNorthing = 3_082_123.4567,
                GridEasting = 416_543.21,
                ParkEast = 12.25,
                ParkNorth = -7.5,
                Used = [3, 0, 2, 14, 1, 0, 1],
                Zones = ["main-gate"],
            });
        }

        batch.Positions.Add(new PositionRecord { Receiver = "gate-1", Time = T0, Used = new int[7], Zones = [] });
        await store.WriteAsync(batch, default);
    }

    internal static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var stdout = new MemoryStream();
        var stderr = new StringWriter();
        int exit = await HistoryVerb.RunAsync(args, stderr, stdout, default);
        return (exit, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
    }
}
