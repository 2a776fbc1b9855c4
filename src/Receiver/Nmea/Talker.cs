namespace BeidouHub.Receiver.Nmea;

/// <summary>
/// The two-letter talker of an NMEA 0183 address. NMEA 4.11 names GP GL GA GB GQ GI GN;
/// <see cref="Bd"/> is the Chinese-standard BeiDou talker (TSCPB, CASIC, SiRF TriG, Telit),
/// <see cref="Qz"/> an older QZSS talker and <see cref="Pq"/> the Quectel quirk of
/// <c>$PQGSV</c>/<c>$PQGSA</c>, which carry BeiDou or QZSS with a trailing system id.
/// </summary>
public enum Talker : byte
{
    /// <summary>A talker this parser does not know (for example <c>$II</c> or <c>$HC</c>).</summary>
    Other = 0,
    /// <summary><c>GP</c>: GPS (and, by old convention, SBAS and QZSS).</summary>
    Gp,
    /// <summary><c>GL</c>: GLONASS.</summary>
    Gl,
    /// <summary><c>GA</c>: Galileo.</summary>
    Ga,
    /// <summary><c>GB</c>: BeiDou, NMEA 4.11.</summary>
    Gb,
    /// <summary><c>BD</c>: BeiDou, the Chinese-standard talker.</summary>
    Bd,
    /// <summary><c>GQ</c>: QZSS, NMEA 4.11.</summary>
    Gq,
    /// <summary><c>QZ</c>: QZSS, pre-4.11 receivers.</summary>
    Qz,
    /// <summary><c>GI</c>: NavIC (IRNSS), NMEA 4.11.</summary>
    Gi,
    /// <summary><c>GN</c>: a combination of systems.</summary>
    Gn,
    /// <summary><c>PQ</c>: Quectel's <c>$PQGSV</c>/<c>$PQGSA</c>.</summary>
    Pq,
    /// <summary>A proprietary sentence: <c>P</c> followed by a maker code (<c>$PUBX</c>, <c>$PSTI</c>, <c>$PQTM...</c>).</summary>
    Proprietary,
}
