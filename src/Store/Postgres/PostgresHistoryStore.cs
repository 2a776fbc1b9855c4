using System.Globalization;
using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace BeidouHub.Store.Postgres;

/// <summary>
/// The history in a PostgreSQL database (Npgsql), for a park that already runs one: the tables of
/// <see cref="Sqlite.SqliteHistoryStore"/> with the same contract (a batch in one transaction, a
/// position of a receiver at a time already stored skipped, half-open UTC ranges, retention in small
/// chunks). With PostGIS on the server the positions also get a CGCS2000 geometry column (see
/// <see cref="HasGeometry"/>); without it, plain columns only. Connections come from Npgsql's pool:
/// a connection the server dropped (a restart) is discarded when an operation fails on it, and the
/// next operation opens a new one.
/// </summary>
public sealed class PostgresHistoryStore : IHistoryStore, IAsyncDisposable
{
    // PostgreSQL takes at most 65,535 parameters per statement: 1,000 positions of 34 columns each.
    private const int RowsPerInsert = 1000;

    // One migrating service at a time (two services starting together on an empty database):
    // a transaction-scoped advisory lock, "BeidouHub" in ASCII.
    private const long MigrationLock = 0x42656964_6f754875;

    private static readonly NpgsqlDbType[] PositionTypes =
    [
        NpgsqlDbType.Integer, NpgsqlDbType.TimestampTz, NpgsqlDbType.Bigint, NpgsqlDbType.Smallint, NpgsqlDbType.Smallint, NpgsqlDbType.Smallint,
        NpgsqlDbType.Double, NpgsqlDbType.Double, NpgsqlDbType.Double, NpgsqlDbType.Double,
        NpgsqlDbType.Integer, NpgsqlDbType.Text, NpgsqlDbType.Double, NpgsqlDbType.Double,
        NpgsqlDbType.Double, NpgsqlDbType.Double, NpgsqlDbType.Double, NpgsqlDbType.Double,
        NpgsqlDbType.Double, NpgsqlDbType.Double, NpgsqlDbType.Double,
        NpgsqlDbType.Double, NpgsqlDbType.Double, NpgsqlDbType.Double, NpgsqlDbType.Double, NpgsqlDbType.Integer,
        NpgsqlDbType.Smallint, NpgsqlDbType.Smallint, NpgsqlDbType.Smallint, NpgsqlDbType.Smallint, NpgsqlDbType.Smallint, NpgsqlDbType.Smallint, NpgsqlDbType.Smallint,
        NpgsqlDbType.Array | NpgsqlDbType.Text,
    ];

    private static readonly NpgsqlDbType[] ZoneEventTypes = [NpgsqlDbType.Integer, NpgsqlDbType.TimestampTz, NpgsqlDbType.Text, NpgsqlDbType.Smallint, NpgsqlDbType.Double, NpgsqlDbType.Double];
    private static readonly NpgsqlDbType[] StateTypes = [NpgsqlDbType.Integer, NpgsqlDbType.TimestampTz, NpgsqlDbType.Text, NpgsqlDbType.Text];

    private readonly NpgsqlDataSource _source;
    private readonly bool _readOnly;
    private readonly Dictionary<string, int> _receiverIds = new(StringComparer.Ordinal);
    private readonly Lock _idsLock = new();

    /// <param name="connectionString">An Npgsql connection string: <c>Host=...;Port=5432;Database=...;Username=...;Password=...</c>.</param>
    /// <param name="readOnly">Only read (the <c>history</c> verb): the schema must be there; nothing is created.</param>
    public PostgresHistoryStore(string connectionString, bool readOnly = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        _readOnly = readOnly;
        Location = string.Create(CultureInfo.InvariantCulture, $"PostgreSQL database {builder.Database ?? builder.Username ?? "(default)"} on {builder.Host}:{builder.Port}");
        _source = NpgsqlDataSource.Create(builder);
    }

    /// <summary>
    /// What is wrong with a connection string (a keyword Npgsql does not know, a bad value, no
    /// host), in a sentence that does not repeat it (it may hold a password); null when it is usable.
    /// </summary>
    public static string? CheckConnectionString(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return string.IsNullOrWhiteSpace(builder.Host) ? "must name the server (Host=...)" : null;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            return "not an Npgsql connection string: " + e.Message;
        }
    }

    /// <summary>Where the history is, for logs and messages (host, port and database; never the password).</summary>
    public string Location { get; }

    /// <summary>
    /// After <see cref="OpenAsync"/>: true when the server has PostGIS and positions carry a
    /// <c>geom geometry(PointZ, 4490)</c> column (CGCS2000 longitude, latitude, altitude MSL) with a
    /// GiST index; false when PostGIS is not installed on the server or may not be created here.
    /// </summary>
    public bool HasGeometry { get; private set; }

    /// <inheritdoc/>
    public async Task OpenAsync(CancellationToken cancel)
    {
        await using NpgsqlConnection c = await _source.OpenConnectionAsync(cancel).ConfigureAwait(false);
        if (_readOnly)
        {
            int found = await SchemaVersionAsync(c, null, cancel).ConfigureAwait(false);
            if (found == 0)
            {
                throw new InvalidDataException($"{Location} is not a BeidouHub history (no schema_version table)");
            }

            CheckNotNewer(found);
            HasGeometry = await HasGeometryColumnAsync(c, cancel).ConfigureAwait(false);
            return;
        }

        await using (NpgsqlTransaction t = await c.BeginTransactionAsync(cancel).ConfigureAwait(false))
        {
            await ExecuteAsync(c, t, $"SELECT pg_advisory_xact_lock({MigrationLock});", cancel).ConfigureAwait(false);
            await ExecuteAsync(c, t, "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL, applied_at timestamptz NOT NULL);", cancel).ConfigureAwait(false);
            int version = await SchemaVersionAsync(c, t, cancel).ConfigureAwait(false);
            CheckNotNewer(version);
            for (int v = version; v < PostgresSchema.Version; v++)
            {
                await ExecuteAsync(c, t, PostgresSchema.Steps[v], cancel).ConfigureAwait(false);
                await ExecuteAsync(c, t, string.Create(CultureInfo.InvariantCulture, $"INSERT INTO schema_version (version, applied_at) VALUES ({v + 1}, now());"), cancel).ConfigureAwait(false);
            }

            await t.CommitAsync(cancel).ConfigureAwait(false);
        }

        HasGeometry = await TryAddGeometryAsync(c, cancel).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<int> WriteAsync(HistoryBatch batch, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(batch);
        try
        {
            return await WriteCoreAsync(batch, cancel).ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
            // After a server restart every idle connection in the pool is dead, and each would fail
            // one retry of the writer in turn: drop them all, the next write connects afresh.
            _source.Clear();
            throw;
        }
    }

    private async Task<int> WriteCoreAsync(HistoryBatch batch, CancellationToken cancel)
    {
        await using NpgsqlConnection c = await _source.OpenConnectionAsync(cancel).ConfigureAwait(false);
        await using NpgsqlTransaction t = await c.BeginTransactionAsync(cancel).ConfigureAwait(false);
        Dictionary<string, int> ids = await ReceiverIdsAsync(c, t, batch, cancel).ConfigureAwait(false);

        // One round trip for the batch: multi-row INSERTs, the positions' with ON CONFLICT DO NOTHING
        // (a row whose key is already stored, or earlier in the same statement, is skipped, as
        // SQLite's INSERT OR IGNORE does; COPY has no such clause).
        await using var statements = new NpgsqlBatch(c, t);
        int positionStatements = Add(statements, """
            INSERT INTO positions (receiver, time, sequence, quality, mode, rtk, lat, lon, alt_msl, geoid_sep,
                grid_epsg, grid_name, grid_n, grid_e, park_e, park_n, speed_mps, course_deg, hdop, vdop, pdop,
                sigma_lat, sigma_lon, sigma_alt, diff_age, diff_station,
                used_gps, used_glonass, used_galileo, used_beidou, used_qzss, used_navic, used_sbas, zones) VALUES
            """, " ON CONFLICT (receiver, time) DO NOTHING", PositionTypes, batch.Positions, r =>
            [
                ids[r.Receiver], Stored(r.Time), r.Sequence, (short)r.Quality, (short)r.Mode, (short)r.Rtk,
                r.Latitude, r.Longitude, r.AltitudeMsl, r.GeoidSeparation, r.GridEpsg, r.GridName, r.GridNorthing, r.GridEasting,
                r.ParkEast, r.ParkNorth, r.SpeedMps, r.CourseDeg, r.Hdop, r.Vdop, r.Pdop,
                r.SigmaLatitude, r.SigmaLongitude, r.SigmaAltitude, r.DiffAge, r.DiffStation,
                Used(r, 0), Used(r, 1), Used(r, 2), Used(r, 3), Used(r, 4), Used(r, 5), Used(r, 6),
                r.Zones.Length == 0 ? null : r.Zones,
            ]);
        Add(statements, "INSERT INTO zone_events (receiver, time, zone, kind, park_e, park_n) VALUES", "", ZoneEventTypes, batch.ZoneEvents, e =>
            [ids[e.Receiver], Stored(e.Time), e.Zone, (short)e.Kind, e.ParkEast, e.ParkNorth]);
        Add(statements, "INSERT INTO receiver_states (receiver, time, state, detail) VALUES", "", StateTypes, batch.States, s =>
            [ids[s.Receiver], Stored(s.Time), s.State, s.Detail]);

        int stored = 0;
        if (statements.BatchCommands.Count > 0)
        {
            await statements.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
            for (int i = 0; i < positionStatements; i++)
            {
                stored += statements.BatchCommands[i].RecordsAffected;
            }
        }

        await t.CommitAsync(cancel).ConfigureAwait(false);

        // Known ids only once their rows are committed (a rolled-back batch takes its new receivers with it).
        lock (_idsLock)
        {
            foreach ((string name, int id) in ids)
            {
                _receiverIds[name] = id;
            }
        }

        return stored;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<PositionRecord> ReadTrackAsync(string receiver, DateTime since, DateTime until, int maxPoints, [EnumeratorCancellation] CancellationToken cancel)
    {
        await using NpgsqlConnection c = await _source.OpenConnectionAsync(cancel).ConfigureAwait(false);
        if (await FindReceiverAsync(c, receiver, cancel).ConfigureAwait(false) is not { } id)
        {
            yield break;
        }

        long stride = 1;
        if (maxPoints > 0)
        {
            await using NpgsqlCommand count = Range(c, "SELECT COUNT(*) FROM positions", id, since, until, "");
            long n = (long)(await count.ExecuteScalarAsync(cancel).ConfigureAwait(false))!;
            stride = Math.Max(1, (n + maxPoints - 1) / maxPoints);
        }

        await using NpgsqlCommand read = Range(c, "SELECT " + PositionColumns + " FROM positions", id, since, until, " ORDER BY time");
        await using NpgsqlDataReader rows = await read.ExecuteReaderAsync(cancel).ConfigureAwait(false);
        for (long i = 0; await rows.ReadAsync(cancel).ConfigureAwait(false); i++)
        {
            if (i % stride == 0)
            {
                yield return ReadPosition(rows, receiver);
            }
        }
    }

    /// <inheritdoc/>
    public async Task<(PositionRecord? Before, PositionRecord? After)> ReadAroundAsync(string receiver, DateTime time, CancellationToken cancel)
    {
        await using NpgsqlConnection c = await _source.OpenConnectionAsync(cancel).ConfigureAwait(false);
        if (await FindReceiverAsync(c, receiver, cancel).ConfigureAwait(false) is not { } id)
        {
            return (null, null);
        }

        return (await OneAsync("<=", "DESC").ConfigureAwait(false), await OneAsync(">=", "ASC").ConfigureAwait(false));

        async Task<PositionRecord?> OneAsync(string compare, string order)
        {
            await using NpgsqlCommand q = new($"SELECT {PositionColumns} FROM positions WHERE receiver = $1 AND time {compare} $2 ORDER BY time {order} LIMIT 1;", c);
            q.Parameters.Add(new NpgsqlParameter<int> { TypedValue = id });
            q.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Stored(time) });
            await using NpgsqlDataReader rows = await q.ExecuteReaderAsync(cancel).ConfigureAwait(false);
            return await rows.ReadAsync(cancel).ConfigureAwait(false) ? ReadPosition(rows, receiver) : null;
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ZoneEventRecord> ReadZoneEventsAsync(IReadOnlyCollection<string> receivers, IReadOnlyCollection<string> zones, DateTime since, DateTime until, [EnumeratorCancellation] CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(receivers);
        ArgumentNullException.ThrowIfNull(zones);
        await using NpgsqlConnection c = await _source.OpenConnectionAsync(cancel).ConfigureAwait(false);
        await using var q = new NpgsqlCommand(
            """
            SELECT e.kind, r.name, e.zone, e.time, e.park_e, e.park_n
            FROM zone_events e JOIN receivers r ON r.id = e.receiver
            WHERE e.time >= $1 AND e.time < $2
            """, c);
        q.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Stored(since) });
        q.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Stored(until) });
        q.CommandText += InList(q, "r.name", receivers) + InList(q, "e.zone", zones) + " ORDER BY e.time, e.id;";
        await using NpgsqlDataReader rows = await q.ExecuteReaderAsync(cancel).ConfigureAwait(false);
        while (await rows.ReadAsync(cancel).ConfigureAwait(false))
        {
            yield return ReadZoneEvent(rows);
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ZoneEventRecord> ReadLastZoneEventsAsync(string zone, DateTime time, [EnumeratorCancellation] CancellationToken cancel)
    {
        await using NpgsqlConnection c = await _source.OpenConnectionAsync(cancel).ConfigureAwait(false);

        // Each receiver's latest Enter (0) or Exit (1); names in byte order (COLLATE "C"), as SQLite sorts them.
        await using var q = new NpgsqlCommand(
            """
            SELECT kind, name, zone, time, park_e, park_n FROM (
                SELECT DISTINCT ON (e.receiver) e.kind, r.name, e.zone, e.time, e.park_e, e.park_n
                FROM zone_events e JOIN receivers r ON r.id = e.receiver
                WHERE e.zone = $1 AND e.time < $2 AND e.kind IN (0, 1)
                ORDER BY e.receiver, e.time DESC, e.id DESC) last
            ORDER BY name COLLATE "C";
            """, c);
        q.Parameters.Add(new NpgsqlParameter<string> { TypedValue = zone });
        q.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Stored(time) });
        await using NpgsqlDataReader rows = await q.ExecuteReaderAsync(cancel).ConfigureAwait(false);
        while (await rows.ReadAsync(cancel).ConfigureAwait(false))
        {
            yield return ReadZoneEvent(rows);
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ReceiverStateRecord> ReadStatesAsync(IReadOnlyCollection<string> receivers, DateTime since, DateTime until, [EnumeratorCancellation] CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(receivers);
        await using NpgsqlConnection c = await _source.OpenConnectionAsync(cancel).ConfigureAwait(false);
        await using var q = new NpgsqlCommand(
            """
            SELECT r.name, s.time, s.state, s.detail
            FROM receiver_states s JOIN receivers r ON r.id = s.receiver
            WHERE s.time >= $1 AND s.time < $2
            """, c);
        q.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Stored(since) });
        q.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Stored(until) });
        q.CommandText += InList(q, "r.name", receivers) + " ORDER BY s.time, s.id;";
        await using NpgsqlDataReader rows = await q.ExecuteReaderAsync(cancel).ConfigureAwait(false);
        while (await rows.ReadAsync(cancel).ConfigureAwait(false))
        {
            yield return new ReceiverStateRecord(rows.GetString(0), rows.GetDateTime(1), rows.GetString(2), rows.IsDBNull(3) ? null : rows.GetString(3));
        }
    }

    /// <inheritdoc/>
    public async Task<int> DeleteBeforeAsync(DateTime cutoff, int maxRows, CancellationToken cancel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        await using NpgsqlConnection c = await _source.OpenConnectionAsync(cancel).ConfigureAwait(false);
        var ids = new List<int>();
        await using (var list = new NpgsqlCommand("SELECT id FROM receivers ORDER BY id;", c))
        await using (NpgsqlDataReader rows = await list.ExecuteReaderAsync(cancel).ConfigureAwait(false))
        {
            while (await rows.ReadAsync(cancel).ConfigureAwait(false))
            {
                ids.Add(rows.GetInt32(0));
            }
        }

        // Receiver by receiver, through the (receiver, time) indexes: each chunk is a range read of
        // an index, never a scan of the table; short transactions, so the writer is never held up long.
        int deleted = 0;
        await using NpgsqlTransaction t = await c.BeginTransactionAsync(cancel).ConfigureAwait(false);
        foreach (int id in ids)
        {
            foreach (string table in (string[])["positions", "zone_events", "receiver_states"])
            {
                if (deleted >= maxRows)
                {
                    break;
                }

                string key = table == "positions" ? "time" : "id";
                await using var delete = new NpgsqlCommand($"DELETE FROM {table} WHERE receiver = $1 AND {key} IN (SELECT {key} FROM {table} WHERE receiver = $1 AND time < $2 ORDER BY time LIMIT $3);", c, t);
                delete.Parameters.Add(new NpgsqlParameter<int> { TypedValue = id });
                delete.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Stored(cutoff) });
                delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = maxRows - deleted });
                deleted += await delete.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
            }
        }

        await t.CommitAsync(cancel).ConfigureAwait(false);
        return deleted;
    }

    /// <summary>Closes the pool's connections.</summary>
    public ValueTask DisposeAsync() => _source.DisposeAsync();

    /// <summary>
    /// A time as stored: UTC (converted as the SQLite store converts it), truncated to the
    /// microsecond, PostgreSQL's resolution (SQLite's store keeps the same microseconds).
    /// </summary>
    internal static DateTime Stored(DateTime time)
    {
        DateTime utc = time.ToUniversalTime();
        return new DateTime(utc.Ticks - (utc.Ticks % 10), DateTimeKind.Utc);
    }

    private const string PositionColumns = "time, " + PositionRows.AfterTime;

    private static PositionRecord ReadPosition(NpgsqlDataReader r, string receiver) =>
        PositionRows.Read(r, receiver, r.GetDateTime(0), r.IsDBNull(PositionRows.Zones) ? [] : r.GetFieldValue<string[]>(PositionRows.Zones));

    private static ZoneEventRecord ReadZoneEvent(NpgsqlDataReader r) =>
        new(r.GetInt16(0), r.GetString(1), r.GetString(2), r.GetDateTime(3), r.GetDouble(4), r.GetDouble(5));

    private static double? Real(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    private static short Used(PositionRecord r, int i) => i < r.Used.Length ? (short)r.Used[i] : (short)0;

    // Multi-row INSERTs of the rows into the batch, RowsPerInsert rows per statement; returns how many statements.
    private static int Add<T>(NpgsqlBatch batch, string head, string tail, NpgsqlDbType[] types, List<T> rows, Func<T, object?[]> values)
    {
        int statements = 0;
        for (int start = 0; start < rows.Count; start += RowsPerInsert)
        {
            int count = Math.Min(RowsPerInsert, rows.Count - start);
            var command = new NpgsqlBatchCommand();
            var sql = new System.Text.StringBuilder(head.Length + (count * types.Length * 6));
            sql.Append(head);
            for (int i = 0; i < count; i++)
            {
                sql.Append(i == 0 ? " (" : ", (");
                object?[] row = values(rows[start + i]);
                for (int column = 0; column < types.Length; column++)
                {
                    command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = types[column], Value = row[column] ?? DBNull.Value });
                    sql.Append(column == 0 ? "$" : ", $").Append(command.Parameters.Count.ToString(CultureInfo.InvariantCulture));
                }

                sql.Append(')');
            }

            command.CommandText = sql.Append(tail).ToString();
            batch.BatchCommands.Add(command);
            statements++;
        }

        return statements;
    }

    // The batch's receivers by id: new names inserted in the batch's transaction (ON CONFLICT: another
    // writer may have added the same name), known ones from the cache.
    private async Task<Dictionary<string, int>> ReceiverIdsAsync(NpgsqlConnection c, NpgsqlTransaction t, HistoryBatch batch, CancellationToken cancel)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var missing = new HashSet<string>(StringComparer.Ordinal);
        lock (_idsLock)
        {
            foreach (string name in batch.Positions.Select(p => p.Receiver).Concat(batch.ZoneEvents.Select(e => e.Receiver)).Concat(batch.States.Select(s => s.Receiver)))
            {
                if (_receiverIds.TryGetValue(name, out int id))
                {
                    ids[name] = id;
                }
                else
                {
                    missing.Add(name);
                }
            }
        }

        if (missing.Count == 0)
        {
            return ids;
        }

        string[] names = [.. missing];
        await using (var insert = new NpgsqlCommand("INSERT INTO receivers (name) SELECT unnest($1) ON CONFLICT (name) DO NOTHING;", c, t))
        {
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = names, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            await insert.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
        }

        await using var select = new NpgsqlCommand("SELECT name, id FROM receivers WHERE name = ANY($1);", c, t);
        select.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = names, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await using NpgsqlDataReader rows = await select.ExecuteReaderAsync(cancel).ConfigureAwait(false);
        while (await rows.ReadAsync(cancel).ConfigureAwait(false))
        {
            ids[rows.GetString(0)] = rows.GetInt32(1);
        }

        return ids;
    }

    private async Task<int?> FindReceiverAsync(NpgsqlConnection c, string receiver, CancellationToken cancel)
    {
        lock (_idsLock)
        {
            if (_receiverIds.TryGetValue(receiver, out int known))
            {
                return known;
            }
        }

        await using var q = new NpgsqlCommand("SELECT id FROM receivers WHERE name = $1;", c);
        q.Parameters.Add(new NpgsqlParameter<string> { TypedValue = receiver });
        return await q.ExecuteScalarAsync(cancel).ConfigureAwait(false) is int id ? id : null;
    }

    private static NpgsqlCommand Range(NpgsqlConnection c, string select, int receiver, DateTime since, DateTime until, string tail)
    {
        var q = new NpgsqlCommand(select + " WHERE receiver = $1 AND time >= $2 AND time < $3" + tail + ";", c);
        q.Parameters.Add(new NpgsqlParameter<int> { TypedValue = receiver });
        q.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Stored(since) });
        q.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Stored(until) });
        return q;
    }

    private static string InList(NpgsqlCommand q, string column, IReadOnlyCollection<string> values)
    {
        if (values.Count == 0)
        {
            return "";
        }

        q.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. values], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        return string.Create(CultureInfo.InvariantCulture, $" AND {column} = ANY(${q.Parameters.Count})");
    }

    // PostGIS when the server has it; the store works the same without. CREATE EXTENSION needs a
    // superuser (or the database's owner for a trusted extension), so a role that may not create
    // it still gets the geometry when an administrator has created it in the database.
    private static async Task<bool> TryAddGeometryAsync(NpgsqlConnection c, CancellationToken cancel)
    {
        await using (var available = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'postgis');", c))
        {
            if (!(bool)(await available.ExecuteScalarAsync(cancel).ConfigureAwait(false))!)
            {
                return false;
            }
        }

        try
        {
            await ExecuteAsync(c, null, "CREATE EXTENSION IF NOT EXISTS postgis;", cancel).ConfigureAwait(false);
        }
        catch (PostgresException)
        {
            // Not allowed here (insufficient privilege): plain columns, unless it is already there.
        }

        await using (var installed = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'postgis');", c))
        {
            if (!(bool)(await installed.ExecuteScalarAsync(cancel).ConfigureAwait(false))!)
            {
                return false;
            }
        }

        if (!await HasGeometryColumnAsync(c, cancel).ConfigureAwait(false))
        {
            await using NpgsqlTransaction t = await c.BeginTransactionAsync(cancel).ConfigureAwait(false);
            await ExecuteAsync(c, t, $"SELECT pg_advisory_xact_lock({MigrationLock});", cancel).ConfigureAwait(false);
            await ExecuteAsync(c, t, PostgresSchema.Geometry, cancel).ConfigureAwait(false);
            await t.CommitAsync(cancel).ConfigureAwait(false);
        }

        return true;
    }

    private static async Task<bool> HasGeometryColumnAsync(NpgsqlConnection c, CancellationToken cancel)
    {
        await using var q = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'positions' AND column_name = 'geom');", c);
        return (bool)(await q.ExecuteScalarAsync(cancel).ConfigureAwait(false))!;
    }

    private void CheckNotNewer(int version)
    {
        if (version > PostgresSchema.Version)
        {
            throw new InvalidDataException($"{Location} has history schema version {version}; this BeidouHub knows up to {PostgresSchema.Version} (written by a newer version?)");
        }
    }

    private static async Task<int> SchemaVersionAsync(NpgsqlConnection c, NpgsqlTransaction? t, CancellationToken cancel)
    {
        await using var q = new NpgsqlCommand("SELECT to_regclass('schema_version') IS NOT NULL;", c, t);
        if (!(bool)(await q.ExecuteScalarAsync(cancel).ConfigureAwait(false))!)
        {
            return 0;
        }

        q.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version;";
        return (int)(await q.ExecuteScalarAsync(cancel).ConfigureAwait(false))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection c, NpgsqlTransaction? t, string sql, CancellationToken cancel)
    {
        await using var command = new NpgsqlCommand(sql, c, t);
        await command.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
    }
}
