using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace BeidouHub.Store.Sqlite;

/// <summary>
/// One SQLite statement on a connection of Microsoft.Data.Sqlite, through SQLitePCLRaw (which that
/// driver ships on): parameters bound and columns read by index, the statement reset and reused for
/// every row. The positions' hot paths go this way: SqliteDataReader costs ~2.5 us a row of 34
/// columns and SqliteParameter binds by name, looking each one up in the statement's parameter list
/// (bench/README.md, History store). Errors surface as the driver's own <see cref="SqliteException"/>.
/// </summary>
internal sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    // The statement's native pointer, for the column getters below: valid while _statement is,
    // which this object owns and disposes.
    private readonly nint _handle;

    // The last text read by Text, and its bytes: a track's grid name is the same row after row.
    private byte[] _lastTextBytes = [];
    private string? _lastText;

    public SqliteStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        int rc = raw.sqlite3_prepare_v2(_db, sql, out _statement);
        if (rc != raw.SQLITE_OK)
        {
            _statement.Dispose();
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        _handle = _statement.DangerousGetHandle();
    }

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public void Bind(int index, double? value) => Check(value is { } v ? raw.sqlite3_bind_double(_statement, index, v) : raw.sqlite3_bind_null(_statement, index));

    public void Bind(int index, long? value) => Check(value is { } v ? raw.sqlite3_bind_int64(_statement, index, v) : raw.sqlite3_bind_null(_statement, index));

    public void Bind(int index, string? value) => Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text(_statement, index, value));

    public void BindUtf8(int index, ReadOnlySpan<byte> value) => Check(raw.sqlite3_bind_text(_statement, index, value));

    /// <summary>Runs the statement to its end (an INSERT, a DELETE); returns the rows it changed.</summary>
    public int Execute()
    {
        int rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE && rc != raw.SQLITE_ROW)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return raw.sqlite3_changes(_db);
    }

    /// <summary>The next row: true with a row to read, false at the end.</summary>
    public bool Step()
    {
        int rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return false;
    }

    /// <summary>Back to before the first row, the bindings kept.</summary>
    public void Reset() => raw.sqlite3_reset(_statement);

    // The column getters call e_sqlite3 directly rather than through SQLitePCLRaw, whose every call
    // adds an interface call and a SafeHandle's AddRef/Release: a position row is ~55 such calls,
    // and they were most of a long track's read (bench/README.md, History store).
    public bool IsNull(int column) => Native.sqlite3_column_type(_handle, column) == raw.SQLITE_NULL;

    public long Int64(int column) => Native.sqlite3_column_int64(_handle, column);

    public int Int32(int column) => Native.sqlite3_column_int(_handle, column);

    // A NULL reads as 0.0, so only a zero needs the second call that tells the two apart: most
    // columns of a position are not zero, and each call into SQLite costs ~15 ns.
    public double? Real(int column)
    {
        double value = Native.sqlite3_column_double(_handle, column);
        return value == 0 && IsNull(column) ? null : value;
    }

    public int? NullableInt32(int column)
    {
        int value = Native.sqlite3_column_int(_handle, column);
        return value == 0 && IsNull(column) ? null : value;
    }

    public string? Text(int column)
    {
        ReadOnlySpan<byte> bytes = raw.sqlite3_column_blob(_statement, column);
        if (bytes.IsEmpty && IsNull(column))
        {
            return null;
        }

        if (_lastText is null || !bytes.SequenceEqual(_lastTextBytes))
        {
            _lastTextBytes = bytes.ToArray();
            _lastText = System.Text.Encoding.UTF8.GetString(bytes);
        }

        return _lastText;
    }

    /// <summary>The column's UTF-8 bytes, valid until the next step.</summary>
    public ReadOnlySpan<byte> Utf8(int column) => raw.sqlite3_column_blob(_statement, column);

    /// <summary>
    /// A position row selected as <c>time_us, </c><see cref="PositionRows.AfterTime"/> (the zones a
    /// JSON array of text, as <see cref="SqliteHistoryStore.WriteAsync"/> stores them).
    /// </summary>
    public PositionRecord Position(string receiver) => new()
    {
        Receiver = receiver,
        Time = SqliteHistoryStore.Time(Int64(0)),
        Sequence = Int64(1),
        Quality = Int32(2),
        Mode = Int32(3),
        Rtk = Int32(4),
        Latitude = Real(5),
        Longitude = Real(6),
        AltitudeMsl = Real(7),
        GeoidSeparation = Real(8),
        GridEpsg = Int32(9),
        GridName = Text(10),
        GridNorthing = Real(11),
        GridEasting = Real(12),
        ParkEast = Real(13),
        ParkNorth = Real(14),
        SpeedMps = Real(15),
        CourseDeg = Real(16),
        Hdop = Real(17),
        Vdop = Real(18),
        Pdop = Real(19),
        SigmaLatitude = Real(20),
        SigmaLongitude = Real(21),
        SigmaAltitude = Real(22),
        DiffAge = Real(23),
        DiffStation = NullableInt32(24),
        Used = [Int32(25), Int32(26), Int32(27), Int32(28), Int32(29), Int32(30), Int32(31)],
        Zones = Utf8(PositionRows.Zones) is { IsEmpty: false } zones ? JsonSerializer.Deserialize(zones, StoreJson.Default.StringArray) ?? [] : [],
    };

    public void Dispose() => _statement.Dispose();

    // Blittable arguments and results only, so nothing is marshalled; none of these blocks or
    // calls back, so the GC transition is left out. The library is the one Microsoft.Data.Sqlite
    // loads (SQLitePCLRaw.bundle_e_sqlite3: runtimes/RID/native beside the JIT build, beside the
    // binary in a published one).
    private static class Native
    {
        private const string Library = "e_sqlite3";

        [DllImport(Library), SuppressGCTransition, DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
        public static extern int sqlite3_column_type(nint statement, int column);

        [DllImport(Library), SuppressGCTransition, DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
        public static extern long sqlite3_column_int64(nint statement, int column);

        [DllImport(Library), SuppressGCTransition, DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
        public static extern int sqlite3_column_int(nint statement, int column);

        [DllImport(Library), SuppressGCTransition, DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
        public static extern double sqlite3_column_double(nint statement, int column);
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
