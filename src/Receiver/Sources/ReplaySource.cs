using BeidouHub.Receiver.Nmea;

namespace BeidouHub.Receiver.Sources;

/// <summary>
/// Replays a capture at its recorded pace: the bytes of each line go out when the clock
/// (<see cref="TimeProvider"/>, the system's unless given) reaches the line's UTC time (from its timed sentence: GGA, RMC, GNS, GLL, GST, ZDA, GBS),
/// divided by the speed factor. Lines without a time (GSV, GSA, binary, comments) follow the line
/// before them at once. <c>speed=0</c> runs flat out; <c>loop</c> starts over at the end.
/// </summary>
public sealed class ReplaySource : IByteSource
{
    private readonly ReplaySourceOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the source, paced by <paramref name="time"/> (default the system clock).</summary>
    public ReplaySource(ReplaySourceOptions options, TimeProvider? time = null)
    {
        _options = options;
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Description => _options.Uri;

    /// <inheritdoc />
    public bool EndsWhenDrained => !_options.Loop;

    /// <inheritdoc />
    public Task<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        var file = new FileStream(_options.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        return Task.FromResult<Stream>(new ReplayStream(file, _options.Speed, _options.Loop, _time));
    }

    /// <summary>
    /// NMEA from anywhere (a history's stored track made into sentences), paced by the times in
    /// its sentences as a replayed file is: once through, <paramref name="speed"/> times real time.
    /// </summary>
    public static Stream Pace(Stream nmea, double speed, TimeProvider time) => new ReplayStream(nmea, speed, loop: false, time);
}

/// <summary>The paced stream behind <see cref="ReplaySource"/>; reads return whole lines where they fit.</summary>
internal sealed class ReplayStream : ReadOnlyStream
{
    private const int DayMs = 24 * 3600 * 1000;
    private const int MaxStepMs = 3600 * 1000;

    private readonly Stream _file;
    private readonly double _speed;
    private readonly bool _loop;
    private readonly byte[] _buffer = new byte[1 << 16];
    private readonly TimeProvider _time;
    private long _started;
    private int _start;
    private int _end;
    private bool _eof;
    private int? _lastTime;
    private double _elapsedMs;
    private bool _lineReleased;

    public ReplayStream(Stream file, double speed, bool loop, TimeProvider time)
    {
        _file = file;
        _speed = speed;
        _loop = loop;
        _time = time;
    }

    /// <summary>How many times the capture has started over.</summary>
    public int Loops { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        int written = 0;
        while (written < destination.Length)
        {
            int lineEnd = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (lineEnd < 0 && !_eof && (_start > 0 || _end < _buffer.Length))
            {
                if (written > 0)
                {
                    break;
                }

                await FillAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            int lineLength = lineEnd >= 0 ? lineEnd + 1 : _end - _start;
            if (lineLength == 0)
            {
                // End of the file.
                if (written > 0)
                {
                    break;
                }

                if (!_loop)
                {
                    return 0;
                }

                _file.Seek(0, SeekOrigin.Begin);
                _start = _end = 0;
                _eof = false;
                Loops++;
                continue;
            }

            if (!_lineReleased)
            {
                double waitMs = WaitFor(_buffer.AsSpan(_start, lineLength));
                if (waitMs >= 1)
                {
                    if (written > 0)
                    {
                        break;
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(waitMs), _time, cancellationToken).ConfigureAwait(false);
                }

                _lineReleased = true;
            }

            int n = Math.Min(lineLength, destination.Length - written);
            _buffer.AsSpan(_start, n).CopyTo(destination.Span[written..]);
            written += n;
            _start += n;
            if (n == lineLength)
            {
                _lineReleased = false;
            }
        }

        return written;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        int n = await _file.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (n == 0)
        {
            _eof = true;
        }

        _end += n;
    }

    // Milliseconds to wait before this line may go out. The capture's clock advances by the
    // differences of successive sentence times; a jump back (a loop, a receiver restart) or a gap
    // of more than an hour does not advance it, and midnight wraps.
    private double WaitFor(ReadOnlySpan<byte> line)
    {
        if (_speed <= 0 || !TryTime(line, out int time))
        {
            return 0;
        }

        if (_lastTime is { } last)
        {
            int step = time - last;
            if (step < -DayMs / 2)
            {
                step += DayMs;
            }

            if (step is > 0 and <= MaxStepMs)
            {
                _elapsedMs += step;
            }
        }
        else
        {
            _started = _time.GetTimestamp();
            _elapsedMs = 0;
        }

        _lastTime = time;
        return (_elapsedMs / _speed) - _time.GetElapsedTime(_started).TotalMilliseconds;
    }

    internal static bool TryTime(ReadOnlySpan<byte> line, out int time)
    {
        time = 0;
        int dollar = line.IndexOf((byte)'$');
        if (dollar < 0)
        {
            return false;
        }

        if (!NmeaSentence.TryParse(line[dollar..], out NmeaSentence s, out _))
        {
            return false;
        }

        int field = s.Type switch
        {
            SentenceType.Gga or SentenceType.Rmc or SentenceType.Gns or SentenceType.Gst or SentenceType.Zda or SentenceType.Gbs => 1,
            SentenceType.Gll => 5,
            _ => 0,
        };
        if (field == 0 || !NmeaField.TryGetTime(s.Field(field), out int? t) || t is null)
        {
            return false;
        }

        time = t.Value;
        return true;
    }
}
