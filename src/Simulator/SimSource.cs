using System.Buffers;
using System.Globalization;
using BeidouHub.Receiver.Sources;

namespace BeidouHub.Simulator;

/// <summary>
/// The built-in simulator as a live receiver: <c>sim://?profile=vehicle-rtk&amp;seed=1&amp;rate=10&amp;style=gb</c>,
/// or one receiver of a fleet with <c>sim://?fleet=N&amp;index=i</c>. The incident profiles (jam, spoof,
/// lose-rtk) take <c>at=30&amp;for=40</c> (seconds after the stream opens, and how long), also in a fleet. Epochs are written when the clock
/// (<see cref="TimeProvider"/>, the system's unless given) reaches their time (the simulated sky is
/// today's, seen from the park); with <c>baud=115200</c> the bytes
/// of each epoch are spread out as a serial line at that speed would deliver them (8N1: baud/10 bytes/s).
/// </summary>
public sealed class SimSource : IByteSource
{
    private readonly SimSourceOptions _options;
    private readonly SimulatedReceiverOptions _receiver;
    private readonly int _baud;
    private readonly TimeProvider _time;

    private SimSource(SimSourceOptions options, SimulatedReceiverOptions receiver, int baud, TimeProvider time)
    {
        _options = options;
        _receiver = receiver;
        _baud = baud;
        _time = time;
    }

    /// <inheritdoc />
    public string Description => _options.Uri;

    /// <inheritdoc />
    public bool EndsWhenDrained => false;

    /// <summary>The simulated receiver's settings (start time is set when the stream opens).</summary>
    public SimulatedReceiverOptions Receiver => _receiver;

    /// <summary>Builds the source on the system clock, or says which parameter is wrong.</summary>
    public static bool TryCreate(SimSourceOptions options, out SimSource? source, out string? error) =>
        TryCreate(options, TimeProvider.System, out source, out error);

    /// <summary>Builds the source, paced by <paramref name="time"/>, or says which parameter is wrong.</summary>
    public static bool TryCreate(SimSourceOptions options, TimeProvider time, out SimSource? source, out string? error)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        source = null;
        IReadOnlyDictionary<string, string> p = options.Parameters;
        string[] known = ["profile", "seed", "rate", "style", "fleet", "index", "baud", "at", "for"];
        string? unknown = p.Keys.FirstOrDefault(k => !known.Contains(k, StringComparer.OrdinalIgnoreCase));
        if (unknown is not null)
        {
            error = $"'{options.Uri}': unknown parameter '{unknown}' (known: {string.Join(", ", known)})";
            return false;
        }

        SimulationProfile profile = SimulationProfile.VehicleRtk;
        if (p.TryGetValue("profile", out string? name) && !SimulationProfiles.TryParse(name, out profile))
        {
            error = $"'{options.Uri}': profile={name} is not vehicle-rtk, handheld-bd, gate, faults, jam, spoof or lose-rtk";
            return false;
        }

        if (!Number(p, "seed", 1, 0, long.MaxValue, out double seed, out error) || !Number(p, "rate", SimulationProfiles.DefaultRate(profile), 1, 20, out double rate, out error)
            || !Number(p, "fleet", 0, 0, 100_000, out double fleet, out error) || !Number(p, "index", 0, 0, 99_999, out double index, out error)
            || !Number(p, "baud", 0, 0, 4_000_000, out double baud, out error)
            || !Number(p, "at", SimulationProfiles.IncidentAt.TotalSeconds, 0, 86_400, out double at, out error)
            || !Number(p, "for", SimulationProfiles.IncidentDuration(profile).TotalSeconds, 0, 86_400, out double length, out error))
        {
            error = $"'{options.Uri}': {error}";
            return false;
        }

        NmeaStyle style = SimulationProfiles.DefaultStyle(profile);
        if (p.TryGetValue("style", out string? styleName))
        {
            switch (styleName.ToLowerInvariant())
            {
                case "gb":
                    style = NmeaStyle.Gb411;
                    break;
                case "bd":
                    style = NmeaStyle.Bd;
                    break;
                default:
                    error = $"'{options.Uri}': style={styleName} is not gb or bd";
                    return false;
            }
        }

        if (fleet > 0 && index >= fleet)
        {
            error = $"'{options.Uri}': index={index} is not below fleet={fleet}";
            return false;
        }

        // The start is replaced when the stream opens; the sky follows the clock.
        DateTime start = time.GetUtcNow().UtcDateTime;
        // An incident profile (jam, spoof, lose-rtk) in a fleet strikes every receiver at once:
        // each one's incident is timed from its own start, and the fleet's receivers open together.
        SimulatedReceiverOptions receiver = fleet > 0
            ? SimulatedFleet.ReceiverOptions(new SimulationOptions { Count = (int)fleet, RateHz = rate, Seed = (ulong)seed, Start = start, Style = style }, (int)index)
            : SimulationProfiles.Create(profile, start, (ulong)seed, rate, style);
        if (profile.IsIncident())
        {
            receiver = SimulationProfiles.WithIncident(receiver with { Jamming = [], Spoofing = [], CorrectionLosses = [] }, profile, TimeSpan.FromSeconds(at), TimeSpan.FromSeconds(length));
        }

        source = new SimSource(options, receiver, (int)baud, time);
        error = null;
        return true;
    }

    /// <inheritdoc />
    public Task<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        // Start on a whole interval of the clock, as receivers do.
        long interval = (long)Math.Round(TimeSpan.TicksPerSecond / _receiver.RateHz);
        DateTime now = _time.GetUtcNow().UtcDateTime;
        var start = new DateTime(now.Ticks - (now.Ticks % interval) + interval, DateTimeKind.Utc);
        var simulator = new NmeaSimulator(_receiver with { Start = start });
        return Task.FromResult<Stream>(new SimStream(simulator, start, _baud, _time));
    }

    private static bool Number(IReadOnlyDictionary<string, string> p, string key, double fallback, double min, double max, out double value, out string? error)
    {
        error = null;
        value = fallback;
        if (!p.TryGetValue(key, out string? text))
        {
            return true;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || value < min || value > max)
        {
            error = $"{key}={text} is not a number in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]";
            return false;
        }

        return true;
    }

    // Times the epochs by the clock's monotonic timestamps from the open, so a step of the wall
    // clock (NTP) neither stalls nor floods the stream.
    private sealed class SimStream(NmeaSimulator simulator, DateTime start, int baud, TimeProvider time) : ReadOnlyStream
    {
        private readonly ArrayBufferWriter<byte> _epoch = new(4096);
        private readonly long _opened = time.GetTimestamp();
        private readonly TimeSpan _startOffset = start - time.GetUtcNow().UtcDateTime;
        private long _index;
        private int _sent;
        private TimeSpan _epochDue;

        public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
        {
            if (_sent == _epoch.WrittenCount)
            {
                _epoch.Clear();
                _sent = 0;
                _epochDue = _startOffset + ((simulator.EpochTime(_index) - simulator.EpochTime(0)));
                TimeSpan wait = _epochDue - time.GetElapsedTime(_opened);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
                }

                simulator.WriteEpoch(_index++, _epoch);
            }

            int n = Math.Min(destination.Length, _epoch.WrittenCount - _sent);
            if (baud > 0)
            {
                // A serial line delivers baud/10 bytes per second: release the bytes up to where
                // the line would be now, at least one.
                double bytesPerMs = baud / 10.0 / 1000.0;
                int due = (int)((time.GetElapsedTime(_opened) - _epochDue).TotalMilliseconds * bytesPerMs) - _sent;
                if (due < 1)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, (1 - due) / bytesPerMs)), time, cancellationToken).ConfigureAwait(false);
                    due = Math.Max(1, (int)((time.GetElapsedTime(_opened) - _epochDue).TotalMilliseconds * bytesPerMs) - _sent);
                }

                n = Math.Min(n, due);
            }

            _epoch.WrittenSpan.Slice(_sent, n).CopyTo(destination.Span);
            _sent += n;
            return n;
        }
    }
}
