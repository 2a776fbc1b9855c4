using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using BeidouHub.Receiver.Decoding;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Nmea;
using BeidouHub.Receiver.Nmea.Sentences;
using BeidouHub.Receiver.Sources;
using Microsoft.Extensions.Logging;

namespace BeidouHub.Receiver.Workers;

/// <summary>
/// Keeps one receiver connected: opens its source, reads through System.IO.Pipelines, frames,
/// parses and assembles epochs for the sink, and when the device goes away (USB unplugged, pty
/// closed, TCP reset or refused) reports Disconnected and tries again with capped, jittered
/// exponential backoff, by itself and without touching other receivers. A connected receiver that
/// sends no sentence for <see cref="ReceiverOptions.StaleAfter"/> is reported Stale. Optionally tees
/// the raw bytes into rotating recordings. Anything else that goes wrong is a bug, not a lost device:
/// it is logged as an error with its stack trace, reported as <see cref="ReceiverState.Faulted"/>, and
/// the worker starts again after the same backoff.
/// </summary>
public sealed partial class ReceiverWorker : IDisposable
{
    private static readonly TimeSpan BackoffStart = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan RepeatWarningEvery = TimeSpan.FromMinutes(1);

    private readonly ReceiverOptions _options;
    private readonly IByteSource _source;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly NmeaDecoder _decoder;
    private readonly RawRecorder? _recorder;
    private readonly FixTap _tap;
    private readonly Lock _stateLock = new();
    private ReceiverState _state = ReceiverState.Connecting;
    private DateTimeOffset _stateSince;
    private long _reconnects;
    private long _faults;
    private string? _lastFault;
    private DateTimeOffset _lastFaultLoggedAt;
    private string? _lastError;
    private long _lastSentences;
    private DateTimeOffset _lastProgress;
    private string? _lastWarning;
    private DateTimeOffset _lastWarningAt;
    private ISourceWriter? _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    /// <summary>Creates a worker; <see cref="RunAsync"/> runs it.</summary>
    public ReceiverWorker(ReceiverOptions options, IByteSource source, IEpochSink sink, ILogger logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options;
        _source = source;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _stateSince = _time.GetUtcNow();
        _tap = new FixTap(sink);
        _decoder = new NmeaDecoder(options.Id, _tap, options.IdleFlush ? options.Decoder with { IdleFlush = true } : options.Decoder, _time);
        if (options.Recording is { } recording)
        {
            _recorder = new RawRecorder(recording, options.Id, source.Description, _time);
            _decoder.BytesRead = Record;
        }
    }

    /// <summary>The receiver's id.</summary>
    public string Id => _options.Id;

    /// <summary>The current state.</summary>
    public ReceiverState State
    {
        get
        {
            lock (_stateLock)
            {
                return _state;
            }
        }
    }

    /// <summary>Raised on every state change (on the worker's thread).</summary>
    public event Action<ReceiverWorker, ReceiverState>? StateChanged;

    /// <summary>A snapshot of state and counters.</summary>
    public ReceiverStatus Snapshot()
    {
        NmeaStatistics s = _decoder.Statistics;
        FramingCounters f = _decoder.Framer.Counters;
        ReceiverState state;
        DateTimeOffset since;
        lock (_stateLock)
        {
            state = _state;
            since = _stateSince;
        }

        return new ReceiverStatus
        {
            Id = _options.Id,
            Source = _source.Description,
            State = state,
            StateSince = since,
            Reconnects = Interlocked.Read(ref _reconnects),
            Faults = Interlocked.Read(ref _faults),
            Bytes = s.Bytes,
            Sentences = s.Sentences,
            SentencesByType = Enum.GetValues<SentenceType>().Where(t => s.OfType(t) > 0).ToDictionary(t => t, s.OfType),
            SentencesByTalker = Enum.GetValues<Talker>().Where(t => s.OfTalker(t) > 0).ToDictionary(t => t, s.OfTalker),
            ChecksumFailures = s.ChecksumFailures,
            Rejected = Enum.GetValues<NmeaError>().Where(e => e != NmeaError.None && s.Rejected(e) > 0).ToDictionary(e => e, s.Rejected),
            FramingDrops = new Dictionary<string, long>
            {
                ["garbageBytes"] = f.GarbageBytes,
                ["truncated"] = f.Truncated,
                ["doubledStarts"] = f.DoubledStarts,
                ["invalidBytes"] = f.InvalidBytes,
                ["overlong"] = f.Overlong,
                ["unterminated"] = f.Unterminated,
                ["commentLines"] = f.CommentLines,
            },
            Epochs = _decoder.Assembler.Emitted,
            LastFixTime = _tap.LastFixTime,
            LastFixQuality = _tap.LastFixQuality,
            LastError = _recorder?.Error ?? Volatile.Read(ref _lastError),
            RecordingFile = _recorder?.CurrentFile,
        };
    }

    /// <summary>True while the receiver is connected through a source that can be written to (serial, tcp; not replay or sim).</summary>
    public bool AcceptsWrites => Volatile.Read(ref _writer) is not null;

    /// <summary>
    /// Sends bytes to the receiver over its open connection (RTCM corrections: the serial port's
    /// transmit side, the TCP socket), one write at a time. False, and nothing sent, when the receiver
    /// is not connected, its source cannot be written to, or the write failed because the device went
    /// (the read side notices that too and reconnects).
    /// </summary>
    public async ValueTask<bool> TryWriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _writer) is null)
        {
            return false;
        }

        try
        {
            await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            return false; // the worker was disposed (shutdown) while a write came
        }

        try
        {
            // Read again under the lock: the connection may have ended while this write waited.
            if (Volatile.Read(ref _writer) is not { } writer)
            {
                return false;
            }

            await writer.WriteToDeviceAsync(bytes, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is ObjectDisposedException || (IsDeviceError(e) && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Closes the recording file, if any (RunAsync does it too when it ends).</summary>
    public void Dispose()
    {
        _recorder?.Dispose();
        _writeLock.Dispose();
    }

    /// <summary>Runs until cancelled (or, for a replay without loop, until the capture is read).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task watchdog = WatchStaleAsync(stop.Token);
        try
        {
            int faults = 0;
            while (true)
            {
                try
                {
                    await ConnectLoopAsync(cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    // Not a lost device (the loop retries those itself): a bug in a source, the
                    // decoder or the sink. Loud, and started again after the backoff, so that one
                    // receiver's bug neither ends it for good nor passes for an unplugged cable.
                    TimeSpan delay = Backoff(faults++);
                    Fault(e, delay);
                    await DelayAsync(delay, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await watchdog.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The watchdog ends with the worker.
            }

            Volatile.Write(ref _writer, null);
            _decoder.Assembler.Flush();
            _recorder?.Dispose();
            SetState(ReceiverState.Stopped);
        }
    }

    private async Task ConnectLoopAsync(CancellationToken cancellationToken)
    {
        int attempt = 0;
        bool everConnected = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            SetState(ReceiverState.Connecting);
            Stream stream;
            try
            {
                stream = await _source.OpenAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (IsDeviceError(e))
            {
                TimeSpan delay = Backoff(attempt++);
                Volatile.Write(ref _lastError, e.Message);
                SetState(ReceiverState.Disconnected);
                WarnLimited($"cannot open: {e.Message}", delay);
                await DelayAsync(delay, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (everConnected)
            {
                Interlocked.Increment(ref _reconnects);
            }

            everConnected = true;
            _lastProgress = _time.GetUtcNow();
            _lastWarning = null;
            _decoder.Framer.Reset();
            SetState(ReceiverState.Connected);
            Volatile.Write(ref _writer, stream as ISourceWriter);
            LogConnected(_logger, _options.Id, _source.Description);

            long bytesBefore = _decoder.Statistics.Bytes;
            bool drained = false;
            string? reason = null;
            await using (stream.ConfigureAwait(false))
            {
                // Some streams (serial on Unix) do not observe cancellation in a pending read:
                // disposing them does end it.
                using CancellationTokenRegistration unblock = cancellationToken.Register(static s => ((Stream)s!).Dispose(), stream);
                try
                {
                    PipeReader reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, leaveOpen: true));
                    await _decoder.RunAsync(reader, cancellationToken).ConfigureAwait(false);
                    await reader.CompleteAsync().ConfigureAwait(false);
                    drained = true;
                }
                catch (Exception e) when (cancellationToken.IsCancellationRequested && e is OperationCanceledException or ObjectDisposedException or IOException)
                {
                    return;
                }
                catch (Exception e) when (IsDeviceError(e))
                {
                    reason = e.Message;
                    Volatile.Write(ref _lastError, e.Message);
                }
            }

            Volatile.Write(ref _writer, null);
            _decoder.Assembler.Flush();
            _recorder?.Flush();
            if (drained && _source.EndsWhenDrained)
            {
                LogDrained(_logger, _options.Id, _source.Description, _decoder.Assembler.Emitted);
                return;
            }

            // A connection that delivered data resets the backoff: the device was really there.
            if (_decoder.Statistics.Bytes > bytesBefore)
            {
                attempt = 0;
            }

            TimeSpan wait = Backoff(attempt++);
            SetState(ReceiverState.Disconnected);
            LogLost(_logger, _options.Id, _source.Description, reason ?? "end of stream", wait.TotalSeconds);
            await DelayAsync(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WatchStaleAsync(CancellationToken cancellationToken)
    {
        TimeSpan period = TimeSpan.FromTicks(Math.Clamp(_options.StaleAfter.Ticks / 4, TimeSpan.FromMilliseconds(20).Ticks, TimeSpan.FromSeconds(1).Ticks));
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(period, _time, cancellationToken).ConfigureAwait(false);
            long sentences = _decoder.Statistics.Sentences;
            DateTimeOffset now = _time.GetUtcNow();
            if (sentences != _lastSentences)
            {
                _lastSentences = sentences;
                _lastProgress = now;
            }

            ReceiverState state = State;
            if (state == ReceiverState.Connected && now - _lastProgress > _options.StaleAfter)
            {
                if (TrySwitch(ReceiverState.Connected, ReceiverState.Stale))
                {
                    LogStale(_logger, _options.Id, (now - _lastProgress).TotalSeconds, _decoder.Framer.Counters.GarbageBytes);
                }
            }
            else if (state == ReceiverState.Stale && now - _lastProgress <= _options.StaleAfter)
            {
                if (TrySwitch(ReceiverState.Stale, ReceiverState.Connected))
                {
                    LogResumed(_logger, _options.Id);
                }
            }
        }
    }

    private void Record(ReadOnlySequence<byte> bytes)
    {
        RawRecorder recorder = _recorder!;
        if (recorder.Error is not null)
        {
            return;
        }

        foreach (ReadOnlyMemory<byte> segment in bytes)
        {
            if (!recorder.Write(segment.Span))
            {
                LogRecordingDisabled(_logger, _options.Id, recorder.Error!);
                return;
            }
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        // Exponential from 250 ms, capped, with "equal jitter": half fixed, half random, so many
        // receivers behind one converter do not retry in lock step.
        double capped = Math.Min(_options.BackoffCap.TotalMilliseconds, BackoffStart.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 20)));
        return TimeSpan.FromMilliseconds((capped / 2) + (Random.Shared.NextDouble() * capped / 2));
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private void Fault(Exception e, TimeSpan retryIn)
    {
        long faults = Interlocked.Increment(ref _faults);
        string error = $"{e.GetType().Name}: {e.Message}";
        Volatile.Write(ref _lastError, error);
        SetState(ReceiverState.Faulted);

        // The stack trace once per distinct fault: a bug that strikes at every restart is one report
        // with its trace, then one error line a minute, not a trace every few seconds.
        string signature = e.GetType().FullName + e.Message + e.StackTrace;
        DateTimeOffset now = _time.GetUtcNow();
        if (signature != _lastFault)
        {
            _lastFault = signature;
            _lastFaultLoggedAt = now;
            LogFaulted(_logger, _options.Id, _source.Description, error, retryIn.TotalSeconds, e);
        }
        else if (now - _lastFaultLoggedAt >= RepeatWarningEvery)
        {
            _lastFaultLoggedAt = now;
            LogFaultedAgain(_logger, _options.Id, error, faults, retryIn.TotalSeconds);
        }
        else
        {
            LogStillFaulting(_logger, _options.Id, error, retryIn.TotalSeconds);
        }
    }

    // One warning line per distinct problem, repeated at most once a minute; the rest at debug level.
    private void WarnLimited(string problem, TimeSpan retryIn)
    {
        DateTimeOffset now = _time.GetUtcNow();
        if (problem != _lastWarning || now - _lastWarningAt >= RepeatWarningEvery)
        {
            _lastWarning = problem;
            _lastWarningAt = now;
            LogCannotOpen(_logger, _options.Id, _source.Description, problem, retryIn.TotalSeconds);
        }
        else
        {
            LogStillCannotOpen(_logger, _options.Id, problem, retryIn.TotalSeconds);
        }
    }

    private void SetState(ReceiverState state)
    {
        lock (_stateLock)
        {
            if (_state == state)
            {
                return;
            }

            _state = state;
            _stateSince = _time.GetUtcNow();
        }

        StateChanged?.Invoke(this, state);
    }

    private bool TrySwitch(ReceiverState from, ReceiverState to)
    {
        lock (_stateLock)
        {
            if (_state != from)
            {
                return false;
            }

            _state = to;
            _stateSince = _time.GetUtcNow();
        }

        StateChanged?.Invoke(this, to);
        return true;
    }

    // A lost or absent device, and only that. What the sources throw when it goes or cannot be
    // opened: IOException (TCP reset, a read error, System.IO.Ports' "port is closed" turned into one
    // by SerialPortStream, a replay file gone, the serial open errors), SocketException (TCP refused,
    // unreachable, no such host), UnauthorizedAccessException (System.IO.Ports on a missing or busy
    // tty, no permission). Everything else is a bug and faults the worker.
    private static bool IsDeviceError(Exception e) => e is IOException or SocketException or UnauthorizedAccessException;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Receiver {Receiver} connected to {Source}")]
    private static partial void LogConnected(ILogger logger, string receiver, string source);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Receiver {Receiver}: {Source} {Problem}; retrying in {RetrySeconds:0.0} s")]
    private static partial void LogCannotOpen(ILogger logger, string receiver, string source, string problem, double retrySeconds);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Receiver {Receiver}: still {Problem}; retrying in {RetrySeconds:0.0} s")]
    private static partial void LogStillCannotOpen(ILogger logger, string receiver, string problem, double retrySeconds);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Receiver {Receiver} lost {Source}: {Reason}; reconnecting in {RetrySeconds:0.0} s")]
    private static partial void LogLost(ILogger logger, string receiver, string source, string reason, double retrySeconds);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Receiver {Receiver} is stale: no sentence for {Seconds:0.0} s ({GarbageBytes} garbage bytes so far)")]
    private static partial void LogStale(ILogger logger, string receiver, double seconds, long garbageBytes);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Receiver {Receiver} sends sentences again")]
    private static partial void LogResumed(ILogger logger, string receiver);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "Receiver {Receiver}: {Error}; positioning continues without recording")]
    private static partial void LogRecordingDisabled(ILogger logger, string receiver, string error);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "Receiver {Receiver}: {Source} read to its end ({Epochs} epochs)")]
    private static partial void LogDrained(ILogger logger, string receiver, string source, long epochs);

    [LoggerMessage(EventId = 9, Level = LogLevel.Error, Message = "Receiver {Receiver} faulted on {Source}: {Error}; this is a bug, not a lost device; restarting in {RetrySeconds:0.0} s")]
    private static partial void LogFaulted(ILogger logger, string receiver, string source, string error, double retrySeconds, Exception exception);

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "Receiver {Receiver} faulted again ({Faults} faults so far): {Error}; restarting in {RetrySeconds:0.0} s")]
    private static partial void LogFaultedAgain(ILogger logger, string receiver, string error, long faults, double retrySeconds);

    [LoggerMessage(EventId = 11, Level = LogLevel.Debug, Message = "Receiver {Receiver}: faulted again: {Error}; restarting in {RetrySeconds:0.0} s")]
    private static partial void LogStillFaulting(ILogger logger, string receiver, string error, double retrySeconds);

    // Remembers the last fix for the status, then passes every call on.
    private sealed class FixTap(IEpochSink inner) : IEpochSink
    {
        private long _lastFixTicks;
        private int _lastFixQuality = -1;

        public DateTime? LastFixTime => Interlocked.Read(ref _lastFixTicks) is var t and > 0 ? new DateTime(t, DateTimeKind.Utc) : null;

        public GgaQuality? LastFixQuality => Volatile.Read(ref _lastFixQuality) is var q and >= 0 ? (GgaQuality)q : null;

        public void OnPosition(Epoch epoch) => inner.OnPosition(epoch);

        public void OnEpoch(Epoch epoch)
        {
            if (epoch.HasPosition)
            {
                Interlocked.Exchange(ref _lastFixTicks, epoch.UtcTime?.Ticks ?? 0);
                Volatile.Write(ref _lastFixQuality, (int)(epoch.Quality ?? GgaQuality.Autonomous));
            }

            inner.OnEpoch(epoch);
        }
    }
}
