using System.Diagnostics;
using BeidouHub.Store;
using BeidouHub.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace BeidouHub.Service.Tests.Store;

/// <summary>The store contract on SQLite, a file in a temporary folder per test; and a writer killed mid-transaction.</summary>
public sealed class SqliteHistoryStoreTests : HistoryStoreContractTests, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("beidouhub-store-").FullName;

    private string DbPath => Path.Combine(_dir, "sub", "history.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    protected override Task<IHistoryStore> CreateAsync(bool forReading = false) => Task.FromResult<IHistoryStore>(new SqliteHistoryStore(DbPath, forReading));

    protected override async Task ExecuteAsync(string sql)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DbPath)!);
        await using (var c = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            await c.OpenAsync();
            await using SqliteCommand q = c.CreateCommand();
            q.CommandText = sql;
            await q.ExecuteNonQueryAsync();
        }

        // The store's pooled connections read the file afresh.
        SqliteConnection.ClearAllPools();
    }

    protected override async Task<object?> ScalarAsync(string sql)
    {
        await using var c = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        await c.OpenAsync();
        await using SqliteCommand q = c.CreateCommand();
        q.CommandText = sql;
        return await q.ExecuteScalarAsync();
    }

    [SkippableFact]
    public async Task OpenAsync_AfterAWriterKilledMidTransaction_HasEveryCommittedBatch()
    {
        // A real kill -9 in the middle of a write: a python3 child (its sqlite3 module is another
        // build of SQLite, the file format is the same) inserts into an open transaction with a tiny
        // page cache, so uncommitted pages reach the WAL, then sends itself SIGKILL.
        string? python = FindOnPath("python3");
        Skip.If(python is null, "python3 is not installed (CI installs it for the foreign-client tests)");
        IHistoryStore store = await OpenAsync();
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
}
