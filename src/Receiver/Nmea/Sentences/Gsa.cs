using System.Runtime.CompilerServices;
using BeidouHub.Receiver.Satellites;

namespace BeidouHub.Receiver.Nmea.Sentences;

/// <summary>
/// GSA, DOP and active satellites: <c>$--GSA,A,3,s1,...,s12,pdop,hdop,vdop,sys*hh</c>.
/// Field 18, the system id, is NMEA 4.10+ (1 GPS, 2 GLONASS, 3 Galileo, 4 BeiDou, 5 QZSS,
/// 6 NavIC); receivers send one GSA per constellation per epoch. The Navior-24 sends 24 slots
/// instead of 12 (gpsd processGSA notes); both layouts are read. Quectel's <c>$PQGSA</c> carries
/// the system id the same way.
/// </summary>
public struct Gsa
{
    /// <summary>The most satellite slots a GSA may carry (the 24-slot variant).</summary>
    public const int MaxSlots = 24;

    private Slots _numbers;

    /// <summary><c>M</c> manual or <c>A</c> automatic 2D/3D selection.</summary>
    public byte? SelectionMode { readonly get; private set; }

    /// <summary>1 no fix, 2 2D, 3 3D.</summary>
    public int? FixType { readonly get; private set; }

    /// <summary>Number of satellites listed as used.</summary>
    public int Count { readonly get; private set; }

    /// <summary>Position dilution of precision.</summary>
    public double? Pdop { readonly get; private set; }

    /// <summary>Horizontal dilution of precision.</summary>
    public double? Hdop { readonly get; private set; }

    /// <summary>Vertical dilution of precision.</summary>
    public double? Vdop { readonly get; private set; }

    /// <summary>The NMEA 4.10+ system id, or null (absent, or SiRF TriG's non-standard float there).</summary>
    public byte? SystemId { readonly get; private set; }

    /// <summary>The talker the sentence came with.</summary>
    public Talker Talker { readonly get; private set; }

    /// <summary>The NMEA satellite number in used slot <paramref name="index"/> (0-based, &lt; <see cref="Count"/>).</summary>
    public readonly int Number(int index) => (uint)index < (uint)Count ? _numbers[index] : 0;

    /// <summary>The identity of used satellite <paramref name="index"/>, from talker, system id and number.</summary>
    public readonly SatelliteId Satellite(int index) => SatelliteId.FromNmea(Talker, Number(index), SystemId ?? 0);

    /// <summary>Reads a GSA (or PQGSA) sentence; false when it is another type or malformed.</summary>
    public static bool TryRead(in NmeaSentence s, out Gsa gsa)
    {
        gsa = default;
        int fields = s.FieldCount;
        if (s.Type != SentenceType.Gsa || fields < 17)
        {
            return false;
        }

        // 2 mode fields + N slots + 3 DOPs [+ system id]. 12 or 24 slots; a 13th/25th field
        // after the slots is the system id.
        int slots = fields - 5;
        bool hasSystem = slots is 13 or 25;
        if (hasSystem)
        {
            slots--;
        }

        if (slots is not (12 or 24))
        {
            return false;
        }

        bool ok = NmeaField.TryGetChar(s.Field(1), out byte? selection);
        ok &= NmeaField.TryGetInt(s.Field(2), out int? fixType);
        int dop = 3 + slots;
        ok &= NmeaField.TryGetDouble(s.Field(dop), out double? pdop);
        ok &= NmeaField.TryGetDouble(s.Field(dop + 1), out double? hdop);
        ok &= NmeaField.TryGetDouble(s.Field(dop + 2), out double? vdop);
        ok &= fixType is null or (>= 1 and <= 3) && Ranges.Dop(pdop) && Ranges.Dop(hdop) && Ranges.Dop(vdop);
        if (!ok)
        {
            return false;
        }

        byte? system = null;
        if (hasSystem && NmeaField.TryGetHexDigit(s.Field(dop + 3), out byte? sys) && sys is >= 1 and <= 6)
        {
            system = sys;
        }

        // Into the result in place: the slots are not copied again.
        int count = 0;
        for (int i = 0; i < slots; i++)
        {
            // Slots are empty or 1-3 digits; anything else (a sign, leading zeros) takes the general path.
            ReadOnlySpan<byte> slot = s.Field(3 + i);
            if (slot.IsEmpty)
            {
                continue;
            }

            if (!NmeaField.TryGetSmallInt(slot, out int? n) || n is < 0 or > 999)
            {
                gsa = default;
                return false;
            }

            if (n > 0)
            {
                gsa._numbers[count++] = (short)n.Value;
            }
        }

        gsa.SelectionMode = selection;
        gsa.FixType = fixType;
        gsa.Count = count;
        gsa.Pdop = pdop;
        gsa.Hdop = hdop;
        gsa.Vdop = vdop;
        gsa.SystemId = system;
        gsa.Talker = s.Talker;
        return true;
    }

    [InlineArray(MaxSlots)]
    private struct Slots
    {
        private short _element0;
    }
}
