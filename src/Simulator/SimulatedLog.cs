using System.Buffers;
using System.Globalization;

namespace BeidouHub.Simulator;

/// <summary>
/// A whole simulated log: <c>#</c> header lines (name, the command that makes it, what it holds;
/// the framer skips them) and then every epoch. What <c>beidouhub simulate</c> writes and what
/// seeds/ holds.
/// </summary>
public static class SimulatedLog
{
    /// <summary>The <c>beidouhub simulate</c> command line that reproduces a profile's log (without <c>--out</c>).</summary>
    public static string Command(SimulatedReceiverOptions options, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"beidouhub simulate --profile {options.Profile.ToName()} --duration {duration.TotalSeconds:0.###}s --rate {options.RateHz:0.###} --seed {options.Seed} --start {options.Start:yyyy-MM-ddTHH:mm:ssZ} --style {(options.Style == NmeaStyle.Bd ? "bd" : "gb")}");
    }

    /// <summary>The header lines, each starting with <c>#</c>.</summary>
    public static IReadOnlyList<string> Header(SimulatedReceiverOptions options, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(options);
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            $"# Name: {options.Name}",
            // The old path stays: this line is in the committed seeds, which must not change with the move (src/Simulator).
            "# Simulated by BeidouHub (src/Simulator), not a capture: circular orbits, made-up park route (see seeds/README.md)",
            "# Made by: " + Command(options, duration),
            string.Create(inv, $"# Receiver: {(options.Rtk ? "RTK rover" : "autonomous")}, {(options.Style == NmeaStyle.Bd ? "BD talker style (CASIC/L76K)" : "NMEA 4.11 GB talker style (u-blox/Unicore)")}, {options.RateHz:0.###} Hz, GSV and ZDA at 1 Hz, elevation mask {options.ElevationMaskDeg:0.#} deg"),
            options.SpeedMps > 0
                ? string.Create(inv, $"# Motion: {options.Route.Count}-point closed loop from {options.Route[0].Latitude:0.0000}N {options.Route[0].Longitude:0.0000}E at {options.SpeedMps:0.##} m/s, start {options.RouteOffsetMetres:0} m along it, stops where the route says")
                : string.Create(inv, $"# Motion: static at {options.Route[0].Latitude:0.0000}N {options.Route[0].Longitude:0.0000}E"),
        };
        foreach (Outage o in options.Outages)
        {
            lines.Add(string.Create(inv, $"# Outage: {o.Start.TotalSeconds:0.###}-{o.End.TotalSeconds:0.###} s after start, {o.Cause}"));
        }

        foreach (Jamming j in options.Jamming)
        {
            lines.Add(string.Create(inv, $"# Jamming: {j.Start.TotalSeconds:0.###}-{(j.Start + j.Duration).TotalSeconds:0.###} s after start, every C/N0 {j.DropDb:0.#} dB lower"));
        }

        foreach (Spoofing sp in options.Spoofing)
        {
            lines.Add(string.Create(inv, $"# Spoofing: {sp.Start.TotalSeconds:0.###}-{(sp.Start + sp.Duration).TotalSeconds:0.###} s after start, positions {sp.NorthMetres:0.#} m north {sp.EastMetres:0.#} m east, time {sp.ClockOffset.TotalSeconds:+0.###;-0.###} s"));
        }

        foreach (Outage l in options.CorrectionLosses)
        {
            lines.Add(string.Create(inv, $"# No corrections: {l.Start.TotalSeconds:0.###}-{l.End.TotalSeconds:0.###} s after start, {l.Cause}"));
        }

        if (options.Faults)
        {
            lines.Add($"# Faults: every {FaultInjector.Period}th epoch from epoch {FaultInjector.FirstEpoch}, in turn: bad GGA checksum, UBX MON-HW frame, truncated VTG, 300-byte line, 16 NUL bytes, doubled start character before RMC");
        }

        return lines;
    }

    /// <summary>Writes header and epochs covering <paramref name="duration"/> to <paramref name="output"/>.</summary>
    public static async Task WriteAsync(NmeaSimulator simulator, TimeSpan duration, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        ArgumentNullException.ThrowIfNull(output);
        var buffer = new ArrayBufferWriter<byte>(1 << 16);
        foreach (string line in Header(simulator.Options, duration))
        {
            SentenceBuilder.WriteAscii(line + "\n", buffer);
        }

        long count = simulator.EpochCount(duration);
        for (long i = 0; i < count; i++)
        {
            simulator.WriteEpoch(i, buffer);
            if (buffer.WrittenCount > 1 << 15)
            {
                await output.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
                buffer.ResetWrittenCount();
            }
        }

        await output.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The whole log in memory.</summary>
    public static byte[] ToArray(SimulatedReceiverOptions options, TimeSpan duration)
    {
        using var stream = new MemoryStream();
        WriteAsync(new NmeaSimulator(options), duration, stream).GetAwaiter().GetResult();
        return stream.ToArray();
    }
}
