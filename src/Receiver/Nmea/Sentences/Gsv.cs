using BeidouHub.Receiver.Satellites;

namespace BeidouHub.Receiver.Nmea.Sentences;

/// <summary>One satellite of a GSV sentence: elevation and azimuth in degrees, C/N0 in dB-Hz; null = not sent.</summary>
public readonly record struct GsvSatellite(short Number, SatelliteId Id, short? Elevation, short? Azimuth, short? Cn0);

/// <summary>
/// GSV, satellites in view: <c>$--GSV,total,num,inview,{sv,el,az,cn0}x1..4,signal*hh</c>.
/// The signal id (NMEA 4.10+, one hex digit: BeiDou 1 B1I, 5 B2a, B B2I in 4.11 — vendors
/// disagree, so it is kept raw) tells the sets apart: receivers send one set per signal for the
/// same satellites. Quectel's <c>$PQGSV</c> adds the system id after the signal id.
/// </summary>
public readonly struct Gsv
{
    private readonly GsvSatellite _s0, _s1, _s2, _s3;

    private Gsv(int total, int number, int? inView, int count, byte? signalId, byte? systemId, Talker talker,
        GsvSatellite s0, GsvSatellite s1, GsvSatellite s2, GsvSatellite s3)
    {
        TotalMessages = total;
        MessageNumber = number;
        SatellitesInView = inView;
        Count = count;
        SignalId = signalId;
        SystemId = systemId;
        Talker = talker;
        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
    }

    /// <summary>Number of sentences in this set.</summary>
    public int TotalMessages { get; }

    /// <summary>This sentence's number in the set, 1-based.</summary>
    public int MessageNumber { get; }

    /// <summary>Satellites in view for this talker and signal, as the receiver counts them.</summary>
    public int? SatellitesInView { get; }

    /// <summary>Number of satellites in this sentence (0–4).</summary>
    public int Count { get; }

    /// <summary>The raw signal id (0–15), or null when the sentence has none.</summary>
    public byte? SignalId { get; }

    /// <summary>The system id of a Quectel <c>$PQGSV</c>, or null.</summary>
    public byte? SystemId { get; }

    /// <summary>The talker the sentence came with.</summary>
    public Talker Talker { get; }

    /// <summary>True for the last sentence of its set.</summary>
    public bool IsLastOfSet => MessageNumber == TotalMessages;

    /// <summary>Satellite <paramref name="index"/> (0-based, &lt; <see cref="Count"/>).</summary>
    public GsvSatellite this[int index] => index switch
    {
        0 => _s0,
        1 => _s1,
        2 => _s2,
        3 => _s3,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <summary>Reads a GSV (or PQGSV) sentence; false when it is another type or malformed.</summary>
    public static bool TryRead(in NmeaSentence s, out Gsv gsv)
    {
        gsv = default;
        int fields = s.FieldCount;
        if (s.Type != SentenceType.Gsv || fields < 3)
        {
            return false;
        }

        bool ok = NmeaField.TryGetInt(s.Field(1), out int? total);
        ok &= NmeaField.TryGetInt(s.Field(2), out int? number);
        ok &= NmeaField.TryGetInt(s.Field(3), out int? inView);
        if (!ok || total is null or < 1 or > 99 || number is null or < 1 || number > total || inView is < 0 or > 999)
        {
            return false;
        }

        // After the 3 header fields come groups of 4; what is left over is the signal id
        // (NMEA 4.10+) and, for $PQGSV, the system id. A last group cut to 3 fields (no C/N0
        // field at all) is still a satellite.
        int rest = fields - 3;
        int groups = rest / 4;
        int extra = rest % 4;
        byte? signal = null;
        byte? system = null;
        if (extra == 3)
        {
            groups++;
            extra = 0;
        }
        else if (extra >= 1)
        {
            int at = 3 + (groups * 4) + 1;
            ok = NmeaField.TryGetHexDigit(s.Field(at), out signal);
            if (extra == 2)
            {
                ok &= NmeaField.TryGetHexDigit(s.Field(at + 1), out system);
            }

            if (!ok)
            {
                return false;
            }
        }

        if (groups > 4)
        {
            return false;
        }

        Span<GsvSatellite> sats = stackalloc GsvSatellite[4];
        int count = 0;
        int systemId = system is >= 1 and <= 6 ? system.Value : 0;
        for (int g = 0; g < groups; g++)
        {
            int f = 4 + (g * 4);
            ok = NmeaField.TryGetInt(s.Field(f), out int? sv);
            ok &= NmeaField.TryGetDouble(s.Field(f + 1), out double? el);
            ok &= NmeaField.TryGetDouble(s.Field(f + 2), out double? az);
            ok &= NmeaField.TryGetDouble(s.Field(f + 3), out double? cn0);
            if (!ok || sv is < 0 or > 999 || el is < -90 or > 90 || az is < 0 or > 360 || cn0 is < 0 or > 99)
            {
                return false;
            }

            if (sv is null or 0)
            {
                // Padding: some receivers fill a short last sentence with empty groups.
                continue;
            }

            sats[count++] = new GsvSatellite(
                (short)sv.Value,
                SatelliteId.FromNmea(s.Talker, sv.Value, systemId),
                ToShort(el),
                ToShort(az),
                ToShort(cn0));
        }

        gsv = new Gsv(total.Value, number.Value, inView, count, signal, system, s.Talker, sats[0], sats[1], sats[2], sats[3]);
        return true;
    }

    private static short? ToShort(double? v) => v.HasValue ? (short)Math.Round(v.Value) : null;
}
