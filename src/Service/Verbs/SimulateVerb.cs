using System.Globalization;
using System.Runtime.CompilerServices;
using BeidouHub.Simulator;

namespace BeidouHub.Service.Verbs;

/// <summary>
/// <c>beidouhub simulate [--profile P] [--duration 300s] [--rate 10] [--seed N] [--start ISO] [--style gb|bd] [--out FILE]</c>:
/// writes the NMEA log of a simulated receiver of the park (see seeds/README.md). Exit 2 on bad
/// arguments, 1 when the output cannot be written.
/// </summary>
internal static class SimulateVerb
{
    public const string Usage = """
        usage: beidouhub simulate [--profile vehicle-rtk|handheld-bd|gate|faults] [--duration 300s] [--rate 10]
                                  [--seed N] [--start 2026-11-27T02:00:00Z] [--style gb|bd] [--out FILE]
          --profile P    vehicle-rtk (default: truck, RTK, 10 Hz), handheld-bd (walk, autonomous, BD talker, 1 Hz),
                         gate (static RTK receiver with an outage, 1 Hz), faults (forklift with a damaged serial line, 1 Hz)
          --duration D   length of the log: 300s, 5m, 1h or plain seconds (default: the profile's)
          --rate HZ      epochs per second, whole number 1-20 (default: the profile's)
          --seed N       unsigned 64-bit seed; the same seed gives the same bytes (default 1)
          --start T      UTC time of the first epoch, ISO 8601 with Z (default 2026-11-27T02:00:00Z)
          --style S      gb (NMEA 4.11, GB talker, u-blox/Unicore) or bd (BD talker, CASIC/L76K) (default: the profile's)
          --out FILE     write to FILE instead of standard output
        """;

    // Not inlined into Main, which is compiled with every verb in it: inlined, the verbs' state
    // machines loaded their types (Google.Protobuf among them) at every start, whatever the verb.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<int> RunAsync(string[] args, TextWriter stderr, Stream stdout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stderr);
        SimulationProfile profile = SimulationProfile.VehicleRtk;
        TimeSpan? duration = null;
        double? rate = null;
        ulong seed = 1;
        DateTime start = SimulationProfiles.DefaultStart;
        NmeaStyle? style = null;
        string? output = null;
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a is "-h" or "--help")
            {
                await stderr.WriteLineAsync(Usage).ConfigureAwait(false);
                return 0;
            }

            if (!a.StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                return await Fail(stderr, a.StartsWith("--", StringComparison.Ordinal) ? $"option '{a}' needs a value" : $"unexpected argument '{a}'").ConfigureAwait(false);
            }

            string v = args[++i];
            string? error = a switch
            {
                "--profile" => SimulationProfiles.TryParse(v, out profile) ? null : $"unknown profile '{v}'; available: vehicle-rtk, handheld-bd, gate, faults",
                "--duration" => TryParseDuration(v, out TimeSpan d) ? Set(ref duration, d) : $"bad duration '{v}': use 300s, 5m, 1h or seconds, more than 0 and at most 24h",
                "--rate" => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int r) && r is >= 1 and <= 20 ? Set(ref rate, r) : $"bad rate '{v}': a whole number of Hz from 1 to 20",
                "--seed" => ulong.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out seed) ? null : $"bad seed '{v}': an unsigned 64-bit integer",
                "--start" => DateTime.TryParseExact(v, ["yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-ddTHH:mm:ss.fffZ"], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out start)
                    ? null : $"bad start '{v}': ISO 8601 UTC such as 2026-11-27T02:00:00Z",
                "--style" => v switch
                {
                    "gb" => Set(ref style, NmeaStyle.Gb411),
                    "bd" => Set(ref style, NmeaStyle.Bd),
                    _ => $"unknown style '{v}'; available: gb, bd",
                },
                "--out" => v.Length > 0 ? Set(ref output, v) : "empty --out",
                _ => $"unknown option '{a}'",
            };
            if (error is not null)
            {
                return await Fail(stderr, error).ConfigureAwait(false);
            }
        }

        SimulatedReceiverOptions options = SimulationProfiles.Create(profile, start, seed, rate, style);
        TimeSpan length = duration ?? SimulationProfiles.DefaultDuration(profile);
        var simulator = new NmeaSimulator(options);
        if (output is null)
        {
            await SimulatedLog.WriteAsync(simulator, length, stdout, cancellationToken).ConfigureAwait(false);
            return 0;
        }

        try
        {
            var file = new FileStream(output, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
            await using (file.ConfigureAwait(false))
            {
                await SimulatedLog.WriteAsync(simulator, length, file, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            await stderr.WriteLineAsync($"simulate: cannot write '{output}': {e.Message}").ConfigureAwait(false);
            return 1;
        }

        await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"simulate: {simulator.EpochCount(length)} epochs of {options.Name} written to {output}")).ConfigureAwait(false);
        return 0;
    }

    internal static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        double scale = 1;
        string number = text;
        if (text.Length > 1 && text[^1] is 's' or 'm' or 'h')
        {
            scale = text[^1] switch { 'm' => 60, 'h' => 3600, _ => 1 };
            number = text[..^1];
        }

        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value))
        {
            return false;
        }

        double seconds = value * scale;
        if (seconds is <= 0 or > 86_400)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(seconds);
        return true;
    }

    private static string? Set<T>(ref T? target, T value)
    {
        target = value;
        return null;
    }

    private static async Task<int> Fail(TextWriter stderr, string message)
    {
        await stderr.WriteLineAsync($"simulate: {message}\n{Usage}").ConfigureAwait(false);
        return 2;
    }
}
