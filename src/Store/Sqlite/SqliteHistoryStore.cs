using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace BeidouHub.Store.Sqlite;

/// <summary>
/// The history in one SQLite file (Microsoft.Data.Sqlite), in WAL mode: readers never wait for the
/// writer, and a transaction that was committed survives the process being killed (WAL with
/// synchronous=NORMAL loses no committed transaction to a crash of the process, only, at worst, the
/// last ones to a power cut). A connection per operation from the driver's pool, so an operation
/// that failed (file locked, disk full) leaves nothing behind for the next one.
/// </summary>
public sealed class SqliteHistoryStore : IHistoryStore
{
    private static readonly long UnixTicks = DateTime.UnixEpoch.Ticks;

    /// <summary>
    /// True when SQLite runs in multi-thread mode in this process (set once, before its first
    /// connection): a connection then has no mutex of its own, which every sqlite3_step, bind and
    /// column call otherwise takes and gives back (a third of a long track's read; bench/README.md,
    /// History store). Safe here because a connection is only ever used by one operation at a
    /// time (one per operation, from the pool). False when something in the process opened SQLite
    /// before this class was first used: then it stays in its default serialized mode, as correct
    /// and slower.
    /// </summary>
    public static bool ConnectionMutexesOff { get; } = MultiThreadMode();
    private readonly string _connectionString;
    private readonly bool _readOnly;
    private readonly Dictionary<string, long> _receiverIds = new(StringComparer.Ordinal);
    private readonly Lock _idsLock = new();

    /// <param name="path">The database file; its folder is created by <see cref="OpenAsync"/>.</param>
    /// <param name="readOnly">Open for reading only (the <c>history</c> verb): the file must exist.</param>
    /// <param name="busyTimeout">How long a write waits for a lock that another connection holds before it fails.</param>
    public SqliteHistoryStore(string path, bool readOnly = false, TimeSpan? busyTimeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _readOnly = readOnly;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            DefaultTimeout = (int)Math.Ceiling((busyTimeout ?? TimeSpan.FromSeconds(2)).TotalSeconds),
            Pooling = true,
        }.ToString();
    }

    /// <summary>The database file, absolute.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    public string Location => Path;

    /// <inheritdoc/>
    public async Task OpenAsync(CancellationToken cancel)
    {
        if (!_readOnly && System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        await using SqliteConnection c = await ConnectAsync(cancel).ConfigureAwait(false);
        if (_readOnly)
        {
            int found = SchemaVersion(c);
            if (found == 0)
            {
                throw new InvalidDataException($"{Path} is not a BeidouHub history (no schema_version table)");
            }

            CheckNotNewer(found);
            return;
        }

        // WAL is a property of the file: set once, every later connection finds it.
        Execute(c, "PRAGMA journal_mode=WAL;");
        Execute(c, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL);");
        int version = SchemaVersion(c);
        CheckNotNewer(version);
        for (int v = version; v < SqliteSchema.Version; v++)
        {
            using SqliteTransaction t = c.BeginTransaction();
            Execute(c, SqliteSchema.Steps[v], t);
            using SqliteCommand mark = c.CreateCommand();
            mark.Transaction = t;
            mark.CommandText = "INSERT INTO schema_version (version, applied_at) VALUES ($v, $at);";
            mark.Parameters.AddWithValue("$v", v + 1);
            mark.Parameters.AddWithValue("$at", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            mark.ExecuteNonQuery();
            t.Commit();
        }
    }

    /// <inheritdoc/>
    public async Task<int> WriteAsync(HistoryBatch batch, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await using SqliteConnection c = await ConnectAsync(cancel).ConfigureAwait(false);

        // BEGIN IMMEDIATE: the write lock is taken (or waited for) at the start, not half-way.
        using SqliteTransaction t = c.BeginTransaction(deferred: false);
        var added = new Dictionary<string, long>(StringComparer.Ordinal);
        int stored = 0;
        if (batch.Positions.Count > 0)
        {
            // One statement for the batch, its 34 parameters bound by index for each row.
            using var insert = new SqliteStatement(c, """
                INSERT OR IGNORE INTO positions (receiver, time_us, sequence, quality, mode, rtk, lat, lon, alt_msl, geoid_sep,
                    grid_epsg, grid_name, grid_n, grid_e, park_e, park_n, speed_mps, course_deg, hdop, vdop, pdop,
                    sigma_lat, sigma_lon, sigma_alt, diff_age, diff_station,
                    used_gps, used_glonass, used_galileo, used_beidou, used_qzss, used_navic, used_sbas, zones)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                    ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34);
                """);
            foreach (PositionRecord r in batch.Positions)
            {
                cancel.ThrowIfCancellationRequested();
                insert.Bind(1, ReceiverId(c, t, r.Receiver, added));
                insert.Bind(2, Micros(r.Time));
                insert.Bind(3, r.Sequence);
                insert.Bind(4, r.Quality);
                insert.Bind(5, r.Mode);
                insert.Bind(6, r.Rtk);
                insert.Bind(7, r.Latitude);
                insert.Bind(8, r.Longitude);
                insert.Bind(9, r.AltitudeMsl);
                insert.Bind(10, r.GeoidSeparation);
                insert.Bind(11, r.GridEpsg);
                insert.Bind(12, r.GridName);
                insert.Bind(13, r.GridNorthing);
                insert.Bind(14, r.GridEasting);
                insert.Bind(15, r.ParkEast);
                insert.Bind(16, r.ParkNorth);
                insert.Bind(17, r.SpeedMps);
                insert.Bind(18, r.CourseDeg);
                insert.Bind(19, r.Hdop);
                insert.Bind(20, r.Vdop);
                insert.Bind(21, r.Pdop);
                insert.Bind(22, r.SigmaLatitude);
                insert.Bind(23, r.SigmaLongitude);
                insert.Bind(24, r.SigmaAltitude);
                insert.Bind(25, r.DiffAge);
                insert.Bind(26, r.DiffStation);
                for (int i = 0; i < 7; i++)
                {
                    insert.Bind(27 + i, Used(r, i));
                }

                if (r.Zones.Length == 0)
                {
                    insert.Bind(34, (string?)null);
                }
                else
                {
                    insert.BindUtf8(34, JsonSerializer.SerializeToUtf8Bytes(r.Zones, StoreJson.Default.StringArray));
                }

                stored += insert.Execute();
            }
        }

        if (batch.ZoneEvents.Count > 0)
        {
            using SqliteCommand insert = c.CreateCommand();
            insert.Transaction = t;
            insert.CommandText = "INSERT INTO zone_events (receiver, time_us, zone, kind, park_e, park_n) VALUES ($r, $t, $z, $k, $e, $n);";
            foreach (ZoneEventRecord e in batch.ZoneEvents)
            {
                insert.Parameters.Clear();
                insert.Parameters.AddWithValue("$r", ReceiverId(c, t, e.Receiver, added));
                insert.Parameters.AddWithValue("$t", Micros(e.Time));
                insert.Parameters.AddWithValue("$z", e.Zone);
                insert.Parameters.AddWithValue("$k", e.Kind);
                insert.Parameters.AddWithValue("$e", e.ParkEast);
                insert.Parameters.AddWithValue("$n", e.ParkNorth);
                insert.ExecuteNonQuery();
            }
        }

        if (batch.States.Count > 0)
        {
            using SqliteCommand insert = c.CreateCommand();
            insert.Transaction = t;
            insert.CommandText = "INSERT INTO receiver_states (receiver, time_us, state, detail) VALUES ($r, $t, $s, $d);";
            foreach (ReceiverStateRecord s in batch.States)
            {
                insert.Parameters.Clear();
                insert.Parameters.AddWithValue("$r", ReceiverId(c, t, s.Receiver, added));
                insert.Parameters.AddWithValue("$t", Micros(s.Time));
                insert.Parameters.AddWithValue("$s", s.State);
                insert.Parameters.AddWithValue("$d", (object?)s.Detail ?? DBNull.Value);
                insert.ExecuteNonQuery();
            }
        }

        t.Commit();

        // Known ids only once their rows are committed (a rolled-back batch takes its new receivers with it).
        lock (_idsLock)
        {
            foreach ((string name, long id) in added)
            {
                _receiverIds[name] = id;
            }
        }

        return stored;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<PositionRecord> ReadTrackAsync(string receiver, DateTime since, DateTime until, int maxPoints, [EnumeratorCancellation] CancellationToken cancel)
    {
        await using SqliteConnection c = await ConnectAsync(cancel).ConfigureAwait(false);
        if (FindReceiver(c, receiver) is not { } id)
        {
            yield break;
        }

        long stride = 1;
        if (maxPoints > 0)
        {
            using SqliteCommand count = Range(c, "SELECT COUNT(*) FROM positions", id, since, until, "");
            long n = (long)count.ExecuteScalar()!;
            stride = Math.Max(1, (n + maxPoints - 1) / maxPoints);
        }

        // Read through SQLitePCLRaw by column index, not SqliteDataReader: most of a long track's
        // time was the driver handing out 34 columns a row (bench/README.md, History store).
        using var read = new SqliteStatement(c, "SELECT " + PositionColumns + " FROM positions WHERE receiver = ?1 AND time_us >= ?2 AND time_us < ?3 ORDER BY time_us;");
        read.Bind(1, id);
        read.Bind(2, Micros(since));
        read.Bind(3, Micros(until));
        for (long i = 0; read.Step(); i++)
        {
            if (i % 4096 == 0)
            {
                cancel.ThrowIfCancellationRequested();
            }

            if (i % stride == 0)
            {
                yield return read.Position(receiver);
            }
        }
    }

    /// <inheritdoc/>
    public async Task<(PositionRecord? Before, PositionRecord? After)> ReadAroundAsync(string receiver, DateTime time, CancellationToken cancel)
    {
        await using SqliteConnection c = await ConnectAsync(cancel).ConfigureAwait(false);
        if (FindReceiver(c, receiver) is not { } id)
        {
            return (null, null);
        }

        return (One("<=", "DESC"), One(">=", "ASC"));

        PositionRecord? One(string compare, string order)
        {
            using var q = new SqliteStatement(c, $"SELECT {PositionColumns} FROM positions WHERE receiver = ?1 AND time_us {compare} ?2 ORDER BY time_us {order} LIMIT 1;");
            q.Bind(1, id);
            q.Bind(2, Micros(time));
            return q.Step() ? q.Position(receiver) : null;
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ZoneEventRecord> ReadZoneEventsAsync(IReadOnlyCollection<string> receivers, IReadOnlyCollection<string> zones, DateTime since, DateTime until, [EnumeratorCancellation] CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(receivers);
        ArgumentNullException.ThrowIfNull(zones);
        await using SqliteConnection c = await ConnectAsync(cancel).ConfigureAwait(false);
        using SqliteCommand q = c.CreateCommand();
        q.CommandText = """
            SELECT e.kind, r.name, e.zone, e.time_us, e.park_e, e.park_n
            FROM zone_events e JOIN receivers r ON r.id = e.receiver
            WHERE e.time_us >= $from AND e.time_us < $to
            """ + InList(q, "r.name", receivers, "$r") + InList(q, "e.zone", zones, "$z") + " ORDER BY e.time_us, e.rowid;";
        q.Parameters.AddWithValue("$from", Micros(since));
        q.Parameters.AddWithValue("$to", Micros(until));
        using SqliteDataReader rows = await q.ExecuteReaderAsync(cancel).ConfigureAwait(false);
        while (await rows.ReadAsync(cancel).ConfigureAwait(false))
        {
            yield return new ZoneEventRecord(rows.GetInt32(0), rows.GetString(1), rows.GetString(2), Time(rows.GetInt64(3)), rows.GetDouble(4), rows.GetDouble(5));
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ZoneEventRecord> ReadLastZoneEventsAsync(string zone, DateTime time, [EnumeratorCancellation] CancellationToken cancel)
    {
        await using SqliteConnection c = await ConnectAsync(cancel).ConfigureAwait(false);
        using SqliteCommand q = c.CreateCommand();

        // SQLite gives the other columns of the row where MAX() found its value (a bare column
        // with a single MAX aggregate); kinds 0 and 1 are Enter and Exit.
        q.CommandText = """
            SELECT e.kind, r.name, e.zone, MAX(e.time_us), e.park_e, e.park_n
            FROM zone_events e JOIN receivers r ON r.id = e.receiver
            WHERE e.zone = $z AND e.time_us < $t AND e.kind IN (0, 1)
            GROUP BY e.receiver ORDER BY r.name;
            """;
        q.Parameters.AddWithValue("$z", zone);
        q.Parameters.AddWithValue("$t", Micros(time));
        using SqliteDataReader rows = await q.ExecuteReaderAsync(cancel).ConfigureAwait(false);
        while (await rows.ReadAsync(cancel).ConfigureAwait(false))
        {
            yield return new ZoneEventRecord(rows.GetInt32(0), rows.GetString(1), rows.GetString(2), Time(rows.GetInt64(3)), rows.GetDouble(4), rows.GetDouble(5));
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ReceiverStateRecord> ReadStatesAsync(IReadOnlyCollection<string> receivers, DateTime since, DateTime until, [EnumeratorCancellation] CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(receivers);
        await using SqliteConnection c = await ConnectAsync(cancel).ConfigureAwait(false);
        using SqliteCommand q = c.CreateCommand();
        q.CommandText = """
            SELECT r.name, s.time_us, s.state, s.detail
            FROM receiver_states s JOIN receivers r ON r.id = s.receiver
            WHERE s.time_us >= $from AND s.time_us < $to
            """ + InList(q, "r.name", receivers, "$r") + " ORDER BY s.time_us, s.rowid;";
        q.Parameters.AddWithValue("$from", Micros(since));
        q.Parameters.AddWithValue("$to", Micros(until));
        using SqliteDataReader rows = await q.ExecuteReaderAsync(cancel).ConfigureAwait(false);
        while (await rows.ReadAsync(cancel).ConfigureAwait(false))
        {
            yield return new ReceiverStateRecord(rows.GetString(0), Time(rows.GetInt64(1)), rows.GetString(2), rows.IsDBNull(3) ? null : rows.GetString(3));
        }
    }

    /// <inheritdoc/>
    public async Task<int> DeleteBeforeAsync(DateTime cutoff, int maxRows, CancellationToken cancel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        await using SqliteConnection c = await ConnectAsync(cancel).ConfigureAwait(false);
        var ids = new List<long>();
        using (SqliteCommand list = c.CreateCommand())
        {
            list.CommandText = "SELECT id FROM receivers ORDER BY id;";
            using SqliteDataReader rows = list.ExecuteReader();
            while (rows.Read())
            {
                ids.Add(rows.GetInt64(0));
            }
        }

        // Receiver by receiver, through the (receiver, time) keys: each chunk is a range read of
        // the index, never a scan of the table.
        int deleted = 0;
        using SqliteTransaction t = c.BeginTransaction(deferred: false);
        foreach (long id in ids)
        {
            foreach (string table in (string[])["positions", "zone_events", "receiver_states"])
            {
                if (deleted >= maxRows)
                {
                    break;
                }

                using SqliteCommand delete = c.CreateCommand();
                delete.Transaction = t;
                string key = table == "positions" ? "time_us" : "rowid";
                delete.CommandText = $"DELETE FROM {table} WHERE receiver = $r AND {key} IN (SELECT {key} FROM {table} WHERE receiver = $r AND time_us < $cut ORDER BY time_us LIMIT $n);";
                delete.Parameters.AddWithValue("$r", id);
                delete.Parameters.AddWithValue("$cut", Micros(cutoff));
                delete.Parameters.AddWithValue("$n", maxRows - deleted);
                deleted += delete.ExecuteNonQuery();
            }
        }

        t.Commit();
        return deleted;
    }

    /// <summary>UTC microseconds since 1970, the stored time.</summary>
    public static long Micros(DateTime time) => (time.ToUniversalTime().Ticks - UnixTicks) / 10;

    /// <summary>The stored time as a UTC <see cref="DateTime"/>.</summary>
    public static DateTime Time(long micros) => new(UnixTicks + (micros * 10), DateTimeKind.Utc);

    /// <summary>Page cache per connection, KiB (SQLite's default is 2,000).</summary>
    internal const int CacheKiB = 16 * 1024;

    private const string PositionColumns = "time_us, " + PositionRows.AfterTime;

    private static int Used(PositionRecord r, int i) => i < r.Used.Length ? r.Used[i] : 0;

    private static bool MultiThreadMode()
    {
        SQLitePCL.Batteries_V2.Init();
        return SQLitePCL.raw.sqlite3_config(SQLitePCL.raw.SQLITE_CONFIG_MULTITHREAD) == SQLitePCL.raw.SQLITE_OK;
    }

    private async Task<SqliteConnection> ConnectAsync(CancellationToken cancel)
    {
        _ = ConnectionMutexesOff; // the mode is chosen before this process's first connection
        var c = new SqliteConnection(_connectionString);
        try
        {
            await c.OpenAsync(cancel).ConfigureAwait(false);

            // SQLite's default page cache is 2 MB (500 pages): 1,000 receivers writing at once touch
            // 1,000 leaf pages and their parents in every batch, so each batch re-read them from the
            // OS through a system call each. The connections are pooled, so the cache outlives a batch.
            Execute(c, $"PRAGMA cache_size=-{CacheKiB};");
            if (!_readOnly)
            {
                // Per connection: with WAL, NORMAL syncs at checkpoints, not at every commit; a
                // killed process loses no committed transaction.
                Execute(c, "PRAGMA synchronous=NORMAL;");
            }

            return c;
        }
        catch
        {
            await c.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private long? FindReceiver(SqliteConnection c, string receiver)
    {
        lock (_idsLock)
        {
            if (_receiverIds.TryGetValue(receiver, out long known))
            {
                return known;
            }
        }

        using SqliteCommand q = c.CreateCommand();
        q.CommandText = "SELECT id FROM receivers WHERE name = $n;";
        q.Parameters.AddWithValue("$n", receiver);
        return q.ExecuteScalar() is long id ? id : null;
    }

    private long ReceiverId(SqliteConnection c, SqliteTransaction t, string receiver, Dictionary<string, long> added)
    {
        if (added.TryGetValue(receiver, out long id))
        {
            return id;
        }

        lock (_idsLock)
        {
            if (_receiverIds.TryGetValue(receiver, out id))
            {
                return id;
            }
        }

        using SqliteCommand q = c.CreateCommand();
        q.Transaction = t;
        q.CommandText = "INSERT OR IGNORE INTO receivers (name) VALUES ($n); SELECT id FROM receivers WHERE name = $n;";
        q.Parameters.AddWithValue("$n", receiver);
        id = (long)q.ExecuteScalar()!;
        added[receiver] = id;
        return id;
    }

    private static SqliteCommand Range(SqliteConnection c, string select, long receiver, DateTime since, DateTime until, string tail)
    {
        SqliteCommand q = c.CreateCommand();
        q.CommandText = select + " WHERE receiver = $r AND time_us >= $from AND time_us < $to" + tail + ";";
        q.Parameters.AddWithValue("$r", receiver);
        q.Parameters.AddWithValue("$from", Micros(since));
        q.Parameters.AddWithValue("$to", Micros(until));
        return q;
    }

    private static string InList(SqliteCommand q, string column, IReadOnlyCollection<string> values, string prefix)
    {
        if (values.Count == 0)
        {
            return "";
        }

        var names = new List<string>(values.Count);
        foreach (string v in values)
        {
            string name = prefix + names.Count.ToString(CultureInfo.InvariantCulture);
            q.Parameters.AddWithValue(name, v);
            names.Add(name);
        }

        return $" AND {column} IN ({string.Join(", ", names)})";
    }

    private void CheckNotNewer(int version)
    {
        if (version > SqliteSchema.Version)
        {
            throw new InvalidDataException($"{Path} has history schema version {version}; this BeidouHub knows up to {SqliteSchema.Version} (written by a newer version?)");
        }
    }

    private static int SchemaVersion(SqliteConnection c)
    {
        using SqliteCommand q = c.CreateCommand();
        q.CommandText = "SELECT CASE WHEN EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version') THEN 1 ELSE 0 END;";
        if ((long)q.ExecuteScalar()! == 0)
        {
            return 0;
        }

        q.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version;";
        return (int)(long)q.ExecuteScalar()!;
    }

    private static void Execute(SqliteConnection c, string sql, SqliteTransaction? t = null)
    {
        using SqliteCommand command = c.CreateCommand();
        command.Transaction = t;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class StoreJson : System.Text.Json.Serialization.JsonSerializerContext;
