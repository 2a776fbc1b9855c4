using System.Globalization;
using System.Threading.Channels;
using BeidouHub.Receiver.Workers;
using BeidouHub.Service.Configuration;
using BeidouHub.Service.Hub;
using BeidouHub.Service.Receivers;
using BeidouHub.Store;

namespace BeidouHub.Service.History;

/// <summary>
/// Keeps what the hub fans out: a subscriber of every complete position (decimated to
/// <see cref="HistoryConfig.MaxRateHz"/>) and every zone event, plus the receivers' state changes.
/// Its subscriptions are drained at once into its own bounded buffer (so the hub's slow-subscriber
/// rule never ends it, however slow the store), and the buffer is written in batches, one
/// transaction per <see cref="HistoryConfig.FlushInterval"/> or <see cref="HistoryConfig.BatchSize"/>
/// rows. When the store fails the rows wait in the buffer and the write is retried with backoff on
/// the service's clock; beyond <see cref="HistoryConfig.BufferLimit"/> new rows are counted as
/// dropped, with one log line when an outage (or a slow store) starts dropping and one when the
/// store works again (or has caught up, half the buffer free).
/// </summary>
internal sealed partial class HistoryWriter : BackgroundService
{
    private const int RetentionChunk = 1000;
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan BackoffCap = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RetentionPeriod = TimeSpan.FromMinutes(1);

    private readonly IHistoryStore _store;
    private readonly HistoryConfig _config;
    private readonly TimeProvider _time;
    private readonly TimeSpan _summaryInterval;
    private readonly ILogger<HistoryWriter> _logger;
    private readonly ReceiverHost _receivers;
    private readonly Subscription<PositionUpdate> _positions;
    private readonly Subscription<ZoneUpdate> _zones;

    // The writer's own buffer: updates as the hub gave them (immutable), made into rows when written.
    private readonly Queue<object> _buffer = new();
    private readonly Lock _bufferLock = new();
    private readonly Channel<bool> _batchFull = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<bool> _firstRow = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private long _written;
    private long _batches;
    private long _dropped;
    private long _untimed;
    private long _outageDropped;
    private bool _droppingLogged;
    private volatile string? _lastError;
    private volatile bool _failing;

    public HistoryWriter(IHistoryStore store, HistoryConfig config, PositionHub hub, ReceiverHost receivers, TimeProvider time, TimeSpan summaryInterval, ILogger<HistoryWriter> logger)
    {
        _store = store;
        _config = config;
        _time = time;
        _summaryInterval = summaryInterval;
        _logger = logger;
        _receivers = receivers;

        // Subscribed here, not when the writer starts: hosted services are all built before any
        // starts, so the receivers' first epochs already find the writer.
        // This node's receivers only: in a cluster each node stores what it reads.
        _positions = hub.SubscribePositions(new PositionFilter([], [], minRank: 0, config.MaxRateHz, early: false) { LocalOnly = true });
        _zones = hub.SubscribeZones(_ => true, localOnly: true);
        _positions.Label = _zones.Label = "history";
        receivers.StateChanged += OnStateChanged;
    }

    /// <summary>Positions newly stored (a position already stored, as from a replayed log, is not counted).</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Transactions committed.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Rows not stored because the buffer was full (and updates the hub dropped for the writer).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Epochs without a UTC date, not kept (a time index has no place for them).</summary>
    public long Untimed => Interlocked.Read(ref _untimed);

    /// <summary>Rows waiting to be written.</summary>
    public int Buffered
    {
        get
        {
            lock (_bufferLock)
            {
                return _buffer.Count;
            }
        }
    }

    /// <summary>True while the store fails.</summary>
    public bool Failing => _failing;

    /// <summary>The store's last error, if any.</summary>
    public string? LastError => _lastError;

    public override void Dispose()
    {
        _receivers.StateChanged -= OnStateChanged;
        _positions.Dispose();
        _zones.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_logger.IsEnabled(LogLevel.Information))
        {
            string rate = _config.MaxRateHz > 0 ? string.Create(CultureInfo.InvariantCulture, $"at most {_config.MaxRateHz} per receiver per second") : "every epoch";
            string keep = _config.KeepDays > 0 ? string.Create(CultureInfo.InvariantCulture, $"kept {_config.KeepDays} days") : "kept until deleted (KeepDays=0)";
            LogStarting(_logger, _store.Location, rate, keep);
        }

        Task positions = Task.Run(() => DrainAsync(_positions, stoppingToken), CancellationToken.None);
        Task zones = Task.Run(() => DrainAsync(_zones, stoppingToken), CancellationToken.None);
        Task summary = SummarizeAsync(stoppingToken);
        await WriteLoopAsync(stoppingToken).ConfigureAwait(false);
        await Task.WhenAll(positions, zones, summary).ConfigureAwait(false);
    }

    // Moves the hub's queue into the buffer as fast as it comes: nothing here waits for the store.
    private async Task DrainAsync<T>(Subscription<T> sub, CancellationToken stoppingToken)
        where T : class
    {
        ChannelReader<T> reader = sub.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                long hubDropped = sub.TakeDropped();
                if (hubDropped > 0)
                {
                    Interlocked.Add(ref _dropped, hubDropped);
                }

                while (reader.TryRead(out T? update))
                {
                    if (update is PositionUpdate { Time: null })
                    {
                        Interlocked.Increment(ref _untimed);
                        continue;
                    }

                    Add(update);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        catch (Exception) when (sub.EndReason is not null)
        {
            // The hub ended the stream: the service is stopping, or (a bug: the drain above never
            // waits) the slow-subscriber rule, which must not end the history unnoticed.
            if (sub.EndReason is SlowSubscriberException slow)
            {
                LogEnded(_logger, slow.Message);
            }
        }
    }

    private void OnStateChanged(ReceiverWorker worker)
    {
        ReceiverState state = worker.State;
        string? detail = state is ReceiverState.Disconnected or ReceiverState.Faulted ? worker.Snapshot().LastError : null;
        Add(new ReceiverStateRecord(worker.Id, _time.GetUtcNow().UtcDateTime, state.ToString(), detail));
    }

    private void Add(object row)
    {
        bool first;
        bool full;
        lock (_bufferLock)
        {
            if (_buffer.Count >= _config.BufferLimit)
            {
                Interlocked.Increment(ref _dropped);
                _outageDropped++;
                if (!_droppingLogged)
                {
                    _droppingLogged = true;
                    LogDropping(_logger, _config.BufferLimit, _lastError ?? "the store is slower than the receivers");
                }

                return;
            }

            _buffer.Enqueue(row);
            first = _buffer.Count == 1;
            full = _buffer.Count >= _config.BatchSize;
        }

        if (first)
        {
            _firstRow.Writer.TryWrite(true);
        }

        if (full)
        {
            _batchFull.Writer.TryWrite(true);
        }
    }

    private async Task WriteLoopAsync(CancellationToken stoppingToken)
    {
        TimeSpan backoff = FirstBackoff;
        DateTimeOffset failingSince = default;
        bool opened = false;
        DateTimeOffset nextRetention = _time.GetUtcNow();
        var batch = new HistoryBatch();
        var head = new List<object>(_config.BatchSize);
        while (true)
        {
            bool stopping = stoppingToken.IsCancellationRequested;
            try
            {
                if (!opened)
                {
                    await _store.OpenAsync(stoppingToken).ConfigureAwait(false);
                    opened = true;
                }

                // Everything buffered, a batch per transaction; then old rows, a chunk at a time.
                while (Take(batch, head) is int taken and > 0)
                {
                    int stored = await _store.WriteAsync(batch, CancellationToken.None).ConfigureAwait(false);
                    Committed(taken, stored);
                }

                if (_config.KeepDays > 0 && _time.GetUtcNow() >= nextRetention && !stopping)
                {
                    DateTime cutoff = (_time.GetUtcNow() - TimeSpan.FromDays(_config.KeepDays)).UtcDateTime;
                    int deleted = await _store.DeleteBeforeAsync(cutoff, RetentionChunk, stoppingToken).ConfigureAwait(false);
                    if (deleted < RetentionChunk)
                    {
                        nextRetention = _time.GetUtcNow() + RetentionPeriod;
                    }
                }

                if (_failing)
                {
                    Recovered(failingSince);
                }

                backoff = FirstBackoff;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping: the last round below writes what it can.
            }
            catch (Exception e)
            {
                _lastError = $"{e.GetType().Name}: {e.Message}";
                if (!_failing)
                {
                    _failing = true;
                    failingSince = _time.GetUtcNow();
                    LogFailing(_logger, Buffered, backoff.TotalSeconds, e.Message);
                }

                if (stopping)
                {
                    LogLostAtStop(_logger, Buffered, _lastError);
                    return;
                }

                if (!await WaitAsync(backoff, stoppingToken).ConfigureAwait(false))
                {
                    continue;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, BackoffCap.Ticks));
                continue;
            }

            if (stopping)
            {
                return;
            }

            // Nothing buffered: sleep until a row comes (or retention is due) rather than wake every
            // flush interval for nothing; on an idle hub that polling was most of the service's CPU
            // (bench/README, "Fan-out": 1.2 % of a core with it, 0.3-0.5 % without). A row added
            // after the check has already signalled, so it is not missed.
            if (Buffered == 0)
            {
                TimeSpan untilRetention = _config.KeepDays > 0
                    ? TimeSpan.FromTicks(Math.Max(0, (nextRetention - _time.GetUtcNow()).Ticks))
                    : Timeout.InfiniteTimeSpan;
                if (!await WaitAsync(untilRetention, stoppingToken, _firstRow.Reader).ConfigureAwait(false))
                {
                    continue;
                }
            }

            // The next round: a flush interval, or sooner when a batch is full.
            if (!await WaitAsync(_config.FlushInterval, stoppingToken, _batchFull.Reader).ConfigureAwait(false))
            {
                continue;
            }
        }
    }

    // False when stopping (the caller goes round once more to write what is left).
    private async Task<bool> WaitAsync(TimeSpan delay, CancellationToken stoppingToken, ChannelReader<bool>? wake = null)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        try
        {
            Task timer = Task.Delay(delay, _time, cancel.Token);
            if (wake is not null)
            {
                Task woken = wake.WaitToReadAsync(cancel.Token).AsTask();
                await Task.WhenAny(timer, woken).ConfigureAwait(false);
                wake.TryRead(out _);
            }
            else
            {
                await timer.ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            await cancel.CancelAsync().ConfigureAwait(false);
        }

        return !stoppingToken.IsCancellationRequested;
    }

    // The head of the buffer into the batch (not removed until committed: a failed write keeps
    // them). The references are copied under the lock, the rows made outside it, so the drains
    // never wait for the mapping.
    private int Take(HistoryBatch batch, List<object> head)
    {
        batch.Clear();
        head.Clear();
        lock (_bufferLock)
        {
            foreach (object row in _buffer)
            {
                if (head.Count == _config.BatchSize)
                {
                    break;
                }

                head.Add(row);
            }
        }

        foreach (object row in head)
        {
            switch (row)
            {
                case PositionUpdate p when HistoryMapping.ToRecord(p) is { } record:
                    batch.Positions.Add(record);
                    break;
                case ZoneUpdate z:
                    batch.ZoneEvents.Add(HistoryMapping.ToRecord(z));
                    break;
                case ReceiverStateRecord state:
                    batch.States.Add(state);
                    break;
            }
        }

        return head.Count;
    }

    private void Committed(int taken, int stored)
    {
        long caughtUp = -1;
        lock (_bufferLock)
        {
            for (int i = 0; i < taken; i++)
            {
                _buffer.Dequeue();
            }

            // A store that was slow, not failing, has caught up (half the buffer free again): the
            // next overflow is logged again. After an outage Recovered does this; without this a
            // slow store's second overflow went unlogged until some failure recovered.
            if (_droppingLogged && !_failing && _buffer.Count <= _config.BufferLimit / 2)
            {
                caughtUp = _outageDropped;
                _outageDropped = 0;
                _droppingLogged = false;
            }
        }

        if (caughtUp >= 0)
        {
            LogCaughtUp(_logger, caughtUp);
        }

        Interlocked.Add(ref _written, stored);
        Interlocked.Increment(ref _batches);
    }

    private void Recovered(DateTimeOffset since)
    {
        long dropped;
        lock (_bufferLock)
        {
            dropped = _outageDropped;
            _outageDropped = 0;
            _droppingLogged = false;
        }

        // Logged before Failing turns false: whoever sees the store working again finds the line.
        double seconds = (_time.GetUtcNow() - since).TotalSeconds;
        LogRecovered(_logger, seconds, dropped);
        _failing = false;
    }

    private async Task SummarizeAsync(CancellationToken stoppingToken)
    {
        while (await WaitAsync(_summaryInterval, stoppingToken).ConfigureAwait(false))
        {
            if (_logger.IsEnabled(LogLevel.Information))
            {
                LogSummary(_logger, Written, Batches, Buffered, Dropped, Untimed, _failing ? "failing: " + _lastError : "ok");
            }
        }
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "history: keeping positions in {Location} ({Rate}, {Keep})")]
    private static partial void LogStarting(ILogger logger, string location, string rate, string keep);

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "history: the store fails ({Error}); {Buffered} rows wait in the buffer, retrying in {RetrySeconds:0.00} s with backoff; live streams are not affected")]
    private static partial void LogFailing(ILogger logger, int buffered, double retrySeconds, string error);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "history: buffer full ({Limit} rows) while {Reason}: new rows are dropped and counted until the store takes them again")]
    private static partial void LogDropping(ILogger logger, int limit, string reason);

    [LoggerMessage(EventId = 403, Level = LogLevel.Information, Message = "history: the store works again after {Seconds:0.0} s; {Dropped} rows were dropped in the outage")]
    private static partial void LogRecovered(ILogger logger, double seconds, long dropped);

    [LoggerMessage(EventId = 404, Level = LogLevel.Information, Message = "history: {Written} positions written in {Batches} batches, {Buffered} buffered, {Dropped} dropped, {Untimed} without a date not kept; store {State}")]
    private static partial void LogSummary(ILogger logger, long written, long batches, int buffered, long dropped, long untimed, string state);

    [LoggerMessage(EventId = 407, Level = LogLevel.Information, Message = "history: the store has caught up, the buffer has room again; {Dropped} rows were dropped while it was slower than the receivers")]
    private static partial void LogCaughtUp(ILogger logger, long dropped);

    [LoggerMessage(EventId = 406, Level = LogLevel.Error, Message = "history: the hub ended the writer's subscription ({Reason}); positions are no longer kept")]
    private static partial void LogEnded(ILogger logger, string reason);

    [LoggerMessage(EventId = 405, Level = LogLevel.Error, Message = "history: stopping with {Buffered} rows not written: {Error}")]
    private static partial void LogLostAtStop(ILogger logger, int buffered, string error);
}
