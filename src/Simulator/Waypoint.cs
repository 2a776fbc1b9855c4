namespace BeidouHub.Simulator;

/// <summary>A point of a simulated route (geodetic degrees), with an optional stop there.</summary>
/// <param name="Latitude">Degrees north.</param>
/// <param name="Longitude">Degrees east.</param>
/// <param name="DwellSeconds">How long the receiver stops at this point each time it passes (0: drives through).</param>
public readonly record struct Waypoint(double Latitude, double Longitude, double DwellSeconds = 0);

/// <summary>An interval without a fix (under a bridge, inside a shed): GGA quality 0, RMC status V.</summary>
/// <param name="Start">From the start of the log.</param>
/// <param name="Duration">Length of the outage.</param>
/// <param name="Cause">What blocks the sky (written in the log header).</param>
public readonly record struct Outage(TimeSpan Start, TimeSpan Duration, string Cause)
{
    /// <summary>End of the outage, from the start of the log.</summary>
    public TimeSpan End => Start + Duration;

    /// <summary>True when <paramref name="elapsed"/> is inside the outage.</summary>
    public bool Contains(TimeSpan elapsed) => elapsed >= Start && elapsed < End;
}

/// <summary>Sentence style of the simulated receiver.</summary>
public enum NmeaStyle
{
    /// <summary>
    /// NMEA 4.11 as u-blox F9P / Unicore UM621 send it: GN main talker, one <c>$GNGSA</c> per
    /// constellation with system id, <c>$GPGSV</c> and <c>$GBGSV</c> one set per signal
    /// (GPS L1 C/A = 1, L5-I = 7; BeiDou B1I = 1, B2a = 5), lat/lon with 7 minute decimals.
    /// </summary>
    Gb411,

    /// <summary>
    /// The Chinese-standard style of CASIC modules (Quectel L76K): <c>$BDGSV</c>/<c>$BDGSA</c> for
    /// BeiDou, GP for GPS, GN for GGA/RMC/VTG/ZDA, GSV signal id 0 ("all signals"), GSA with
    /// system id (NMEA 4.1 mode), lat/lon with 5 minute decimals.
    /// </summary>
    Bd,
}

/// <summary>
/// An interval in which a jammer near the park lowers every signal's C/N0 by <paramref name="DropDb"/>:
/// satellites whose C/N0 would fall below 20 dB-Hz lose lock (listed without C/N0, not used), and an
/// RTK rover loses its carrier-phase solution (autonomous fixes only), as in-band interference does.
/// </summary>
/// <param name="Start">From the start of the log.</param>
/// <param name="Duration">Length of the jamming.</param>
/// <param name="DropDb">C/N0 lost by every signal, dB.</param>
public readonly record struct Jamming(TimeSpan Start, TimeSpan Duration, double DropDb)
{
    /// <summary>True when <paramref name="elapsed"/> is inside the interval.</summary>
    public bool Contains(TimeSpan elapsed) => elapsed >= Start && elapsed < Start + Duration;
}

/// <summary>
/// An interval in which a spoofer captures the receiver: every reported position is moved by
/// (<paramref name="NorthMetres"/>, <paramref name="EastMetres"/>) and every reported time by
/// <paramref name="ClockOffset"/>, the same for every receiver it captures (a coherent jump).
/// </summary>
public readonly record struct Spoofing(TimeSpan Start, TimeSpan Duration, double NorthMetres, double EastMetres, TimeSpan ClockOffset)
{
    /// <summary>True when <paramref name="elapsed"/> is inside the interval.</summary>
    public bool Contains(TimeSpan elapsed) => elapsed >= Start && elapsed < Start + Duration;
}
