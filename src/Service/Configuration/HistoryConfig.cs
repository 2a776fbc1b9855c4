namespace BeidouHub.Service.Configuration;

/// <summary>
/// <c>BeidouHub:History</c>: every complete position, zone event and receiver state change kept in
/// a SQLite file or a PostgreSQL database, written in batches off the hot path (issue 14).
/// </summary>
internal sealed class HistoryConfig
{
    public const string Section = "BeidouHub:History";

    /// <summary>Keep the history. On by default: the embedded default keeps it in <see cref="Path"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Where: <see cref="HistoryStoreKind.Sqlite"/> (the default, a local file, no server) or <see cref="HistoryStoreKind.Postgres"/>.</summary>
    public HistoryStoreKind Store { get; set; } = HistoryStoreKind.Sqlite;

    /// <summary>The SQLite file, relative to the working directory; its folder is created.</summary>
    public string Path { get; set; } = "data/history.db";

    /// <summary>
    /// For <see cref="HistoryStoreKind.Postgres"/>: an Npgsql connection string,
    /// <c>Host=db.park;Port=5432;Database=beidouhub;Username=beidouhub;Password=...</c>. The database
    /// must exist; the tables are created in it.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>At most this long between a row's arrival and its transaction (one transaction per interval or per <see cref="BatchSize"/> rows).</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Rows per transaction at most; a full batch is written at once.</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>Rows held while the store is slow or failing; beyond them new rows are counted as dropped.</summary>
    public int BufferLimit { get; set; } = 100_000;

    /// <summary>Positions kept per receiver per second at most (by epoch time); 0 keeps every epoch.</summary>
    public double MaxRateHz { get; set; }

    /// <summary>Rows older than this many days are deleted in the background, in small chunks; 0 keeps everything.</summary>
    public double KeepDays { get; set; }
}

/// <summary>Which store keeps the history.</summary>
internal enum HistoryStoreKind
{
    /// <summary>A SQLite file (<see cref="HistoryConfig.Path"/>).</summary>
    Sqlite,

    /// <summary>A PostgreSQL database (<see cref="HistoryConfig.ConnectionString"/>).</summary>
    Postgres,
}
