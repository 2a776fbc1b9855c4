namespace BeidouHub.Store.Postgres;

/// <summary>
/// The schema, by version, as <see cref="Sqlite.SqliteSchema"/> keeps it for SQLite: the same tables
/// and keys, PostgreSQL's types. A store at an older version is brought forward one step at a time
/// in <see cref="PostgresHistoryStore.OpenAsync"/>; a newer one is refused.
/// </summary>
internal static class PostgresSchema
{
    public const int Version = 1;

    // Times are timestamptz (UTC microseconds, what SQLite's time_us holds). Receivers are numbered
    // once; positions are keyed by (receiver, time), so a receiver's hour is one range read of the
    // primary key and a replayed log's epochs are stored once (INSERT ... ON CONFLICT DO NOTHING,
    // SQLite's INSERT OR IGNORE). Zone events and state changes carry an identity column: the order
    // of rows with the same time (SQLite's rowid) and the key of retention's chunked deletes.
    public static readonly string[] Steps =
    [
        """
        CREATE TABLE receivers (
            id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name text NOT NULL UNIQUE
        );
        CREATE TABLE positions (
            receiver integer NOT NULL REFERENCES receivers(id),
            time timestamptz NOT NULL,
            sequence bigint NOT NULL,
            quality smallint NOT NULL,
            mode smallint NOT NULL,
            rtk smallint NOT NULL,
            lat double precision, lon double precision, alt_msl double precision, geoid_sep double precision,
            grid_epsg integer NOT NULL, grid_name text, grid_n double precision, grid_e double precision,
            park_e double precision, park_n double precision,
            speed_mps double precision, course_deg double precision,
            hdop double precision, vdop double precision, pdop double precision,
            sigma_lat double precision, sigma_lon double precision, sigma_alt double precision,
            diff_age double precision, diff_station integer,
            used_gps smallint NOT NULL, used_glonass smallint NOT NULL, used_galileo smallint NOT NULL,
            used_beidou smallint NOT NULL, used_qzss smallint NOT NULL, used_navic smallint NOT NULL,
            used_sbas smallint NOT NULL,
            zones text[],
            PRIMARY KEY (receiver, time)
        );
        CREATE TABLE zone_events (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            receiver integer NOT NULL REFERENCES receivers(id),
            time timestamptz NOT NULL,
            zone text NOT NULL,
            kind smallint NOT NULL,
            park_e double precision NOT NULL,
            park_n double precision NOT NULL
        );
        CREATE INDEX zone_events_by_receiver_time ON zone_events (receiver, time);
        CREATE INDEX zone_events_by_zone_time ON zone_events (zone, time);
        CREATE TABLE receiver_states (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            receiver integer NOT NULL REFERENCES receivers(id),
            time timestamptz NOT NULL,
            state text NOT NULL,
            detail text
        );
        CREATE INDEX receiver_states_by_receiver_time ON receiver_states (receiver, time);
        """,
    ];

    // PostGIS, when the server has it: a CGCS2000 point (EPSG:4490, longitude, latitude, altitude
    // above mean sea level) computed by the server from the plain columns, so the writer inserts
    // the same rows either way and a park's GIS can query positions spatially (ST_DWithin, ST_Within
    // a zone) through the GiST index. Not a schema version: the same store works without it, and
    // gains it at the next open once PostGIS is installed (the ALTER rewrites the table once).
    public const string Geometry = """
        ALTER TABLE positions ADD COLUMN IF NOT EXISTS geom geometry(PointZ, 4490)
            GENERATED ALWAYS AS (CASE WHEN lat IS NULL OR lon IS NULL THEN NULL
                ELSE ST_SetSRID(ST_MakePoint(lon, lat, COALESCE(alt_msl, 0)), 4490) END) STORED;
        CREATE INDEX IF NOT EXISTS positions_by_geom ON positions USING gist (geom);
        """;
}
