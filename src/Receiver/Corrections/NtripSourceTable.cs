using System.Globalization;
using System.Net.Security;
using System.Text;

namespace BeidouHub.Receiver.Corrections;

/// <summary>
/// A caster's source table (RTCM 10410.1 section 2.3): one <c>STR</c> line per mountpoint, <c>CAS</c>
/// and <c>NET</c> lines for casters and networks, ended by <c>ENDSOURCETABLE</c>. Fields are separated
/// by <c>;</c>; missing trailing fields are empty (casters differ in how many they send).
/// </summary>
public sealed class NtripSourceTable
{
    /// <summary>The mountpoints (STR lines), in the caster's order.</summary>
    public required IReadOnlyList<NtripMountpoint> Mountpoints { get; init; }

    /// <summary>CAS lines (other casters), as they came.</summary>
    public required IReadOnlyList<string> Casters { get; init; }

    /// <summary>NET lines (networks), as they came.</summary>
    public required IReadOnlyList<string> Networks { get; init; }

    /// <summary>Parses the table's text; lines of other kinds (and text before the table) are ignored.</summary>
    public static NtripSourceTable Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var streams = new List<NtripMountpoint>();
        var casters = new List<string>();
        var networks = new List<string>();
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.StartsWith("STR;", StringComparison.Ordinal))
            {
                streams.Add(NtripMountpoint.Parse(line));
            }
            else if (line.StartsWith("CAS;", StringComparison.Ordinal))
            {
                casters.Add(line);
            }
            else if (line.StartsWith("NET;", StringComparison.Ordinal))
            {
                networks.Add(line);
            }
            else if (line.StartsWith("ENDSOURCETABLE", StringComparison.Ordinal))
            {
                break;
            }
        }

        return new NtripSourceTable { Mountpoints = streams, Casters = casters, Networks = networks };
    }

    /// <summary>
    /// Asks the caster for its table (<c>GET /</c>). Throws <see cref="NtripException"/> when the
    /// caster refuses (401) or answers with something else, <see cref="IOException"/> when it cannot be reached.
    /// </summary>
    public static async Task<NtripSourceTable> FetchAsync(NtripEndpoint endpoint, string? user, string? password, NtripVersion version, TimeSpan timeout,
        RemoteCertificateValidationCallback? validation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        await using NtripConnection connection = await NtripConnection.OpenAsync(endpoint, "", version, user, password, null, timeout, validation, cancellationToken).ConfigureAwait(false);
        if (!connection.IsSourceTable)
        {
            throw NtripClient.Refusal(connection, endpoint, "/");
        }

        return Parse(await ReadAllAsync(connection, timeout, cancellationToken).ConfigureAwait(false));
    }

    // To the end of the body or ENDSOURCETABLE (some casters keep the connection open), at most 8 MB.
    internal static async Task<string> ReadAllAsync(NtripConnection connection, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var text = new StringBuilder();
        byte[] buffer = new byte[8192];
        try
        {
            int n;
            while ((n = await connection.ReadAsync(buffer, limit.Token).ConfigureAwait(false)) > 0)
            {
                text.Append(Encoding.UTF8.GetString(buffer, 0, n));
                if (text.Length > 8 << 20)
                {
                    throw new IOException("the source table is over 8 MB");
                }

                if (EndsTable(text))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"the source table did not end within {timeout.TotalSeconds:0} s");
        }

        return text.ToString();
    }

    private static bool EndsTable(StringBuilder text)
    {
        int from = Math.Max(0, text.Length - 8300);
        return text.ToString(from, text.Length - from).Contains("ENDSOURCETABLE", StringComparison.Ordinal);
    }
}

/// <summary>
/// One <c>STR</c> line: mountpoint, identifier (usually the place), format (<c>RTCM 3.3</c>), format
/// details (message types and their rates, <c>1005(10),1074(1),1124(1)</c>), carrier (0 none, 1 L1, 2
/// L1+L2), navigation systems (<c>GPS+GLO+BDS</c>), network, country (ISO 3166 alpha-3), latitude and
/// longitude (degrees), whether the caster wants GGA from the client (NMEA 1: a VRS or nearest-base
/// stream), solution (0 single base, 1 network), generator, compression, authentication (N none, B
/// basic, D digest), fee (Y/N), bit rate, and the rest (misc).
/// </summary>
public sealed record NtripMountpoint
{
    /// <summary>The mountpoint.</summary>
    public required string Mountpoint { get; init; }

    /// <summary>Identifier (a place name).</summary>
    public string Identifier { get; init; } = "";

    /// <summary>Format, e.g. <c>RTCM 3.3</c>.</summary>
    public string Format { get; init; } = "";

    /// <summary>Format details: message types and their rates in seconds.</summary>
    public string FormatDetails { get; init; } = "";

    /// <summary>Carrier phase: 0 none, 1 L1, 2 L1+L2.</summary>
    public string Carrier { get; init; } = "";

    /// <summary>Navigation systems, e.g. <c>GPS+GLO+GAL+BDS</c>.</summary>
    public string NavSystems { get; init; } = "";

    /// <summary>Network.</summary>
    public string Network { get; init; } = "";

    /// <summary>Country, ISO 3166 alpha-3.</summary>
    public string Country { get; init; } = "";

    /// <summary>Latitude, degrees north; null when absent or not a number.</summary>
    public double? Latitude { get; init; }

    /// <summary>Longitude, degrees east; null when absent or not a number.</summary>
    public double? Longitude { get; init; }

    /// <summary>The caster wants the client's GGA (NMEA field 1).</summary>
    public bool NeedsGga { get; init; }

    /// <summary>Network solution (1) rather than a single base (0).</summary>
    public bool NetworkSolution { get; init; }

    /// <summary>Generator (hardware or software).</summary>
    public string Generator { get; init; } = "";

    /// <summary>Authentication: N none, B basic, D digest.</summary>
    public string Authentication { get; init; } = "";

    /// <summary>A fee is charged (Y).</summary>
    public bool Fee { get; init; }

    /// <summary>Bit rate, bits per second; null when absent.</summary>
    public int? Bitrate { get; init; }

    /// <summary>Parses an STR line.</summary>
    public static NtripMountpoint Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        string[] f = line.Split(';');
        string At(int i) => i < f.Length ? f[i].Trim() : "";
        double? Number(int i) => double.TryParse(At(i), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v : null;
        return new NtripMountpoint
        {
            Mountpoint = At(1),
            Identifier = At(2),
            Format = At(3),
            FormatDetails = At(4),
            Carrier = At(5),
            NavSystems = At(6),
            Network = At(7),
            Country = At(8),
            Latitude = Number(9),
            Longitude = Number(10),
            NeedsGga = At(11) == "1",
            NetworkSolution = At(12) == "1",
            Generator = At(13),
            Authentication = At(15),
            Fee = At(16) is "Y" or "y",
            Bitrate = int.TryParse(At(17), NumberStyles.Integer, CultureInfo.InvariantCulture, out int bitrate) ? bitrate : null,
        };
    }
}
