using BeidouHub.Store;

namespace BeidouHub.Service.Tests.Store;

/// <summary>
/// The contract of <see cref="IHistoryStore"/>, run against every store: a subclass says how to make
/// one (on a fresh, empty database) and how to run SQL on it directly, as another client would.
/// </summary>
public abstract class HistoryStoreContractTests
{
    protected static readonly DateTime T0 = new(2026, 11, 27, 2, 0, 0, DateTimeKind.Utc);

    /// <summary>A store on this test's database, not yet opened.</summary>
    protected abstract Task<IHistoryStore> CreateAsync(bool forReading = false);

    /// <summary>Runs SQL on this test's database outside the store.</summary>
    protected abstract Task ExecuteAsync(string sql);

    /// <summary>The first column of the first row of a query on this test's database, outside the store.</summary>
    protected abstract Task<object?> ScalarAsync(string sql);

    [SkippableFact]
    public async Task WriteAsync_EveryField_ReadsBackTheSame()
    {
        IHistoryStore store = await OpenAsync();
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
        Assert.Equal(DateTimeKind.Utc, track[0].Time.Kind);
        ZoneEventRecord e = Assert.Single(await ToList(store.ReadZoneEventsAsync([], ["main-gate"], T0, T0.AddSeconds(1), default)));
        Assert.Equal(new ZoneEventRecord(1, "truck-1", "main-gate", T0, 12.5, -3.25), e);
        Assert.Empty(await ToList(store.ReadZoneEventsAsync(["gate-1"], [], T0, T0.AddSeconds(1), default)));
        Assert.Equal(new ReceiverStateRecord("truck-1", T0, "Stale", "no data for 5 s"), Assert.Single(await ToList(store.ReadStatesAsync(["truck-1"], T0, T0.AddSeconds(1), default))));
    }

    [SkippableFact]
    public async Task WriteAsync_TimeBelowAMicrosecond_StoredToTheMicrosecond()
    {
        IHistoryStore store = await OpenAsync();
        var batch = new HistoryBatch();
        batch.Positions.Add(Full("truck-1", T0.AddTicks(15)));

        await store.WriteAsync(batch, default);

        Assert.Equal(T0.AddTicks(10), Assert.Single(await ToList(store.ReadTrackAsync("truck-1", T0, T0.AddSeconds(1), 0, default))).Time);
    }

    [SkippableFact]
    public async Task WriteAsync_SameReceiverAndTimeTwice_StoresItOnce()
    {
        IHistoryStore store = await OpenAsync();
        var batch = new HistoryBatch();
        batch.Positions.Add(Full("truck-1", T0));
        Assert.Equal(1, await store.WriteAsync(batch, default));

        Assert.Equal(0, await store.WriteAsync(batch, default));

        Assert.Single(await ToList(store.ReadTrackAsync("truck-1", T0, T0.AddSeconds(1), 0, default)));
    }

    [SkippableFact]
    public async Task WriteAsync_SameReceiverAndTimeTwiceInOneBatch_KeepsTheFirst()
    {
        IHistoryStore store = await OpenAsync();
        var batch = new HistoryBatch();
        batch.Positions.AddRange([Full("truck-1", T0) with { Sequence = 1 }, Full("truck-1", T0) with { Sequence = 2 }, Full("gate-1", T0) with { Sequence = 3 }]);

        Assert.Equal(2, await store.WriteAsync(batch, default));

        Assert.Equal(1, Assert.Single(await ToList(store.ReadTrackAsync("truck-1", T0, T0.AddSeconds(1), 0, default))).Sequence);
        Assert.Equal(3, Assert.Single(await ToList(store.ReadTrackAsync("gate-1", T0, T0.AddSeconds(1), 0, default))).Sequence);
    }

    [SkippableFact]
    public async Task WriteAsync_ABatchThatFails_StoresNothingOfIt()
    {
        IHistoryStore store = await OpenAsync();
        var good = new HistoryBatch();
        good.Positions.Add(Full("truck-1", T0));
        await store.WriteAsync(good, default);

        // A state no NOT NULL column takes, after a position and a new receiver: all or nothing.
        var bad = new HistoryBatch();
        bad.Positions.Add(Full("truck-1", T0.AddSeconds(1)));
        bad.Positions.Add(Full("truck-2", T0.AddSeconds(1)));
        bad.States.Add(new ReceiverStateRecord("truck-1", T0, null!, null));
        await Assert.ThrowsAnyAsync<Exception>(() => store.WriteAsync(bad, default));

        Assert.Single(await ToList(store.ReadTrackAsync("truck-1", T0, T0.AddMinutes(1), 0, default)));
        Assert.Empty(await ToList(store.ReadTrackAsync("truck-2", T0, T0.AddMinutes(1), 0, default)));
        bad.States.Clear();
        Assert.Equal(2, await store.WriteAsync(bad, default));
    }

    [SkippableFact]
    public async Task ReadTrackAsync_MaxPoints_ThinsEvenlyFromTheFirst()
    {
        IHistoryStore store = await OpenAsync();
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

    [SkippableFact]
    public async Task ReadAroundAsync_BetweenTwoEpochs_ReturnsBoth()
    {
        IHistoryStore store = await OpenAsync();
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
        Assert.Equal(((PositionRecord?)null, (PositionRecord?)null), await store.ReadAroundAsync("nobody", T0, default));
    }

    [SkippableFact]
    public async Task ReadLastZoneEventsAsync_EachReceiversLastEnterOrExitBeforeTheTime()
    {
        IHistoryStore store = await OpenAsync();
        var batch = new HistoryBatch();
        batch.ZoneEvents.AddRange(
        [
            new ZoneEventRecord(0, "truck-1", "dock", T0, 1, 1),
            new ZoneEventRecord(1, "truck-1", "dock", T0.AddSeconds(5), 2, 2),
            new ZoneEventRecord(0, "truck-1", "dock", T0.AddSeconds(20), 3, 3), // after the time
            new ZoneEventRecord(0, "Gate-1", "dock", T0.AddSeconds(1), 4, 4),
            new ZoneEventRecord(2, "Gate-1", "dock", T0.AddSeconds(8), 5, 5), // a dwell: not an Enter or Exit
            new ZoneEventRecord(0, "gate-2", "yard", T0.AddSeconds(2), 6, 6), // another zone
        ]);
        await store.WriteAsync(batch, default);

        List<ZoneEventRecord> last = await ToList(store.ReadLastZoneEventsAsync("dock", T0.AddSeconds(10), default));

        // By name in ordinal order ("G" before "t").
        Assert.Equal([new ZoneEventRecord(0, "Gate-1", "dock", T0.AddSeconds(1), 4, 4), new ZoneEventRecord(1, "truck-1", "dock", T0.AddSeconds(5), 2, 2)], last);
    }

    [SkippableFact]
    public async Task ReadStatesAsync_SameTime_InTheOrderWritten()
    {
        IHistoryStore store = await OpenAsync();
        var batch = new HistoryBatch();
        batch.States.AddRange([new ReceiverStateRecord("truck-1", T0, "Connecting", null), new ReceiverStateRecord("truck-1", T0, "Connected", null), new ReceiverStateRecord("gate-1", T0, "Faulted", "refused")]);
        await store.WriteAsync(batch, default);

        Assert.Equal(["Connecting", "Connected"], (await ToList(store.ReadStatesAsync(["truck-1"], T0, T0.AddSeconds(1), default))).Select(s => s.State));
        Assert.Equal(3, (await ToList(store.ReadStatesAsync([], T0, T0.AddSeconds(1), default))).Count);
        Assert.Empty(await ToList(store.ReadStatesAsync([], T0.AddTicks(10), T0.AddSeconds(1), default)));
    }

    [SkippableFact]
    public async Task DeleteBeforeAsync_InChunks_DeletesOnlyOlderRows()
    {
        IHistoryStore store = await OpenAsync();
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

    [SkippableFact]
    public async Task OpenAsync_SchemaFromANewerVersion_IsRefused()
    {
        IHistoryStore store = await OpenAsync();
        await store.OpenAsync(default);
        Assert.Equal(1L, Convert.ToInt64(await ScalarAsync("SELECT COUNT(*) FROM schema_version;"), System.Globalization.CultureInfo.InvariantCulture));
        await ExecuteAsync("INSERT INTO schema_version (version, applied_at) VALUES (99, '2099-01-01T00:00:00Z');");

        InvalidDataException e = await Assert.ThrowsAsync<InvalidDataException>(async () => await (await CreateAsync()).OpenAsync(default));
        Assert.Contains("version 99", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task OpenAsync_ReadOnlyOnADatabaseThatIsNoHistory_SaysSo()
    {
        await ExecuteAsync("CREATE TABLE t (x integer);");

        InvalidDataException e = await Assert.ThrowsAsync<InvalidDataException>(async () => await (await CreateAsync(forReading: true)).OpenAsync(default));
        Assert.Contains("not a BeidouHub history", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task OpenAsync_ReadOnly_ReadsWhatTheWriterStored()
    {
        IHistoryStore writer = await OpenAsync();
        var batch = new HistoryBatch();
        batch.Positions.Add(Full("truck-1", T0));
        await writer.WriteAsync(batch, default);

        IHistoryStore reader = await CreateAsync(forReading: true);
        await reader.OpenAsync(default);

        AssertSame(Full("truck-1", T0), Assert.Single(await ToList(reader.ReadTrackAsync("truck-1", T0, T0.AddSeconds(1), 0, default))));
    }

    protected async Task<IHistoryStore> OpenAsync()
    {
        IHistoryStore store = await CreateAsync();
        await store.OpenAsync(default);
        return store;
    }

    protected static PositionRecord Full(string receiver, DateTime time) => new()
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

    protected static void AssertSame(PositionRecord expected, PositionRecord actual)
    {
        Assert.Equal(expected with { Used = Array.Empty<int>(), Zones = Array.Empty<string>() }, actual with { Used = Array.Empty<int>(), Zones = Array.Empty<string>() });
        Assert.Equal(expected.Used, actual.Used);
        Assert.Equal(expected.Zones, actual.Zones);
    }

    protected static async Task<List<T>> ToList<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (T item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
