namespace BeidouHub.Store.Sqlite;

/// <summary>
/// The schema, by version. A store at an older version is brought forward one step at a time in
/// <see cref="SqliteHistoryStore.OpenAsync"/>; a newer one (written by a later BeidouHub) is refused.
/// </summary>
internal static class SqliteSchema
{
    public const int Version = 1;

    // Times are UTC microseconds since 1970 (what PostgreSQL's timestamptz holds). Receivers are
    // numbered once, so a position row carries a small integer rather than the id's text. The
    // positions table is clustered on (receiver, time): a receiver's hour is one range read, and a
    // replayed log's epochs (same receiver, same time) are stored once.
    public static readonly string[] Steps =
    [
        """
        CREATE TABLE receivers (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
        );
        CREATE TABLE positions (
            receiver INTEGER NOT NULL REFERENCES receivers(id),
            time_us INTEGER NOT NULL,
            sequence INTEGER NOT NULL,
            quality INTEGER NOT NULL,
            mode INTEGER NOT NULL,
            rtk INTEGER NOT NULL,
            lat REAL, lon REAL, alt_msl REAL, geoid_sep REAL,
            grid_epsg INTEGER NOT NULL, grid_name TEXT, grid_n REAL, grid_e REAL,
            park_e REAL, park_n REAL,
            speed_mps REAL, course_deg REAL,
            hdop REAL, vdop REAL, pdop REAL,
            sigma_lat REAL, sigma_lon REAL, sigma_alt REAL,
            diff_age REAL, diff_station INTEGER,
            used_gps INTEGER NOT NULL, used_glonass INTEGER NOT NULL, used_galileo INTEGER NOT NULL,
            used_beidou INTEGER NOT NULL, used_qzss INTEGER NOT NULL, used_navic INTEGER NOT NULL,
            used_sbas INTEGER NOT NULL,
            zones TEXT,
            PRIMARY KEY (receiver, time_us)
        ) WITHOUT ROWID;
        CREATE TABLE zone_events (
            receiver INTEGER NOT NULL REFERENCES receivers(id),
            time_us INTEGER NOT NULL,
            zone TEXT NOT NULL,
            kind INTEGER NOT NULL,
            park_e REAL NOT NULL,
            park_n REAL NOT NULL
        );
        CREATE INDEX zone_events_by_receiver_time ON zone_events (receiver, time_us);
        CREATE INDEX zone_events_by_zone_time ON zone_events (zone, time_us);
        CREATE TABLE receiver_states (
            receiver INTEGER NOT NULL REFERENCES receivers(id),
            time_us INTEGER NOT NULL,
            state TEXT NOT NULL,
            detail TEXT
        );
        CREATE INDEX receiver_states_by_receiver_time ON receiver_states (receiver, time_us);
        """,
    ];
}
