using System.Diagnostics;
using System.Globalization;
using BeidouHub.Store;
using BeidouHub.Store.Sqlite;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace BeidouHub.Bench.History;

/// <summary>
/// Where a one-hour track query's time goes (<c>history-profile --db FILE</c>, a file made by
/// <c>history-query --db FILE</c>): the same queries timed in layers, each adding one part to the
/// one before: sqlite3_step alone (the B-tree walk and page reads), step and the 34 column getters
/// of SQLitePCLRaw, step through SqliteDataReader (Read only), SqliteDataReader with its getters
/// (what the store did before), the store's ReadTrackAsync as the service calls it; then step and getters again on a
/// connection with mmap_size 1 GB and one with a 64 MB page cache.
/// </summary>
internal static class HistoryReadProfile
{
    private static readonly DateTime Start = new(2026, 11, 27, 0, 0, 0, DateTimeKind.Utc);

    private const string Select = """
        SELECT time_us, sequence, quality, mode, rtk, lat, lon, alt_msl, geoid_sep, grid_epsg, grid_name, grid_n, grid_e, park_e, park_n,
            speed_mps, course_deg, hdop, vdop, pdop, sigma_lat, sigma_lon, sigma_alt, diff_age, diff_station,
            used_gps, used_glonass, used_galileo, used_beidou, used_qzss, used_navic, used_sbas, zones
        FROM positions WHERE receiver = $r AND time_us >= $from AND time_us < $to ORDER BY time_us;
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        string path = Path.GetFullPath(args[Array.IndexOf(args, "--db") + 1]);
        int receivers = 100;
        int hours = 2;
        int rounds = 10;
        Console.WriteLine($"history-profile: {path}; machine: {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Trim()}");
        var store = new SqliteHistoryStore(path, readOnly: true);
        await store.OpenAsync(CancellationToken.None).ConfigureAwait(false);
        using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly }.ToString());
        c.Open();

        // The same reads on connections set up differently: memory-mapped pages, a larger page cache.
        using var mapped = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        mapped.Open();
        Pragma(mapped, "PRAGMA mmap_size=1073741824;");
        using var cached = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        cached.Open();
        Pragma(cached, "PRAGMA cache_size=-65536;");

        string[] layers = ["step only (raw)", "step + 33 getters (raw)", "SqliteDataReader.Read only", "SqliteDataReader + getters", "store ReadTrackAsync", "step + getters, mmap 1 GB", "step + getters, cache 64 MB"];
        var times = layers.Select(_ => new List<double>()).ToArray();
        var bytes = new long[layers.Length];
        var rng = new Random(7);
        for (int round = 0; round < rounds; round++)
        {
            long receiver = rng.Next(receivers) + 1; // ids in order of first write: rx-0 is 1
            DateTime since = Start.AddHours(rng.Next(hours));
            for (int layer = 0; layer < layers.Length; layer++)
            {
                long allocated = GC.GetAllocatedBytesForCurrentThread();
                long t0 = Stopwatch.GetTimestamp();
                int n = layer switch
                {
                    0 => Raw(c, receiver, since, getters: false),
                    1 => Raw(c, receiver, since, getters: true),
                    2 => Reader(c, receiver, since, getters: false),
                    3 => Reader(c, receiver, since, getters: true),
                    4 => await Store(store, $"rx-{receiver - 1}", since).ConfigureAwait(false),
                    5 => Raw(mapped, receiver, since, getters: true),
                    _ => Raw(cached, receiver, since, getters: true),
                };
                times[layer].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                bytes[layer] += GC.GetAllocatedBytesForCurrentThread() - allocated;
                if (n != 36_000)
                {
                    Console.WriteLine($"layer {layer}: {n} rows, not 36,000");
                }
            }
        }

        for (int layer = 0; layer < layers.Length; layer++)
        {
            times[layer].Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{layers[layer],-28} p50 {times[layer][rounds / 2],6:F1} ms  min {times[layer][0],6:F1} ms  {bytes[layer] / rounds / 36_000.0,5:F0} B allocated a row"));
        }

        SqliteConnection.ClearAllPools();
        return 0;
    }

    private static int Raw(SqliteConnection c, long receiver, DateTime since, bool getters)
    {
        int rc = raw.sqlite3_prepare_v2(c.Handle, Select, out sqlite3_stmt statement);
        Check(rc, c);
        using (statement)
        {
            raw.sqlite3_bind_int64(statement, 1, receiver);
            raw.sqlite3_bind_int64(statement, 2, SqliteHistoryStore.Micros(since));
            raw.sqlite3_bind_int64(statement, 3, SqliteHistoryStore.Micros(since.AddHours(1)));
            int n = 0;
            double sum = 0;
            while (raw.sqlite3_step(statement) == raw.SQLITE_ROW)
            {
                n++;
                if (getters)
                {
                    for (int i = 0; i < 33; i++)
                    {
                        sum += raw.sqlite3_column_type(statement, i) switch
                        {
                            raw.SQLITE_INTEGER => raw.sqlite3_column_int64(statement, i),
                            raw.SQLITE_FLOAT => raw.sqlite3_column_double(statement, i),
                            raw.SQLITE_TEXT => raw.sqlite3_column_blob(statement, i).Length,
                            _ => 0,
                        };
                    }
                }
            }

            GC.KeepAlive(sum);
            return n;
        }
    }

    private static int Reader(SqliteConnection c, long receiver, DateTime since, bool getters)
    {
        using SqliteCommand q = c.CreateCommand();
        q.CommandText = Select;
        q.Parameters.AddWithValue("$r", receiver);
        q.Parameters.AddWithValue("$from", SqliteHistoryStore.Micros(since));
        q.Parameters.AddWithValue("$to", SqliteHistoryStore.Micros(since.AddHours(1)));
        using SqliteDataReader rows = q.ExecuteReader();
        int n = 0;
        double sum = 0;
        while (rows.Read())
        {
            n++;
            if (getters)
            {
                for (int i = 0; i < 33; i++)
                {
                    sum += rows.IsDBNull(i) ? 0 : rows.GetFieldType(i) == typeof(double) ? rows.GetDouble(i) : rows.GetFieldType(i) == typeof(long) ? rows.GetInt64(i) : rows.GetString(i).Length;
                }
            }
        }

        GC.KeepAlive(sum);
        return n;
    }

    private static async Task<int> Store(SqliteHistoryStore store, string receiver, DateTime since)
    {
        int n = 0;
        await foreach (PositionRecord _ in store.ReadTrackAsync(receiver, since, since.AddHours(1), 0, CancellationToken.None).ConfigureAwait(false))
        {
            n++;
        }

        return n;
    }

    private static void Pragma(SqliteConnection c, string sql)
    {
        using SqliteCommand q = c.CreateCommand();
        q.CommandText = sql;
        q.ExecuteNonQuery();
    }

    private static void Check(int rc, SqliteConnection c)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new InvalidOperationException(raw.sqlite3_errmsg(c.Handle).utf8_to_string());
        }
    }
}
