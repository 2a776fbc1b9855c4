using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace BeidouHub.Receiver.Corrections;

/// <summary>
/// Brings one mountpoint's RTCM 3 stream to a receiver. It owns nothing but its socket to the caster:
/// the receiver's position comes from <c>position</c> (GGA upstream), the frames go to
/// <c>forward</c> (the receiver worker writes them down its own connection). It connects only while
/// <c>position</c> gives one (casters ban clients that connect without GGA; the service gives none
/// while the receiver is not connected), sends the GGA at connect and every
/// <see cref="NtripClientOptions.GgaInterval"/>, gives the connection up when the position goes
/// (a receiver unplugged should not hold a caster's seat), passes on only frames whose
/// CRC-24Q is good, and reconnects with capped, jittered exponential backoff on the injected clock;
/// after a refusal (401, no such mountpoint) it waits the whole cap.
/// </summary>
public sealed partial class NtripClient
{
    private static readonly TimeSpan BackoffStart = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PositionPoll = TimeSpan.FromSeconds(1);

    // Casters send corrections at 1 Hz or faster; this many bytes without a frame means the
    // mountpoint is not RTCM 3 (RTCM 2, CMR+, a proprietary format), which is worth a line.
    private const int NoFrameWarningBytes = 16 * 1024;
    private const int ReadSize = 4096;

    private readonly NtripClientOptions _options;
    private readonly Func<GgaPosition?> _position;
    private readonly Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask<bool>> _forward;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly RtcmFramer _framer = new(ReadSize);
    private readonly byte[] _out = new byte[RtcmFramer.MaxFrameLength + ReadSize];
    private readonly long[] _types = new long[4096];
    private readonly Lock _stateLock = new();
    private CasterState _state = CasterState.Idle;
    private DateTimeOffset _stateSince;
    private GgaPosition? _lastPosition;
    private volatile bool _receiverGone;
    private string? _lastError;
    private long _bytes;
    private long _forwarded;
    private long _undelivered;
    private long _ggaSent;
    private long _connections;
    private long _lastFrameTicks;

    /// <summary>Creates the client; <see cref="RunAsync"/> runs it.</summary>
    /// <param name="options">Caster, mountpoint, credentials, intervals.</param>
    /// <param name="position">The receiver's latest position, or null while it has none.</param>
    /// <param name="forward">Writes frames to the receiver; false when it could not take them.</param>
    /// <param name="logger">Where connects, refusals and losses are logged.</param>
    /// <param name="time">The clock of backoff, GGA interval, read timeout and correction age.</param>
    public NtripClient(NtripClientOptions options, Func<GgaPosition?> position, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask<bool>> forward, ILogger logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(position);
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options;
        _position = position;
        _forward = forward;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _stateSince = _time.GetUtcNow();
    }

    /// <summary>Caster and mountpoint, without credentials.</summary>
    public string Source => $"{_options.Caster.Display}/{_options.Mountpoint}";

    /// <summary>The options.</summary>
    public NtripClientOptions Options => _options;

    /// <summary>Where the stream stands.</summary>
    public CasterState State
    {
        get
        {
            lock (_stateLock)
            {
                return _state;
            }
        }
    }

    /// <summary>A snapshot of state and counters.</summary>
    public NtripStatus Snapshot()
    {
        CasterState state;
        DateTimeOffset since;
        lock (_stateLock)
        {
            state = _state;
            since = _stateSince;
        }

        var types = new Dictionary<int, long>();
        for (int t = 0; t < _types.Length; t++)
        {
            long n = Volatile.Read(ref _types[t]);
            if (n > 0)
            {
                types[t] = n;
            }
        }

        long lastTicks = Interlocked.Read(ref _lastFrameTicks);
        DateTimeOffset? last = lastTicks > 0 ? new DateTimeOffset(lastTicks, TimeSpan.Zero) : null;
        return new NtripStatus
        {
            Name = _options.Name,
            Source = Source,
            State = state,
            StateSince = since,
            Bytes = Interlocked.Read(ref _bytes),
            Frames = _framer.Frames,
            BadFrames = _framer.BadFrames,
            SkippedBytes = _framer.SkippedBytes,
            MessageTypes = types,
            LastFrameAt = last,
            CorrectionAge = last is { } l ? _time.GetUtcNow() - l : null,
            BytesForwarded = Interlocked.Read(ref _forwarded),
            FramesUndelivered = Interlocked.Read(ref _undelivered),
            GgaSent = Interlocked.Read(ref _ggaSent),
            Connections = Interlocked.Read(ref _connections),
            LastError = Volatile.Read(ref _lastError),
        };
    }

    /// <summary>Runs until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        int attempt = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (!await WaitForPositionAsync(cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                SetState(CasterState.Connecting);
                TimeSpan wait;
                try
                {
                    long framesBefore = _framer.Frames;
                    string reason = await StreamAsync(cancellationToken).ConfigureAwait(false);
                    if (_framer.Frames > framesBefore)
                    {
                        attempt = 0;
                    }

                    wait = Backoff(attempt++);
                    Volatile.Write(ref _lastError, reason);
                    LogLost(_logger, _options.Name, Source, reason, wait.TotalSeconds);
                    SetState(CasterState.Disconnected);
                }
                catch (Exception e) when (cancellationToken.IsCancellationRequested && e is OperationCanceledException or IOException or ObjectDisposedException or SocketException)
                {
                    // Stopping: a read or a TLS handshake ended by the cancellation may say so in other words.
                    return;
                }
                catch (NtripException e) when (e.State is CasterState.Unauthorized or CasterState.MountpointMissing)
                {
                    // A caster bans a client that keeps retrying a refused login: the whole cap.
                    wait = _options.BackoffCap;
                    Volatile.Write(ref _lastError, e.Message);
                    if (e.State == CasterState.Unauthorized)
                    {
                        LogUnauthorized(_logger, _options.Name, Source, _options.User ?? "(none)", e.Message, wait.TotalSeconds);
                    }
                    else
                    {
                        IReadOnlyList<NtripMountpoint> streams = e.SourceTable?.Mountpoints ?? [];
                        string offered = streams.Count == 0 ? "none listed" : string.Join(", ", streams.Take(10).Select(s => s.Mountpoint)) + (streams.Count > 10 ? ", ..." : "");
                        LogMountpointMissing(_logger, _options.Name, _options.Caster.Display, _options.Mountpoint, streams.Count, offered, wait.TotalSeconds);
                    }

                    // After the line: whoever sees the state finds the reason logged.
                    SetState(e.State);
                }
                catch (Exception e) when (e is IOException or SocketException or System.Security.Authentication.AuthenticationException)
                {
                    wait = Backoff(attempt++);
                    Volatile.Write(ref _lastError, e.Message);
                    LogCannotConnect(_logger, _options.Name, Source, e.Message, wait.TotalSeconds);
                    SetState(CasterState.Disconnected);
                }

                await DelayAsync(wait, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            SetState(CasterState.Stopped);
        }
    }

    /// <summary>What a caster's answer that is not a stream means, as an exception.</summary>
    internal static NtripException Refusal(NtripConnection connection, NtripEndpoint caster, string what)
    {
        string line = connection.StatusLine;
        if (connection.Status is 401 or 403 || line.Contains("Bad Password", StringComparison.OrdinalIgnoreCase) || line.Contains("Unauthorized", StringComparison.OrdinalIgnoreCase))
        {
            return new NtripException(CasterState.Unauthorized, $"{caster.Display} refused the credentials for {what}: '{line}'");
        }

        if (connection.Status == 404 || line.Contains("Bad Mountpoint", StringComparison.OrdinalIgnoreCase))
        {
            return new NtripException(CasterState.MountpointMissing, $"{caster.Display} has no mountpoint {what}: '{line}'");
        }

        return new NtripException(CasterState.Disconnected, $"{caster.Display} answered '{line}' to {what}");
    }

    // One connection, from the request to its end: returns why it ended, throws on refusal.
    private async Task<string> StreamAsync(CancellationToken cancellationToken)
    {
        GgaPosition position = _position() ?? _lastPosition!.Value;
        _lastPosition = position;
        string gga = position.ToSentence(_time.GetUtcNow());
        await using NtripConnection connection = await NtripConnection.OpenAsync(_options.Caster, _options.Mountpoint, _options.Version, _options.User, _options.Password, gga,
            _options.ConnectTimeout, _options.CertificateValidation, cancellationToken).ConfigureAwait(false);
        if (connection.IsSourceTable)
        {
            string table = await NtripSourceTable.ReadAllAsync(connection, _options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            throw new NtripException(CasterState.MountpointMissing, $"{_options.Caster.Display} has no mountpoint {_options.Mountpoint}: it answered with its source table")
            {
                SourceTable = NtripSourceTable.Parse(table),
            };
        }

        if (connection.Status != 200)
        {
            throw Refusal(connection, _options.Caster, _options.Mountpoint);
        }

        Interlocked.Increment(ref _connections);
        _framer.Reset();
        LogConnected(_logger, _options.Name, Source, connection.StatusLine, connection.Chunked ? ", chunked" : "");
        SetState(CasterState.Streaming);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var receiverGone = new CancellationTokenSource();
        _receiverGone = false;
        Task upstream = SendGgaAsync(connection, gga, receiverGone, stop.Token);
        try
        {
            return await ReadFramesAsync(connection, receiverGone.Token, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await upstream.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or SocketException)
            {
                // The connection is over; the read side says why.
            }
        }
    }

    private async Task<string> ReadFramesAsync(NtripConnection connection, CancellationToken receiverGone, CancellationToken cancellationToken)
    {
        // The read timeout on the injected clock: restarted before every read.
        using var idle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        using CancellationTokenRegistration link = cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), idle);
        using CancellationTokenRegistration gone = receiverGone.Register(static s => ((CancellationTokenSource)s!).Cancel(), idle);
        long bytesWithoutFrame = 0;
        bool warned = false;
        while (true)
        {
            idle.CancelAfter(_options.ReadTimeout);
            int n;
            try
            {
                n = await connection.ReadAsync(_framer.GetMemory(), idle.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return _receiverGone
                    ? "the receiver is no longer connected here (or has no position): the caster connection is given up until it is"
                    : $"no data for {_options.ReadTimeout.TotalSeconds:0} s";
            }
            catch (Exception e) when (e is IOException or SocketException && !cancellationToken.IsCancellationRequested)
            {
                return e.Message;
            }

            if (n == 0)
            {
                return "the caster closed the connection";
            }

            _framer.Advance(n);
            Interlocked.Add(ref _bytes, n);
            int length = 0, frames = 0;
            while (_framer.TryReadFrame(out RtcmFrame frame))
            {
                frame.Bytes.CopyTo(_out.AsSpan(length));
                length += frame.Bytes.Length;
                frames++;
                Interlocked.Increment(ref _types[frame.MessageType]);
            }

            if (frames == 0)
            {
                bytesWithoutFrame += n;
                if (!warned && bytesWithoutFrame >= NoFrameWarningBytes)
                {
                    warned = true;
                    LogNoFrames(_logger, _options.Name, Source, bytesWithoutFrame);
                }

                continue;
            }

            bytesWithoutFrame = 0;
            Interlocked.Exchange(ref _lastFrameTicks, _time.GetUtcNow().UtcTicks);
            if (await _forward(_out.AsMemory(0, length), cancellationToken).ConfigureAwait(false))
            {
                Interlocked.Add(ref _forwarded, length);
            }
            else
            {
                Interlocked.Add(ref _undelivered, frames);
            }
        }
    }

    // The GGA at connect, then every interval; at each interval (every 10 s when GGA goes only once)
    // also whether the receiver is still there: when its position is gone, the connection is given up.
    private async Task SendGgaAsync(NtripConnection connection, string first, CancellationTokenSource receiverGone, CancellationToken cancellationToken)
    {
        await connection.WriteAsync(Encoding.ASCII.GetBytes(first), cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _ggaSent);
        bool repeat = _options.GgaInterval > TimeSpan.Zero;
        while (true)
        {
            await Task.Delay(repeat ? _options.GgaInterval : TimeSpan.FromSeconds(10), _time, cancellationToken).ConfigureAwait(false);
            if (_position() is not { } position)
            {
                _receiverGone = true;
                await receiverGone.CancelAsync().ConfigureAwait(false);
                return;
            }

            _lastPosition = position;
            if (repeat)
            {
                await connection.WriteAsync(Encoding.ASCII.GetBytes(position.ToSentence(_time.GetUtcNow())), cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _ggaSent);
            }
        }
    }

    private async Task<bool> WaitForPositionAsync(CancellationToken cancellationToken)
    {
        bool logged = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (_position() is { } position)
            {
                _lastPosition = position;
                return true;
            }

            SetState(CasterState.WaitingForPosition);
            if (!logged)
            {
                logged = true;
                LogWaiting(_logger, _options.Name, Source);
            }

            await DelayAsync(PositionPoll, cancellationToken).ConfigureAwait(false);
        }

        return false;
    }

    private TimeSpan Backoff(int attempt)
    {
        // As the receiver worker: exponential from 1 s, capped, half fixed and half random.
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

    private void SetState(CasterState state)
    {
        lock (_stateLock)
        {
            if (_state != state)
            {
                _state = state;
                _stateSince = _time.GetUtcNow();
            }
        }
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Corrections for {Receiver}: connected to {Source} ({Answer}{Chunked})")]
    private static partial void LogConnected(ILogger logger, string receiver, string source, string answer, string chunked);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Corrections for {Receiver}: waiting for the receiver (connected, with a position) before connecting to {Source} (casters ban clients that connect without GGA)")]
    private static partial void LogWaiting(ILogger logger, string receiver, string source);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "Corrections for {Receiver}: {Source} refused user '{User}' (401/403: wrong user or password, account expired or banned): {Answer}; trying again in {RetrySeconds:0} s")]
    private static partial void LogUnauthorized(ILogger logger, string receiver, string source, string user, string answer, double retrySeconds);

    [LoggerMessage(EventId = 403, Level = LogLevel.Warning, Message = "Corrections for {Receiver}: {Caster} has no mountpoint '{Mountpoint}': it returned its source table ({Count} mountpoints: {Offered}); trying again in {RetrySeconds:0} s")]
    private static partial void LogMountpointMissing(ILogger logger, string receiver, string caster, string mountpoint, int count, string offered, double retrySeconds);

    [LoggerMessage(EventId = 404, Level = LogLevel.Warning, Message = "Corrections for {Receiver}: lost {Source}: {Reason}; reconnecting in {RetrySeconds:0.0} s")]
    private static partial void LogLost(ILogger logger, string receiver, string source, string reason, double retrySeconds);

    [LoggerMessage(EventId = 405, Level = LogLevel.Warning, Message = "Corrections for {Receiver}: cannot connect to {Source}: {Error}; reconnecting in {RetrySeconds:0.0} s")]
    private static partial void LogCannotConnect(ILogger logger, string receiver, string source, string error, double retrySeconds);

    [LoggerMessage(EventId = 406, Level = LogLevel.Warning, Message = "Corrections for {Receiver}: {Bytes} bytes from {Source} without one RTCM 3 frame: is the mountpoint's format RTCM 3 (see 'beidouhub ntrip list')?")]
    private static partial void LogNoFrames(ILogger logger, string receiver, string source, long bytes);
}
