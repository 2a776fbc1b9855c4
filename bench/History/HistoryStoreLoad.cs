using System.Diagnostics;
using System.Globalization;
using BeidouHub.Store;
using BeidouHub.Store.Sqlite;

namespace BeidouHub.Bench.History;

/// <summary>
/// The history store on its own (issue 14's performance section), with positions shaped as the
/// writer makes them (an RTK rover's fields, 12 BeiDou + 9 GPS used, one zone in ten):
/// <c>history-write</c> feeds it as the service would, one batch per 100 ms at a given row rate,
/// and says whether it keeps pace, what a commit costs and what a row takes on disk;
/// <c>history-query</c> fills a file with N rows and times one-hour track queries in it.
/// </summary>
internal static class HistoryStoreLoad
{
    private static readonly DateTime Start = new(2026, 11, 27, 0, 0, 0, DateTimeKind.Utc);

    public static async Task<int> WriteAsync(string[] args)
    {
        int receivers = Option(args, "--receivers", 1000);
        int rate = Option(args, "--rate", 10);
        int seconds = Option(args, "--seconds", 30);
        string folder = Directory.CreateTempSubdirectory("beidouhub-history-bench-").FullName;
        string path = Path.Combine(folder, "history.db");
        try
        {
            var store = new SqliteHistoryStore(path);
            await store.OpenAsync(CancellationToken.None).ConfigureAwait(false);
            Console.WriteLine($"history-write: SQLite (WAL) at {path}; {receivers} receivers x {rate} Hz = {receivers * rate} rows/s, one batch per 100 ms, {seconds} s");
            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, load average {File.ReadAllText("/proc/loadavg").Trim()}");
            int perBatch = receivers * rate / 10;
            var commits = new List<double>();
            var batch = new HistoryBatch();
            long written = 0;
            TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            int batches = seconds * 10;
            long behind = 0;
            for (int b = 0; b < batches; b++)
            {
                // Paced like the writer: a batch every 100 ms of wall time, unless the last one overran.
                TimeSpan due = TimeSpan.FromMilliseconds(100 * b);
                if (clock.Elapsed < due)
                {
                    await Task.Delay(due - clock.Elapsed).ConfigureAwait(false);
                }
                else if (b > 0)
                {
                    behind++;
                }

                batch.Clear();
                Fill(batch, b, perBatch, receivers, rate);
                long t0 = Stopwatch.GetTimestamp();
                written += await store.WriteAsync(batch, CancellationToken.None).ConfigureAwait(false);
                commits.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }

            double wall = clock.Elapsed.TotalSeconds;
            double cores = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds / wall;
            commits.Sort();
            long bytes = new DirectoryInfo(folder).GetFiles().Sum(f => f.Length);
            double perRow = (double)bytes / written;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {written:N0} rows in {wall:F1} s = {written / wall:F0} rows/s ({behind} of {batches} batches started late); commit of {perBatch} rows p50 {Pick(commits, 0.5):F1} / p99 {Pick(commits, 0.99):F1} / max {commits[^1]:F1} ms; process CPU {cores:F2} cores"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"on disk: {bytes / 1048576.0:F1} MB (file + WAL) = {perRow:F0} B per row = {perRow * 864_000 / 1e6:F0} MB per receiver-day at 10 Hz, {perRow * 86_400 / 1e6:F1} MB at 1 Hz"));
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    public static async Task<int> QueryAsync(string[] args)
    {
        int rows = Option(args, "--rows", 10_000_000);
        int receivers = Option(args, "--receivers", 100);
        int rate = Option(args, "--rate", 10);
        int queries = Option(args, "--queries", 20);

        // --db PATH keeps the file (filled when absent, reused as it is when present), so two
        // builds can be timed on the same file, alternately, without filling it again.
        string? kept = TextOption(args, "--db");
        string folder = kept is null ? Directory.CreateTempSubdirectory("beidouhub-history-bench-").FullName : Path.GetDirectoryName(Path.GetFullPath(kept))!;
        string path = kept is null ? Path.Combine(folder, "history.db") : Path.GetFullPath(kept);
        bool fill = !File.Exists(path);
        try
        {
            var store = new SqliteHistoryStore(path);
            await store.OpenAsync(CancellationToken.None).ConfigureAwait(false);
            Console.WriteLine($"SQLite connection mutexes {(SqliteHistoryStore.ConnectionMutexesOff ? "off (multi-thread mode)" : "on (serialized mode)")}");
            Console.WriteLine($"history-query: SQLite (WAL) at {path}: {rows:N0} rows, {receivers} receivers x {rate} Hz ({rows / receivers / rate / 3600.0:F1} h each){(fill ? "" : ", file reused as it is")}");
            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, load average {File.ReadAllText("/proc/loadavg").Trim()}");
            if (fill)
            {
                var clock = Stopwatch.StartNew();
                TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                var batch = new HistoryBatch();
                int perBatch = receivers * rate; // one second of the fleet per transaction
                for (int second = 0; (long)second * perBatch < rows; second++)
                {
                    batch.Clear();
                    for (int tenth = 0; tenth < 10; tenth++)
                    {
                        Fill(batch, (second * 10) + tenth, perBatch / 10, receivers, rate);
                    }

                    await store.WriteAsync(batch, CancellationToken.None).ConfigureAwait(false);
                }

                double cores = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds / clock.Elapsed.TotalSeconds;
                long bytes = new DirectoryInfo(folder).GetFiles("history.db*").Sum(f => f.Length);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"filled in {clock.Elapsed.TotalSeconds:F0} s ({rows / clock.Elapsed.TotalSeconds:F0} rows/s unpaced, {cores:F2} cores), {bytes / 1048576.0:F0} MB"));
            }

            // One hour of one receiver, 36,000 rows at 10 Hz: receivers and hours spread over the file.
            var rng = new Random(7);
            var times = new List<double>();
            int hours = Math.Max(1, rows / receivers / rate / 3600);
            for (int q = 0; q < queries; q++)
            {
                string receiver = $"rx-{rng.Next(receivers)}";
                DateTime since = Start.AddHours(rng.Next(hours));
                long allocated = GC.GetAllocatedBytesForCurrentThread();
                long t0 = Stopwatch.GetTimestamp();
                int n = 0;
                await foreach (PositionRecord _ in store.ReadTrackAsync(receiver, since, since.AddHours(1), 0, CancellationToken.None).ConfigureAwait(false))
                {
                    n++;
                }

                double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
                times.Add(ms);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"query {q + 1}: {receiver} {since:HH:mm}-{since.AddHours(1):HH:mm}: {n:N0} rows in {ms:F1} ms, {allocated / 1048576.0:F1} MB allocated"));
            }

            times.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"one-hour track: p50 {Pick(times, 0.5):F1} / max {times[^1]:F1} ms (first queries read from disk, later ones partly from the page cache)"));
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (kept is null)
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    // Epoch `tick` (100 ms each) of `count` receivers, as an RTK rover's complete position.
    private static void Fill(HistoryBatch batch, int tick, int count, int receivers, int rate)
    {
        int everyTicks = 10 / Math.Clamp(rate, 1, 10);
        if (tick % everyTicks != 0)
        {
            return;
        }

        DateTime time = Start.AddTicks(tick * TimeSpan.TicksPerMillisecond * 100);
        for (int i = 0; i < count && i < receivers; i++)
        {
            double phase = (tick * 0.001) + i;
            batch.Positions.Add(new PositionRecord
            {
                Receiver = $"rx-{i}",
                Time = time,
                Sequence = tick + 1,
                Quality = 4,
                Mode = 3,
                Rtk = 2,
                Latitude = 27.86 + (0.001 * Math.Sin(phase)),
                Longitude = 113.17 + (0.001 * Math.Cos(phase)),
                AltitudeMsl = 58.2,
                GeoidSeparation = -20.6,
                GridEpsg = 4547,
                GridNorthing = 3_083_000 + (100 * Math.Sin(phase)),
                GridEasting = 418_000 + (100 * Math.Cos(phase)),
                SpeedMps = 10,
                CourseDeg = (tick * 0.1) % 360,
                Hdop = 0.77,
                Vdop = 1.5,
                Pdop = 1.7,
                SigmaLatitude = 0.008,
                SigmaLongitude = 0.006,
                SigmaAltitude = 0.02,
                DiffAge = 0.9,
                DiffStation = 101,
                Used = [9, 0, 0, 12, 0, 0, 0],
                Zones = i % 10 == 0 ? ["loading-dock"] : [],
            });
        }
    }

    private static double Pick(List<double> sorted, double q) => sorted[Math.Min(sorted.Count - 1, (int)(q * sorted.Count))];

    private static string? TextOption(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
