using System.Runtime.CompilerServices;

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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryGetDouble(ReadOnlySpan<byte> field, out double? value)
    {
        if (field.IsEmpty)
        {
            value = null;
            return true;
        }

        bool ok = TryParseDecimal(field, out double v);
        value = ok ? v : null;
        return ok;
    }

    /// <summary>Reads a non-negative or signed integer of at most 9 digits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryGetInt(ReadOnlySpan<byte> field, out int? value)
    {
        if (field.IsEmpty)
        {
            value = null;
            return true;
        }

        bool ok = TryParseInt(field, out int v);
        value = ok ? v : null;
        return ok;
    }

    /// <summary>
    /// <see cref="TryGetInt"/> with the common case inline: 1-3 plain digits (satellite numbers,
    /// counts). Anything else goes to the general reader, so the result is the same.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TryGetSmallInt(ReadOnlySpan<byte> field, out int? value)
    {
        if (TrySmallDigits(field, out int n))
        {
            value = n;
            return true;
        }

        return TryGetInt(field, out value);
    }

    /// <summary>True when the field is 1-3 plain digits (no sign, no point), with their value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TrySmallDigits(ReadOnlySpan<byte> field, out int value)
    {
        if (field.Length > 3 || !TryDigits(field, out long digits))
        {
            value = 0;
            return false;
        }

        value = (int)digits;
        return true;
    }

    /// <summary>Reads one character field such as a status (<c>A</c>/<c>V</c>) or a hemisphere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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
        int packed = 0;
        int i = value[0] == (byte)'+' ? 1 : 0; // a sign counts towards the 3-5 characters, as it always has
        for (; i < value.Length; i++)
        {
            uint digit = (uint)(value[i] - '0');
            if (digit > 9)
            {
                break;
            }

            packed = (packed * 10) + (int)digit;
        }

        if (i < 3 || i > 5 || (i < value.Length && value[i] != (byte)'.'))
        {
            return false;
        }

        double fraction = 0;
        int fractionLength = value.Length - i - 1;
        if (fractionLength > 0)
        {
            if (fractionLength > 15 || !TryDigits(value[(i + 1)..], out long mantissa))
            {
                return false;
            }

            fraction = mantissa / Pow10[fractionLength];
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
        int i = 0;
        bool negative = false;
        if (field.Length > 0 && (field[0] == (byte)'-' || field[0] == (byte)'+'))
        {
            negative = field[0] == (byte)'-';
            i = 1;
        }

        if (field.Length - i > 9 || !TryDigits(field[i..], out long v))
        {
            value = 0;
            return false;
        }

        value = (int)(negative ? -v : v);
        return true;
    }

    internal static bool TryParseDecimal(ReadOnlySpan<byte> field, out double value)
    {
        int i = 0;
        bool negative = false;
        if (field.Length > 0 && (field[0] == (byte)'-' || field[0] == (byte)'+'))
        {
            negative = field[0] == (byte)'-';
            i = 1;
        }

        int first = i;
        if (field.Length - first > 18)
        {
            // Long numbers (leading zeros, 18+ digits): the careful path.
            return TryParseLongDecimal(field, out value);
        }

        // At most 18 digits: the mantissa fits a long and the division by an exact power of ten
        // is correctly rounded.
        long mantissa = 0;
        int dot = -1;
        for (; i < field.Length; i++)
        {
            uint digit = (uint)(field[i] - '0');
            if (digit <= 9)
            {
                mantissa = (mantissa * 10) + digit;
            }
            else if (field[i] == (byte)'.' && dot < 0)
            {
                dot = i;
            }
            else
            {
                value = 0;
                return false;
            }
        }

        int digits = field.Length - first - (dot < 0 ? 0 : 1);
        if (digits == 0)
        {
            value = 0;
            return false;
        }

        double v = dot < 0 ? mantissa : mantissa / Pow10[field.Length - dot - 1];
        value = negative ? -v : v;
        return true;
    }

    private static bool TryParseLongDecimal(ReadOnlySpan<byte> field, out double value)
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryDigits(ReadOnlySpan<byte> field, out long value)
    {
        value = 0;
        foreach (byte b in field)
        {
            uint digit = (uint)(b - '0');
            if (digit > 9)
            {
                return false;
            }

            value = (value * 10) + digit;
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
