using System.Diagnostics;
using BeidouHub.Store;
using BeidouHub.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace BeidouHub.Service.Tests.Store;

public sealed class SqliteHistoryStoreTests : IDisposable
{
    private static readonly DateTime T0 = new(2026, 11, 27, 2, 0, 0, DateTimeKind.Utc);
    private readonly string _dir = Directory.CreateTempSubdirectory("beidouhub-store-").FullName;

    private string DbPath => Path.Combine(_dir, "sub", "history.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task WriteAsync_EveryField_ReadsBackTheSame()
    {
        var store = new SqliteHistoryStore(DbPath);
        await store.OpenAsync(default);
        PositionRecord full = Full("truck-1", T0.AddTicks(1_234_560));
        PositionRecord sparse = new() { Receiver = "truck-1", Time = T0.AddSeconds(1), Used = new int[7], Zones = [] };
        var batch = new HistoryBatch();
        batch.Positions.AddRange([full, sparse]);
        batch.ZoneEvents.Add(new ZoneEventRecord(1, "truck-1", "main-gate", T0, 12.5, -3.25));
        batch.States.Add(new ReceiverStateRecord("truck-1", T0, "Stale", "no data for 5 s"));

        Assert.Equal(2, await store.WriteAsync(batch, default));

        List<PositionRecord> track = await ToList(store.ReadTrackAsync("truck-1", T0, T0.AddMinutes(1), 0, default));
        Assert.Equal(2, track.Count);
        AssertSame(full, track[0]);
        AssertSame(sparse, track[1]);
        ZoneEventRecord e = Assert.Single(await ToList(store.ReadZoneEventsAsync([], ["main-gate"], T0, T0.AddSeconds(1), default)));
        Assert.Equal(new ZoneEventRecord(1, "truck-1", "main-gate", T0, 12.5, -3.25), e);
        Assert.Empty(await ToList(store.ReadZoneEventsAsync(["gate-1"], [], T0, T0.AddSeconds(1), default)));
        Assert.Equal(new ReceiverStateRecord("truck-1", T0, "Stale", "no data for 5 s"), Assert.Single(await ToList(store.ReadStatesAsync(["truck-1"], T0, T0.AddSeconds(1), default))));
    }

    [Fact]
    public async Task WriteAsync_SameReceiverAndTimeTwice_StoresItOnce()
    {
        var store = new SqliteHistoryStore(DbPath);
        await store.OpenAsync(default);
        var batch = new HistoryBatch();
        batch.Positions.Add(Full("truck-1", T0));
        Assert.Equal(1, await store.WriteAsync(batch, default));

        Assert.Equal(0, await store.WriteAsync(batch, default));

        Assert.Single(await ToList(store.ReadTrackAsync("truck-1", T0, T0.AddSeconds(1), 0, default)));
    }

    [Fact]
    public async Task ReadTrackAsync_MaxPoints_ThinsEvenlyFromTheFirst()
    {
        var store = new SqliteHistoryStore(DbPath);
        await store.OpenAsync(default);
        var batch = new HistoryBatch();
        for (int i = 0; i < 100; i++)
        {
            batch.Positions.Add(Full("truck-1", T0.AddMilliseconds(100 * i)));
        }

        await store.WriteAsync(batch, default);

        List<PositionRecord> thinned = await ToList(store.ReadTrackAsync("truck-1", T0, T0.AddSeconds(10), 30, default));

        // 100 rows, at most 30: every 4th (25 rows), starting with the first.
        Assert.Equal(25, thinned.Count);
        Assert.Equal(T0, thinned[0].Time);
        Assert.Equal(T0.AddMilliseconds(400), thinned[1].Time);
        Assert.Empty(await ToList(store.ReadTrackAsync("nobody", T0, T0.AddSeconds(10), 0, default)));
    }

    [Fact]
    public async Task ReadAroundAsync_BetweenTwoEpochs_ReturnsBoth()
    {
        var store = new SqliteHistoryStore(DbPath);
        await store.OpenAsync(default);
        var batch = new HistoryBatch();
        batch.Positions.AddRange([Full("truck-1", T0), Full("truck-1", T0.AddSeconds(10))]);
        await store.WriteAsync(batch, default);

        (PositionRecord? before, PositionRecord? after) = await store.ReadAroundAsync("truck-1", T0.AddSeconds(4), default);
        (PositionRecord? exact, PositionRecord? exactAfter) = await store.ReadAroundAsync("truck-1", T0, default);
        (PositionRecord? late, PositionRecord? none) = await store.ReadAroundAsync("truck-1", T0.AddMinutes(1), default);

        Assert.Equal(T0, before!.Time);
        Assert.Equal(T0.AddSeconds(10), after!.Time);
        Assert.Equal(T0, exact!.Time);
        Assert.Equal(T0, exactAfter!.Time);
        Assert.Equal(T0.AddSeconds(10), late!.Time);
        Assert.Null(none);
    }

    [Fact]
    public async Task DeleteBeforeAsync_InChunks_DeletesOnlyOlderRows()
    {
        var store = new SqliteHistoryStore(DbPath);
        await store.OpenAsync(default);
        var batch = new HistoryBatch();
        foreach (string receiver in (string[])["truck-1", "gate-1"])
        {
            for (int i = 0; i < 10; i++)
            {
                batch.Positions.Add(Full(receiver, T0.AddDays(i)));
            }

            batch.ZoneEvents.Add(new ZoneEventRecord(0, receiver, "dock", T0, 0, 0));
            batch.States.Add(new ReceiverStateRecord(receiver, T0.AddDays(9), "Connected", null));
        }

        await store.WriteAsync(batch, default);
        DateTime cutoff = T0.AddDays(5);

        var chunks = new List<int>();
        int n;
        while ((n = await store.DeleteBeforeAsync(cutoff, 3, default)) > 0)
        {
            chunks.Add(n);
        }

        // 5 old positions and one zone event per receiver: 12 rows in chunks of at most 3.
        Assert.Equal(12, chunks.Sum());
        Assert.All(chunks, c => Assert.InRange(c, 1, 3));
        Assert.Equal(5, (await ToList(store.ReadTrackAsync("truck-1", T0, T0.AddDays(20), 0, default))).Count);
        Assert.Equal(cutoff, (await ToList(store.ReadTrackAsync("gate-1", T0, T0.AddDays(20), 0, default)))[0].Time);
        Assert.Empty(await ToList(store.ReadZoneEventsAsync([], [], T0, T0.AddDays(20), default)));
        Assert.Equal(2, (await ToList(store.ReadStatesAsync([], T0, T0.AddDays(20), default))).Count);
    }

    [Fact]
    public async Task OpenAsync_SchemaFromANewerVersion_IsRefused()
    {
        var store = new SqliteHistoryStore(DbPath);
        await store.OpenAsync(default);
        await store.OpenAsync(default);
        using (var c = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            c.Open();
            using SqliteCommand q = c.CreateCommand();
            q.CommandText = "SELECT COUNT(*) FROM schema_version; INSERT INTO schema_version VALUES (99, 'later');";
            Assert.Equal(1L, q.ExecuteScalar());
        }

        SqliteConnection.ClearAllPools();
        InvalidDataException e = await Assert.ThrowsAsync<InvalidDataException>(() => new SqliteHistoryStore(DbPath).OpenAsync(default));
        Assert.Contains("version 99", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_ReadOnlyOnAFileThatIsNoHistory_SaysSo()
    {
        string other = Path.Combine(_dir, "other.db");
        using (var c = new SqliteConnection($"Data Source={other};Pooling=False"))
        {
            c.Open();
            using SqliteCommand q = c.CreateCommand();
            q.CommandText = "CREATE TABLE t (x);";
            q.ExecuteNonQuery();
        }

        InvalidDataException e = await Assert.ThrowsAsync<InvalidDataException>(() => new SqliteHistoryStore(other, readOnly: true).OpenAsync(default));
        Assert.Contains("not a BeidouHub history", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task OpenAsync_AfterAWriterKilledMidTransaction_HasEveryCommittedBatch()
    {
        // A real kill -9 in the middle of a write: a python3 child (its sqlite3 module is another
        // build of SQLite, the file format is the same) inserts into an open transaction with a tiny
        // page cache, so uncommitted pages reach the WAL, then sends itself SIGKILL.
        string? python = FindOnPath("python3");
        Skip.If(python is null, "python3 is not installed (CI installs it for the foreign-client tests)");
        var store = new SqliteHistoryStore(DbPath);
        await store.OpenAsync(default);
        for (int b = 0; b < 5; b++)
        {
            var batch = new HistoryBatch();
            for (int i = 0; i < 100; i++)
            {
                batch.Positions.Add(Full("truck-1", T0.AddSeconds((b * 100) + i)));
            }

            await store.WriteAsync(batch, default);
        }

        string script = """
            import os, signal, sqlite3, sys
            c = sqlite3.connect(sys.argv[1], isolation_level=None)
            c.execute("PRAGMA cache_size=2")
            c.execute("BEGIN IMMEDIATE")
            for i in range(20000):
                c.execute("INSERT INTO positions (receiver, time_us, sequence, quality, mode, rtk, grid_epsg, used_gps, used_glonass, used_galileo, used_beidou, used_qzss, used_navic, used_sbas, zones) VALUES (1, ?, 0, 1, 3, 0, 4547, 0, 0, 0, 0, 0, 0, 0, ?)", (4102444800000000 + i, "x" * 200))
            sys.stdout.write("wal=%d\n" % os.path.getsize(sys.argv[1] + "-wal"))
            sys.stdout.flush()
            os.kill(os.getpid(), signal.SIGKILL)
            """;
        var start = new ProcessStartInfo(python!) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(DbPath);
        using Process child = Process.Start(start)!;
        string output = await child.StandardOutput.ReadToEndAsync();
        string errors = await child.StandardError.ReadToEndAsync();
        await child.WaitForExitAsync();
        Assert.True(child.ExitCode == 137 || child.ExitCode == -9, $"the child was to die by SIGKILL; exit {child.ExitCode}: {errors}");
        Assert.StartsWith("wal=", output, StringComparison.Ordinal);

        SqliteConnection.ClearAllPools();
        var reopened = new SqliteHistoryStore(DbPath);
        await reopened.OpenAsync(default);
        List<PositionRecord> track = await ToList(reopened.ReadTrackAsync("truck-1", T0, DateTime.MaxValue.AddDays(-1), 0, default));

        Assert.Equal(500, track.Count);
        Assert.Equal(T0.AddSeconds(499), track[^1].Time);
        using var check = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        check.Open();
        using SqliteCommand q = check.CreateCommand();
        q.CommandText = "PRAGMA integrity_check;";
        Assert.Equal("ok", q.ExecuteScalar());
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static PositionRecord Full(string receiver, DateTime time) => new()
    {
        Receiver = receiver,
        Time = time,
        Sequence = 42,
        Quality = 4,
        Mode = 3,
        Rtk = 2,
        Latitude = 27.858012345678901,
        Longitude = 113.16801234567891,
        AltitudeMsl = 55.123,
        GeoidSeparation = -12.5,
        GridEpsg = 4547,
        GridName = null,
        GridNorthing = 3_082_123.4567,
        GridEasting = 416_543.21,
        ParkEast = 12.25,
        ParkNorth = -7.5,
        SpeedMps = 9.87,
        CourseDeg = 271.5,
        Hdop = 0.7,
        Vdop = 1.1,
        Pdop = 1.3,
        SigmaLatitude = 0.012,
        SigmaLongitude = 0.014,
        SigmaAltitude = 0.03,
        DiffAge = 1.5,
        DiffStation = 1023,
        Used = [3, 0, 2, 14, 1, 0, 1],
        Zones = ["main-gate", "yard, east"],
    };

    private static void AssertSame(PositionRecord expected, PositionRecord actual)
    {
        Assert.Equal(expected with { Used = Array.Empty<int>(), Zones = Array.Empty<string>() }, actual with { Used = Array.Empty<int>(), Zones = Array.Empty<string>() });
        Assert.Equal(expected.Used, actual.Used);
        Assert.Equal(expected.Zones, actual.Zones);
    }

    private static async Task<List<T>> ToList<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (T item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
