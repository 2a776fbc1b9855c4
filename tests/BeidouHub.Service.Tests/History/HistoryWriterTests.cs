using BeidouHub.Protocol.V1;
using BeidouHub.Service.History;
using BeidouHub.Service.Tests.Security;
using BeidouHub.Service.Tests.Support;
using BeidouHub.Store;
using BeidouHub.Store.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BeidouHub.Service.Tests.History;

public sealed class HistoryWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("beidouhub-history-").FullName;

    private string DbPath => Path.Combine(_dir, "history.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Writer_StoreLockedMidRun_StreamsGoOnDropsCountedOnceThenWritingResumes()
    {
        // The file locked by another writer (what a backup tool or a second service on the same
        // file does): a real SQLite lock, which holds for root too (read-only permissions do not).
        var logs = new ListLoggerProvider();
        await using ServiceFixture service = await ServiceFixture.StartAsync(TimeProvider.System, logs,
        [
            "--BeidouHub:Receivers:0:Id=truck", $"--BeidouHub:Receivers:0:Source=replay://{Repo.Seed("park-vehicle-rtk-10hz.nmea")}?speed=4&loop=true",
            .. HistoryOn(DbPath), "--BeidouHub:History:BatchSize=10", "--BeidouHub:History:BufferLimit=40",

            // The hub ends a subscriber that reads nothing for this long while it drops: the
            // outage below lasts longer, and the writer must outlive it.
            "--BeidouHub:SlowSubscriberTimeout=00:00:01",
        ]);
        HistoryWriter writer = service.Services.GetRequiredService<HistoryWriter>();
        await Eventually.True(() => writer.Written >= 20, "the first positions stored");
        using var stream = new StreamCollector<Position>(c => new Positions.PositionsClient(service.Channel).StreamPositions(new StreamPositionsRequest(), cancellationToken: c));

        using (var locker = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            locker.Open();
            using SqliteCommand begin = locker.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE;";
            begin.ExecuteNonQuery();
            await Eventually.True(() => writer.Failing && writer.Dropped > 0, "the writer failing and dropping beyond its buffer");
            int live = stream.Count;
            long written = writer.Written;
            await Eventually.True(() => stream.Count >= live + 20, "the live stream going on while the store is locked");
            Assert.Equal(written, writer.Written);
            Assert.Equal(40, writer.Buffered);
            Assert.Contains("locked", writer.LastError, StringComparison.OrdinalIgnoreCase);
        }

        long before = writer.Written;
        await Eventually.True(() => !writer.Failing && writer.Written > before + 40, "writing resumed once the lock is gone");
        long dropped = writer.Dropped; // all in the one outage: the hub dropped nothing for the writer

        string[] lines = [.. logs.Lines.Where(l => l.Category == typeof(HistoryWriter).FullName).Select(l => l.Message)];
        Assert.Single(lines, l => l.Contains("the store fails", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("buffer full (40 rows)", StringComparison.Ordinal));
        string recovered = Assert.Single(lines, l => l.Contains("works again", StringComparison.Ordinal));
        Assert.Contains($"{dropped} rows were dropped", recovered, StringComparison.Ordinal);
        Assert.Null(stream.Ended);
        Assert.Equal(3, service.Hub.SubscriberCount); // the writer's two subscriptions (positions, zones), never ended, and the test's stream
        Assert.Equal(0, service.Hub.DroppedTotal);
    }

    [Fact]
    public async Task Writer_SlowStoreOverflowsTwice_BothOverflowsLogged()
    {
        // A store that is slow, never failing: the real SQLite store behind a gate the test holds
        // shut (a deliberately slow store; nothing here can make a real file slow on cue). While a
        // write waits the buffer fills and overflows; the gate opens, the store catches up; the
        // next overflow must be logged again, not only after an outage recovers (commit 33636ef).
        var logs = new ListLoggerProvider();
        var store = new GatedStore(new SqliteHistoryStore(DbPath));
        await using var feed = new ReceiverFeed(); // connected, never sends: the hub gets only what the test publishes
        await using ServiceFixture service = await ServiceFixture.StartAsync(TimeProvider.System, logs, s => s.AddSingleton<IHistoryStore>(store),
        [
            "--BeidouHub:Receivers:0:Id=truck-a", $"--BeidouHub:Receivers:0:Source={feed.Uri}", .. HistoryOn(DbPath),
            "--BeidouHub:History:BufferLimit=4", "--BeidouHub:History:BatchSize=4",
        ]);
        HistoryWriter writer = service.Services.GetRequiredService<HistoryWriter>();
        await Eventually.True(() => writer.Batches > 0 && writer.Buffered == 0, "the receiver's state changes stored");

        int sequence = 0;
        string[] overflows = [];
        for (int round = 1; round <= 2; round++)
        {
            store.Hold();
            long dropped = writer.Dropped;
            for (int published = 1; writer.Dropped < dropped + 2; published++)
            {
                service.Hub.Publish(Position(++sequence));
                await Eventually.True(() => writer.Buffered + writer.Dropped - dropped >= published, $"position {sequence} buffered or dropped");
            }

            Assert.False(writer.Failing);
            store.Release();
            await Eventually.True(() => writer.Buffered == 0 && Lines("caught up").Length == round, $"the store caught up after overflow {round}, and said so");
            overflows = Lines("buffer full (4 rows)");
            Assert.Equal(round, overflows.Length);
        }

        Assert.All(overflows, l => Assert.Contains("slower than the receivers", l, StringComparison.Ordinal));
        Assert.Equal(writer.Dropped, Lines("caught up").Sum(l => long.Parse(l.Split(' ').SkipWhile(w => w != "again;").ElementAt(1), System.Globalization.CultureInfo.InvariantCulture)));
        Assert.False(writer.Failing);

        string[] Lines(string part) => [.. logs.Lines.Where(l => l.Category == typeof(HistoryWriter).FullName).Select(l => l.Message).Where(m => m.Contains(part, StringComparison.Ordinal))];
    }

    [Fact]
    public async Task Writer_ReplayedSeed_StoresEveryEpochOnceWithStateChanges()
    {
        await using (ServiceFixture service = await ServiceFixture.StartAsync(
        [
            "--BeidouHub:Receivers:0:Id=gate", $"--BeidouHub:Receivers:0:Source=replay://{Repo.Seed("park-gate-outage.nmea")}?speed=0",
            .. HistoryOn(DbPath),
        ]))
        {
            var worker = service.Services.GetRequiredService<Service.Receivers.ReceiverHost>().Workers.Single();
            HistoryWriter writer = service.Services.GetRequiredService<HistoryWriter>();
            await Eventually.True(() => worker.State == BeidouHub.Receiver.Workers.ReceiverState.Stopped && writer.Written == worker.Snapshot().Epochs && writer.Buffered == 0, "the whole seed stored");
            Assert.Equal(0, writer.Dropped);
        }

        var store = new SqliteHistoryStore(DbPath, readOnly: true);
        await store.OpenAsync(default);
        var all = new List<PositionRecord>();
        await foreach (PositionRecord r in store.ReadTrackAsync("gate", DateTime.UnixEpoch, DateTime.UtcNow.AddYears(10), 0, default))
        {
            all.Add(r);
        }

        var states = new List<string>();
        await foreach (ReceiverStateRecord s in store.ReadStatesAsync(["gate"], DateTime.UnixEpoch, DateTime.UtcNow.AddYears(10), default))
        {
            states.Add(s.State);
        }

        List<BeidouHub.Receiver.Epochs.Epoch> expected = Api.PositionsServiceTests.Decode(await File.ReadAllBytesAsync(Repo.Seed("park-gate-outage.nmea")), "gate");
        Assert.Equal(expected.Count(e => e.UtcTime is not null), all.Count);
        Assert.Equal(expected.Where(e => e.UtcTime is not null).Select(e => e.UtcTime), all.Select(r => (DateTime?)r.Time));
        Assert.Contains("Connected", states);
        Assert.Equal("Stopped", states[^1]);
    }

    [Fact]
    public async Task Writer_MaxRateHzOne_KeepsOneEpochPerSecondOfATenHertzReceiver()
    {
        await using (ServiceFixture service = await ServiceFixture.StartAsync(
        [
            "--BeidouHub:Receivers:0:Id=truck", $"--BeidouHub:Receivers:0:Source=replay://{Repo.Seed("park-vehicle-rtk-10hz.nmea")}?speed=0",
            .. HistoryOn(DbPath), "--BeidouHub:History:MaxRateHz=1",
        ]))
        {
            var worker = service.Services.GetRequiredService<Service.Receivers.ReceiverHost>().Workers.Single();
            HistoryWriter writer = service.Services.GetRequiredService<HistoryWriter>();
            await Eventually.True(() => worker.State == BeidouHub.Receiver.Workers.ReceiverState.Stopped && writer.Buffered == 0 && writer.Written > 0, "the seed read and stored");
            Assert.Equal(3000, worker.Snapshot().Epochs);
        }

        var store = new SqliteHistoryStore(DbPath, readOnly: true);
        await store.OpenAsync(default);
        var times = new List<DateTime>();
        await foreach (PositionRecord r in store.ReadTrackAsync("truck", DateTime.UnixEpoch, DateTime.UtcNow.AddYears(10), 0, default))
        {
            times.Add(r.Time);
        }

        // Five minutes at 10 Hz: one epoch per second of epoch time.
        Assert.Equal(300, times.Count);
        Assert.All(times.Zip(times.Skip(1)), p => Assert.Equal(TimeSpan.FromSeconds(1), p.Second - p.First));
    }

    [Fact]
    public async Task Writer_KeepDays_DeletesRowsOlderThanTheServiceClockSays()
    {
        // The service's clock a day and four minutes after the seed starts (02:00): with KeepDays=1
        // its first four minutes are past retention. BatchSize=1 wakes the writer for each row, so
        // the fake clock need not move for writes; retention runs at most once a minute of it.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 2, 4, 0, TimeSpan.Zero));
        await using ServiceFixture service = await ServiceFixture.StartAsync(clock,
        [
            "--BeidouHub:Receivers:0:Id=walker", $"--BeidouHub:Receivers:0:Source=replay://{Repo.Seed("park-handheld-bd-walk.nmea")}?speed=0",
            .. HistoryOn(DbPath), "--BeidouHub:History:BatchSize=1", "--BeidouHub:History:KeepDays=1",
        ]);
        HistoryWriter writer = service.Services.GetRequiredService<HistoryWriter>();
        await Eventually.True(() => writer.Written == 600 && writer.Buffered == 0, "the seed's 600 epochs stored");
        var store = new SqliteHistoryStore(DbPath, readOnly: true);
        await store.OpenAsync(default);
        DateTime seedEnd = new(2026, 11, 27, 2, 9, 59, DateTimeKind.Utc);
        Assert.Equal(seedEnd, Track(store, "walker")[^1].Time);

        // A minute on: the next retention is due once the writer's flush-interval timer fires.
        // Moving the clock by that interval while polling wakes it wherever it was waiting;
        // each step also moves the cutoff by as much, which the bound below allows for.
        clock.Advance(TimeSpan.FromMinutes(1));
        TimeSpan extra = TimeSpan.Zero;
        DateTime cutoff = new(2026, 11, 27, 2, 5, 0, DateTimeKind.Utc);
        await Eventually.True(() =>
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
            extra += TimeSpan.FromMilliseconds(100);
            return Track(store, "walker") is [{ } first, ..] && first.Time >= cutoff;
        }, "the rows before 02:05 deleted");

        List<PositionRecord> kept = Track(store, "walker");
        Assert.InRange(kept[0].Time, cutoff, cutoff + extra + TimeSpan.FromSeconds(1));
        Assert.Equal(seedEnd, kept[^1].Time);
        Assert.Equal((int)(seedEnd - kept[0].Time).TotalSeconds + 1, kept.Count); // the tail, none missing
    }

    [Fact]
    public async Task Writer_IdleThenPositions_EachWrittenAfterAFlushInterval()
    {
        // With nothing buffered the writer sleeps until a row comes (no timer): the first row after
        // idle must wake it, and a second one after it has gone idle again too.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 3, 0, 0, TimeSpan.Zero));
        await using var feed = new ReceiverFeed(); // connected, never sends: the hub gets only what the test publishes
        await using ServiceFixture service = await ServiceFixture.StartAsync(clock,
            ["--BeidouHub:Receivers:0:Id=truck-a", $"--BeidouHub:Receivers:0:Source={feed.Uri}", .. HistoryOn(DbPath)]);
        HistoryWriter writer = service.Services.GetRequiredService<HistoryWriter>();
        var store = new SqliteHistoryStore(DbPath, readOnly: true);

        for (int i = 1; i <= 2; i++)
        {
            service.Hub.Publish(Position(i));
            await Eventually.True(() =>
            {
                clock.Advance(TimeSpan.FromMilliseconds(100));
                return writer.Written == i && writer.Buffered == 0;
            }, $"position {i} written");
        }

        await store.OpenAsync(default);
        Assert.Equal([1L, 2L], Track(store, "truck-a").Select(r => r.Sequence));
    }

    private static Service.Hub.PositionUpdate Position(int sequence) => new()
    {
        ReceiverId = "truck-a",
        Sequence = sequence,
        Complete = true,
        Time = new DateTime(2026, 11, 27, 3, 0, sequence, DateTimeKind.Utc),
        Latitude = 27.8280,
        Longitude = 113.1340,
        UsedPerConstellation = new int[Receiver.Satellites.ConstellationNames.Count],
        Satellites = [],
        Zones = [],
    };

    [Fact]
    public async Task Service_KilledWhileWriting_StoreOpensWithAnUnbrokenPrefixOfTheSeed()
    {
        // The real service in a child process, killed with SIGKILL (Process.Kill) while it writes a
        // batch of ten every few milliseconds: what is stored must be whole batches, the seed's
        // epochs from the first on, without a hole.
        string service = Path.Combine(AppContext.BaseDirectory, "beidouhub.dll");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in (string[])[service, "--BeidouHub:Listen=http://127.0.0.1:0", "--BeidouHub:Receivers:0:Id=truck",
            $"--BeidouHub:Receivers:0:Source=replay://{Repo.Seed("park-vehicle-rtk-10hz.nmea")}?speed=10", .. HistoryOn(DbPath), "--BeidouHub:History:BatchSize=10"])
        {
            start.ArgumentList.Add(arg);
        }

        using (var child = System.Diagnostics.Process.Start(start)!)
        {
            child.OutputDataReceived += (_, _) => { };
            child.ErrorDataReceived += (_, _) => { };
            child.BeginOutputReadLine();
            child.BeginErrorReadLine();
            try
            {
                await Eventually.True(() => Count(DbPath) >= 300 || child.HasExited, "the child service storing positions");
            }
            finally
            {
                child.Kill();
                await child.WaitForExitAsync();
            }

            Assert.Equal(137, child.ExitCode);
        }

        var store = new SqliteHistoryStore(DbPath);
        await store.OpenAsync(default);
        List<PositionRecord> stored = Track(store, "truck");
        List<DateTime?> seed = [.. Api.PositionsServiceTests.Decode(await File.ReadAllBytesAsync(Repo.Seed("park-vehicle-rtk-10hz.nmea")), "truck").Select(e => e.UtcTime)];

        Assert.InRange(stored.Count, 300, seed.Count - 1);
        Assert.Equal(seed.Take(stored.Count), stored.Select(r => (DateTime?)r.Time));
        using var check = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        check.Open();
        using SqliteCommand q = check.CreateCommand();
        q.CommandText = "PRAGMA integrity_check;";
        Assert.Equal("ok", q.ExecuteScalar());
    }

    // Rows stored so far, read as another process would (0 before the file has its schema).
    private static long Count(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        try
        {
            using var c = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
            c.Open();
            using SqliteCommand q = c.CreateCommand();
            q.CommandText = "SELECT COUNT(*) FROM positions;";
            return (long)q.ExecuteScalar()!;
        }
        catch (SqliteException)
        {
            return 0;
        }
    }

    private static List<PositionRecord> Track(SqliteHistoryStore store, string receiver) =>
        store.ReadTrackAsync(receiver, DateTime.UnixEpoch, DateTime.UtcNow.AddYears(10), 0, default).ToBlockingEnumerable().ToList();

    internal static string[] HistoryOn(string path) =>
        ["--BeidouHub:History:Enabled=true", $"--BeidouHub:History:Path={path}", "--Logging:LogLevel:BeidouHub.Service.History=Information"];

    /// <summary>A store whose writes wait while the test holds them: slow on purpose, never failing.</summary>
    private sealed class GatedStore(IHistoryStore inner) : IHistoryStore
    {
        private volatile TaskCompletionSource _gate = Opened();

        public string Location => inner.Location;

        public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _gate.TrySetResult();

        public Task OpenAsync(CancellationToken cancel) => inner.OpenAsync(cancel);

        public async Task<int> WriteAsync(HistoryBatch batch, CancellationToken cancel)
        {
            await _gate.Task.WaitAsync(cancel);
            return await inner.WriteAsync(batch, cancel);
        }

        public IAsyncEnumerable<PositionRecord> ReadTrackAsync(string receiver, DateTime since, DateTime until, int maxPoints, CancellationToken cancel) => inner.ReadTrackAsync(receiver, since, until, maxPoints, cancel);

        public Task<(PositionRecord? Before, PositionRecord? After)> ReadAroundAsync(string receiver, DateTime time, CancellationToken cancel) => inner.ReadAroundAsync(receiver, time, cancel);

        public IAsyncEnumerable<ZoneEventRecord> ReadZoneEventsAsync(IReadOnlyCollection<string> receivers, IReadOnlyCollection<string> zones, DateTime since, DateTime until, CancellationToken cancel) => inner.ReadZoneEventsAsync(receivers, zones, since, until, cancel);

        public IAsyncEnumerable<ZoneEventRecord> ReadLastZoneEventsAsync(string zone, DateTime time, CancellationToken cancel) => inner.ReadLastZoneEventsAsync(zone, time, cancel);

        public IAsyncEnumerable<ReceiverStateRecord> ReadStatesAsync(IReadOnlyCollection<string> receivers, DateTime since, DateTime until, CancellationToken cancel) => inner.ReadStatesAsync(receivers, since, until, cancel);

        public Task<int> DeleteBeforeAsync(DateTime cutoff, int maxRows, CancellationToken cancel) => inner.DeleteBeforeAsync(cutoff, maxRows, cancel);

        private static TaskCompletionSource Opened()
        {
            var opened = new TaskCompletionSource();
            opened.SetResult();
            return opened;
        }
    }
}
