using System.Runtime.CompilerServices;
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
public struct Gsv
{
    private Satellites _satellites;

    /// <summary>Number of sentences in this set.</summary>
    public int TotalMessages { readonly get; private set; }

    /// <summary>This sentence's number in the set, 1-based.</summary>
    public int MessageNumber { readonly get; private set; }

    /// <summary>Satellites in view for this talker and signal, as the receiver counts them.</summary>
    public int? SatellitesInView { readonly get; private set; }

    /// <summary>Number of satellites in this sentence (0–4).</summary>
    public int Count { readonly get; private set; }

    /// <summary>The raw signal id (0–15), or null when the sentence has none.</summary>
    public byte? SignalId { readonly get; private set; }

    /// <summary>The system id of a Quectel <c>$PQGSV</c>, or null.</summary>
    public byte? SystemId { readonly get; private set; }

    /// <summary>The talker the sentence came with.</summary>
    public Talker Talker { readonly get; private set; }

    /// <summary>True for the last sentence of its set.</summary>
    public readonly bool IsLastOfSet => MessageNumber == TotalMessages;

    /// <summary>Satellite <paramref name="index"/> (0-based, &lt; <see cref="Count"/>).</summary>
    public readonly GsvSatellite this[int index] => (uint)index < Satellites.Length
        ? _satellites[index]
        : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>Reads a GSV (or PQGSV) sentence; false when it is another type or malformed.</summary>
    public static bool TryRead(in NmeaSentence s, out Gsv gsv)
    {
        gsv = default;
        int fields = s.FieldCount;
        if (s.Type != SentenceType.Gsv || fields < 3)
        {
            return false;
        }

        bool ok = NmeaField.TryGetSmallInt(s.Field(1), out int? total);
        ok &= NmeaField.TryGetSmallInt(s.Field(2), out int? number);
        ok &= NmeaField.TryGetSmallInt(s.Field(3), out int? inView);
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

        int count = 0;
        int systemId = system is >= 1 and <= 6 ? system.Value : 0;
        Talker talker = s.Talker;
        for (int g = 0; g < groups; g++)
        {
            int f = 4 + (g * 4);
            ok = NmeaField.TryGetSmallInt(s.Field(f), out int? sv);
            ok &= TryGetRounded(s.Field(f + 1), -90, 90, out short? el);
            ok &= TryGetRounded(s.Field(f + 2), 0, 360, out short? az);
            ok &= TryGetRounded(s.Field(f + 3), 0, 99, out short? cn0);
            if (!ok || sv is < 0 or > 999)
            {
                gsv = default;
                return false;
            }

            if (sv is null or 0)
            {
                // Padding: some receivers fill a short last sentence with empty groups.
                continue;
            }

            gsv._satellites[count++] = new GsvSatellite((short)sv.Value, SatelliteId.FromNmea(talker, sv.Value, systemId), el, az, cn0);
        }

        gsv.TotalMessages = total.Value;
        gsv.MessageNumber = number.Value;
        gsv.SatellitesInView = inView;
        gsv.Count = count;
        gsv.SignalId = signal;
        gsv.SystemId = system;
        gsv.Talker = talker;
        return true;
    }

    // Elevation, azimuth, C/N0: whole numbers as receivers send them, range-checked, or a decimal
    // (some receivers send tenths) range-checked before it is rounded. Empty = absent.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryGetRounded(ReadOnlySpan<byte> field, int min, int max, out short? value)
    {
        if (NmeaField.TrySmallDigits(field, out int n))
        {
            value = (short)n;
            return n >= min && n <= max;
        }

        if (!NmeaField.TryGetDouble(field, out double? d) || d < min || d > max)
        {
            value = null;
            return false;
        }

        value = d.HasValue ? (short)Math.Round(d.Value) : null;
        return true;
    }

    [InlineArray(4)]
    private struct Satellites
    {
        public const int Length = 4;

        private GsvSatellite _element0;
    }
}
