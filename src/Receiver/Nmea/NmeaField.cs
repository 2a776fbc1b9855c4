namespace BeidouHub.Receiver.Nmea;

/// <summary>
/// Readers for NMEA field syntax. Each returns false only when the field is present and
/// malformed; an empty field is "absent" (a null value), never zero. No allocation, no
/// culture: NMEA numbers are ASCII digits with an optional sign and decimal point.
/// </summary>
public static class NmeaField
{
    // Powers of ten that are exact in binary64: dividing an integer mantissa below 2^53 by one
    // of them gives the correctly rounded result, the same value strtod() gives.
    private static ReadOnlySpan<double> Pow10 =>
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>Reads a decimal number such as <c>-12.345</c> or <c>.5</c>.</summary>
    public static bool TryGetDouble(ReadOnlySpan<byte> field, out double? value)
    {
        value = null;
        if (field.IsEmpty)
        {
            return true;
        }

        if (!TryParseDecimal(field, out double v))
        {
            return false;
        }

        value = v;
        return true;
    }

    /// <summary>Reads a non-negative or signed integer of at most 9 digits.</summary>
    public static bool TryGetInt(ReadOnlySpan<byte> field, out int? value)
    {
        value = null;
        if (field.IsEmpty)
        {
            return true;
        }

        if (!TryParseInt(field, out int v))
        {
            return false;
        }

        value = v;
        return true;
    }

    /// <summary>Reads one character field such as a status (<c>A</c>/<c>V</c>) or a hemisphere.</summary>
    public static bool TryGetChar(ReadOnlySpan<byte> field, out byte? value)
    {
        value = null;
        if (field.IsEmpty)
        {
            return true;
        }

        if (field.Length != 1)
        {
            return false;
        }

        value = field[0];
        return true;
    }

    /// <summary>
    /// Reads an NMEA latitude or longitude: <c>ddmm.mmmm</c> / <c>dddmm.mmmm</c> with its
    /// hemisphere letter, as signed degrees. Both fields empty = absent. Minutes must be
    /// below 60 and the result within ±<paramref name="maxDegrees"/>.
    /// </summary>
    public static bool TryGetCoordinate(ReadOnlySpan<byte> value, ReadOnlySpan<byte> hemisphere, double maxDegrees, out double? degrees)
    {
        degrees = null;
        if (value.IsEmpty && hemisphere.IsEmpty)
        {
            return true;
        }

        if (value.IsEmpty || hemisphere.Length != 1)
        {
            return false;
        }

        bool negative;
        switch (hemisphere[0])
        {
            case (byte)'N' or (byte)'E':
                negative = false;
                break;
            case (byte)'S' or (byte)'W':
                negative = true;
                break;
            default:
                return false;
        }

        // Split at the decimal point: the integer part is degrees*100 + whole minutes; keeping
        // them as integers avoids the modf() rounding gpsd's do_lat_lon comment warns about.
        int dot = value.IndexOf((byte)'.');
        ReadOnlySpan<byte> whole = dot < 0 ? value : value[..dot];
        if (whole.Length < 3 || whole.Length > 5 || !TryParseInt(whole, out int packed) || packed < 0)
        {
            return false;
        }

        double fraction = 0;
        if (dot >= 0)
        {
            ReadOnlySpan<byte> frac = value[(dot + 1)..];
            if (frac.Length > 0)
            {
                if (frac.Length > 15 || !TryDigits(frac, out long mantissa))
                {
                    return false;
                }

                fraction = mantissa / Pow10[frac.Length];
            }
        }

        int wholeDegrees = packed / 100;
        double minutes = (packed % 100) + fraction;
        if (minutes >= 60.0)
        {
            return false;
        }

        double d = wholeDegrees + (minutes / 60.0);
        if (d > maxDegrees)
        {
            return false;
        }

        degrees = negative ? -d : d;
        return true;
    }

    /// <summary>
    /// Reads a UTC time <c>hhmmss</c> with optional fraction as milliseconds of the day
    /// (fractions finer than 1 ms are truncated). Seconds may be 60 (a leap second).
    /// </summary>
    public static bool TryGetTime(ReadOnlySpan<byte> field, out int? millisecondOfDay)
    {
        millisecondOfDay = null;
        if (field.IsEmpty)
        {
            return true;
        }

        if (field.Length < 6 || (field.Length > 6 && field[6] != (byte)'.'))
        {
            return false;
        }

        if (!TwoDigits(field, 0, out int hh) || !TwoDigits(field, 2, out int mm) || !TwoDigits(field, 4, out int ss)
            || hh > 23 || mm > 59 || ss > 60)
        {
            return false;
        }

        int ms = 0;
        if (field.Length > 7)
        {
            ReadOnlySpan<byte> frac = field[7..];
            if (frac.Length > 9)
            {
                return false;
            }

            int scale = 100;
            foreach (byte b in frac)
            {
                if (b < (byte)'0' || b > (byte)'9')
                {
                    return false;
                }

                ms += (b - '0') * scale;
                scale /= 10;
            }
        }

        millisecondOfDay = (((((hh * 60) + mm) * 60) + ss) * 1000) + ms;
        return true;
    }

    /// <summary>
    /// Reads an RMC date <c>ddmmyy</c>. Two-digit years are taken as 1980–2079: GPS time starts
    /// in 1980, so a receiver's <c>80</c>–<c>99</c> can only mean the 1900s (a week-rollover bug).
    /// </summary>
    public static bool TryGetDate(ReadOnlySpan<byte> field, out NmeaDate? date)
    {
        date = null;
        if (field.IsEmpty)
        {
            return true;
        }

        if (field.Length != 6 || !TwoDigits(field, 0, out int dd) || !TwoDigits(field, 2, out int mo) || !TwoDigits(field, 4, out int yy))
        {
            return false;
        }

        int year = yy >= 80 ? 1900 + yy : 2000 + yy;
        if (!NmeaDate.IsValid(year, mo, dd))
        {
            return false;
        }

        date = new NmeaDate(year, mo, dd);
        return true;
    }

    /// <summary>Reads one hexadecimal digit (GSV signal id, GSA system id); empty = absent.</summary>
    public static bool TryGetHexDigit(ReadOnlySpan<byte> field, out byte? value)
    {
        value = null;
        if (field.IsEmpty)
        {
            return true;
        }

        if (field.Length != 1)
        {
            return false;
        }

        byte b = field[0];
        int v = b switch
        {
            >= (byte)'0' and <= (byte)'9' => b - '0',
            >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
            _ => -1,
        };
        if (v < 0)
        {
            return false;
        }

        value = (byte)v;
        return true;
    }

    internal static bool TryParseInt(ReadOnlySpan<byte> field, out int value)
    {
        value = 0;
        bool negative = false;
        if (field.Length > 0 && (field[0] == (byte)'-' || field[0] == (byte)'+'))
        {
            negative = field[0] == (byte)'-';
            field = field[1..];
        }

        if (field.IsEmpty || field.Length > 9 || !TryDigits(field, out long v))
        {
            return false;
        }

        value = negative ? (int)-v : (int)v;
        return true;
    }

    internal static bool TryParseDecimal(ReadOnlySpan<byte> field, out double value)
    {
        value = 0;
        bool negative = false;
        if (field.Length > 0 && (field[0] == (byte)'-' || field[0] == (byte)'+'))
        {
            negative = field[0] == (byte)'-';
            field = field[1..];
        }

        long mantissa = 0;
        int digits = 0;
        int fractionDigits = -1;
        foreach (byte b in field)
        {
            if (b == (byte)'.')
            {
                if (fractionDigits >= 0)
                {
                    return false;
                }

                fractionDigits = 0;
                continue;
            }

            if (b < (byte)'0' || b > (byte)'9')
            {
                return false;
            }

            // 18 significant digits fit a long; NMEA never needs more (F9P high precision
            // positions have 12). Longer numbers are rejected, not rounded.
            if (mantissa != 0 || b != (byte)'0')
            {
                if (++digits > 18)
                {
                    return false;
                }
            }

            mantissa = (mantissa * 10) + (b - '0');
            if (fractionDigits >= 0)
            {
                fractionDigits++;
            }
        }

        bool anyDigit = field.Length > (fractionDigits >= 0 ? 1 : 0);
        if (!anyDigit || fractionDigits > 22)
        {
            return false;
        }

        double v = fractionDigits > 0 ? mantissa / Pow10[fractionDigits] : mantissa;
        value = negative ? -v : v;
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<byte> field, out long value)
    {
        value = 0;
        foreach (byte b in field)
        {
            if (b < (byte)'0' || b > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return field.Length > 0;
    }

    private static bool TwoDigits(ReadOnlySpan<byte> s, int at, out int value)
    {
        int a = s[at] - '0';
        int b = s[at + 1] - '0';
        value = (a * 10) + b;
        return (uint)a <= 9 && (uint)b <= 9;
    }
}
