namespace BeidouHub.Store;

/// <summary>
/// Where the history lives. One writer (the service's history writer) and any number of readers
/// (queries, the <c>history</c> verb). Time ranges are half-open, [since, until), UTC. Implementations:
/// <see cref="Sqlite.SqliteHistoryStore"/> and <see cref="Postgres.PostgresHistoryStore"/>, one contract
/// (the same tests run against both).
/// </summary>
public interface IHistoryStore
{
    /// <summary>Where the history is, for logs and messages: a file's path, a server and database (never a password).</summary>
    string Location { get; }

    /// <summary>Creates or migrates the schema; throws when the store cannot be opened for writing.</summary>
    Task OpenAsync(CancellationToken cancel);

    /// <summary>
    /// Stores a batch in one transaction: all of it or nothing. A position of a receiver at a time
    /// already stored is skipped (a replayed log). Returns the positions newly stored.
    /// </summary>
    Task<int> WriteAsync(HistoryBatch batch, CancellationToken cancel);

    /// <summary>
    /// A receiver's positions in [since, until), oldest first; with <paramref name="maxPoints"/> above 0
    /// and more positions than that, evenly thinned to at most that many (first one kept).
    /// </summary>
    IAsyncEnumerable<PositionRecord> ReadTrackAsync(string receiver, DateTime since, DateTime until, int maxPoints, CancellationToken cancel);

    /// <summary>The receiver's last position at or before <paramref name="time"/> and its first one at or after it.</summary>
    Task<(PositionRecord? Before, PositionRecord? After)> ReadAroundAsync(string receiver, DateTime time, CancellationToken cancel);

    /// <summary>Zone events in [since, until), oldest first, of the given receivers and zones (empty: all).</summary>
    IAsyncEnumerable<ZoneEventRecord> ReadZoneEventsAsync(IReadOnlyCollection<string> receivers, IReadOnlyCollection<string> zones, DateTime since, DateTime until, CancellationToken cancel);

    /// <summary>
    /// Each receiver's last Enter or Exit event of <paramref name="zone"/> before
    /// <paramref name="time"/> (who was inside when a period starts).
    /// </summary>
    IAsyncEnumerable<ZoneEventRecord> ReadLastZoneEventsAsync(string zone, DateTime time, CancellationToken cancel);

    /// <summary>Receiver state changes in [since, until), oldest first, of the given receivers (empty: all).</summary>
    IAsyncEnumerable<ReceiverStateRecord> ReadStatesAsync(IReadOnlyCollection<string> receivers, DateTime since, DateTime until, CancellationToken cancel);

    /// <summary>
    /// Deletes up to <paramref name="maxRows"/> rows older than <paramref name="cutoff"/> (a small
    /// chunk, so a writer is never held up for long); returns how many it deleted.
    /// </summary>
    Task<int> DeleteBeforeAsync(DateTime cutoff, int maxRows, CancellationToken cancel);
}
