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
        usage: beidouhub simulate [--profile vehicle-rtk|handheld-bd|gate|faults|jam|spoof|lose-rtk] [--duration 300s] [--rate 10]
                                  [--seed N] [--start 2026-11-27T02:00:00Z] [--style gb|bd] [--out FILE]
          --profile P    vehicle-rtk (default: truck, RTK, 10 Hz), handheld-bd (walk, autonomous, BD talker, 1 Hz),
                         gate (static RTK receiver with an outage, 1 Hz), faults (forklift with a damaged serial line, 1 Hz),
                         jam / spoof / lose-rtk (the truck at 1 Hz, jammed, spoofed or without corrections from 30 s)
          --duration D   length of the log: 300s, 5m, 1h30m or 00:05:00, at most 24h (default: the profile's)
          --rate HZ      epochs per second, whole number 1-20 (default: the profile's)
          --seed N       unsigned 64-bit seed; the same seed gives the same bytes (default 1)
          --start T      UTC time of the first epoch, ISO 8601 with Z (default 2026-11-27T02:00:00Z)
          --style S      gb (NMEA 4.11, GB talker, u-blox/Unicore) or bd (BD talker, CASIC/L76K) (default: the profile's)
          --out FILE     write to FILE instead of standard output
        """;

    private static readonly (string, NmeaStyle?)[] Styles = [("gb", NmeaStyle.Gb411), ("bd", NmeaStyle.Bd)];

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
        var cli = new ArgumentReader("simulate", args);
        while (cli.Read())
        {
            switch (cli.Option)
            {
                case "--profile":
                    if (cli.TryValue(out string p) && !SimulationProfiles.TryParse(p, out profile))
                    {
                        cli.Invalid("one of vehicle-rtk, handheld-bd, gate, faults, jam, spoof, lose-rtk");
                    }

                    break;
                case "--duration":
                    duration = cli.TryDuration(out TimeSpan d, max: TimeSpan.FromHours(24)) ? d : null;
                    break;
                case "--rate":
                    rate = cli.TryInteger(1, 20, out long r, "a whole number of Hz from 1 to 20") ? r : null;
                    break;
                case "--seed":
                    if (cli.TryValue(out string n) && !ulong.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out seed))
                    {
                        cli.Invalid("an unsigned 64-bit integer");
                    }

                    break;
                case "--start":
                    if (cli.TryValue(out string t) && !DateTime.TryParseExact(t, ["yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-ddTHH:mm:ss.fffZ"], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out start))
                    {
                        cli.Invalid("ISO 8601 UTC such as 2026-11-27T02:00:00Z");
                    }

                    break;
                case "--style":
                    style = cli.TryChoice<NmeaStyle?>(Styles, out NmeaStyle? chosen) ? chosen : null;
                    break;
                case "--out":
                    if (cli.TryValue(out string file))
                    {
                        output = file.Length > 0 ? file : null;
                        if (output is null)
                        {
                            cli.Invalid("a file name");
                        }
                    }

                    break;
                default:
                    cli.Unexpected();
                    break;
            }
        }

        if (cli.Finish(stdout, stderr, Usage) is { } exit)
        {
            return exit;
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
}
