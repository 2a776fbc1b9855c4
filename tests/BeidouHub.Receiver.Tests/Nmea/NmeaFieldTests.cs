using BeidouHub.Receiver.Nmea;
using BeidouHub.Receiver.Tests.Support;

namespace BeidouHub.Receiver.Tests.Nmea;

public class NmeaFieldTests
{
    [Theory]
    [InlineData("12.345", 12.345)]
    [InlineData("-31.442", -31.442)]
    [InlineData("+5", 5.0)]
    [InlineData(".5", 0.5)]
    [InlineData("5.", 5.0)]
    [InlineData("0041", 41.0)]
    [InlineData("1127.630", 1127.63)]
    [InlineData("4134.50180205", 4134.50180205)]
    [InlineData("123456789012345678", 123456789012345678.0)]
    public void TryGetDouble_Number_ReadsValue(string field, double expected)
    {
        Assert.True(NmeaField.TryGetDouble(TestNmea.Bytes(field), out double? value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("1e5")]
    [InlineData("1.2.3")]
    [InlineData(".")]
    [InlineData("-")]
    [InlineData("12a")]
    [InlineData(" 1")]
    [InlineData("99999999999999999999")]
    [InlineData("0x1F")]
    [InlineData("NaN")]
    public void TryGetDouble_Malformed_ReturnsFalse(string field)
    {
        Assert.False(NmeaField.TryGetDouble(TestNmea.Bytes(field), out _));
    }

    [Fact]
    public void TryGetDouble_Empty_TrueAndNull()
    {
        Assert.True(NmeaField.TryGetDouble(default, out double? value));
        Assert.Null(value);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("0002", 2)]
    [InlineData("-13", -13)]
    [InlineData("999999999", 999999999)]
    public void TryGetInt_Number_ReadsValue(string field, int expected)
    {
        Assert.True(NmeaField.TryGetInt(TestNmea.Bytes(field), out int? value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("1234567890")]
    [InlineData("x")]
    [InlineData("-")]
    public void TryGetInt_Malformed_ReturnsFalse(string field)
    {
        Assert.False(NmeaField.TryGetInt(TestNmea.Bytes(field), out _));
    }

    [Fact]
    public void TryGetInt_Empty_TrueAndNullNotZero()
    {
        Assert.True(NmeaField.TryGetInt(default, out int? value));
        Assert.Null(value);
    }

    [Theory]
    [InlineData("4503.94632", "N", 90, 45.0, 3.94632)]
    [InlineData("00739.54368", "E", 180, 7.0, 39.54368)]
    [InlineData("12118.84613", "W", 180, -121.0, -18.84613)]
    [InlineData("4332.69262", "S", 90, -43.0, -32.69262)]
    [InlineData("4134.50180205", "N", 90, 41.0, 34.50180205)]
    [InlineData("09345.03586649", "W", 180, -93.0, -45.03586649)]
    [InlineData("2324.3944811", "N", 90, 23.0, 24.3944811)]
    [InlineData("9000.000", "N", 90, 90.0, 0.0)]
    [InlineData("18000.0", "W", 180, -180.0, 0.0)]
    [InlineData("0000.0000", "S", 90, 0.0, 0.0)]
    [InlineData("4404", "N", 90, 44.0, 4.0)]
    [InlineData("+4807.038", "N", 90, 48.0, 7.038)] // an explicit plus sign, as strtod (gpsd) reads it
    public void TryGetCoordinate_DegreesMinutes_DegreesPlusMinutesOver60(string value, string hemisphere, double max, double degrees, double minutes)
    {
        Assert.True(NmeaField.TryGetCoordinate(TestNmea.Bytes(value), TestNmea.Bytes(hemisphere), max, out double? d));

        Assert.NotNull(d);
        Assert.Equal(degrees + (minutes / 60.0), d.Value, 1e-12);
    }

    [Theory]
    [InlineData("4460.000", "N", 90)] // minutes 60
    [InlineData("4499.000", "N", 90)] // minutes 99
    [InlineData("9100.000", "N", 90)] // 91 degrees
    [InlineData("9000.001", "S", 90)] // just over 90
    [InlineData("18000.01", "E", 180)]
    [InlineData("4404.12", "X", 90)] // hemisphere
    [InlineData("4404.12", "", 90)] // value without hemisphere
    [InlineData("", "N", 90)] // hemisphere without value
    [InlineData("4404.12", "NN", 90)]
    [InlineData("-4404.12", "N", 90)]
    [InlineData("44", "N", 90)] // no minutes at all
    [InlineData("4404.1a", "N", 90)]
    [InlineData("440412.5", "N", 90)]
    [InlineData("004807.038", "N", 90)] // six integer digits, even zero-padded: ddmm has 4, dddmm 5
    [InlineData("4404.1234567890123456", "N", 90)] // 16 fraction digits: past exact doubles, rejected, not rounded
    public void TryGetCoordinate_OutOfRangeOrMalformed_ReturnsFalse(string value, string hemisphere, double max)
    {
        Assert.False(NmeaField.TryGetCoordinate(TestNmea.Bytes(value), TestNmea.Bytes(hemisphere), max, out _));
    }

    [Fact]
    public void TryGetCoordinate_BothEmpty_TrueAndNull()
    {
        Assert.True(NmeaField.TryGetCoordinate(default, default, 90, out double? d));
        Assert.Null(d);
    }

    [Theory]
    [InlineData("231408.00", ((((23 * 60) + 14) * 60) + 8) * 1000)]
    [InlineData("133859.80", (((((13 * 60) + 38) * 60) + 59) * 1000) + 800)]
    [InlineData("074155.799", (((((7 * 60) + 41) * 60) + 55) * 1000) + 799)]
    [InlineData("000000", 0)]
    [InlineData("235960", ((((23 * 60) + 59) * 60) + 60) * 1000)] // leap second
    [InlineData("120000.123456", (12 * 3600 * 1000) + 123)] // finer than 1 ms truncated
    [InlineData("120000.999999999", (12 * 3600 * 1000) + 999)] // nanoseconds, the finest accepted
    [InlineData("120000.", 12 * 3600 * 1000)]
    public void TryGetTime_Hhmmss_MillisecondsOfDay(string field, int expected)
    {
        Assert.True(NmeaField.TryGetTime(TestNmea.Bytes(field), out int? ms));
        Assert.Equal(expected, ms);
    }

    [Theory]
    [InlineData("240000")]
    [InlineData("236000")]
    [InlineData("235961")]
    [InlineData("12000")]
    [InlineData("1200000")]
    [InlineData("12:000")]
    [InlineData("120000.1x")]
    [InlineData("120000.1234567890")]
    public void TryGetTime_Malformed_ReturnsFalse(string field)
    {
        Assert.False(NmeaField.TryGetTime(TestNmea.Bytes(field), out _));
    }

    [Theory]
    [InlineData("090624", 2024, 6, 9)]
    [InlineData("180320", 2020, 3, 18)]
    [InlineData("290224", 2024, 2, 29)]
    [InlineData("220899", 1999, 8, 22)] // gp-320fw week-rollover date
    [InlineData("010180", 1980, 1, 1)]
    [InlineData("311279", 2079, 12, 31)]
    public void TryGetDate_Ddmmyy_ReadsDate(string field, int year, int month, int day)
    {
        Assert.True(NmeaField.TryGetDate(TestNmea.Bytes(field), out NmeaDate? date));
        Assert.Equal(new NmeaDate(year, month, day), date);
    }

    [Theory]
    [InlineData("290223")]
    [InlineData("320124")]
    [InlineData("001324")]
    [InlineData("000124")]
    [InlineData("1234")]
    [InlineData("12a456")]
    public void TryGetDate_Invalid_ReturnsFalse(string field)
    {
        Assert.False(NmeaField.TryGetDate(TestNmea.Bytes(field), out _));
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("1", 1)]
    [InlineData("5", 5)]
    [InlineData("B", 11)]
    [InlineData("F", 15)]
    public void TryGetHexDigit_Digit_ReadsValue(string field, int expected)
    {
        Assert.True(NmeaField.TryGetHexDigit(TestNmea.Bytes(field), out byte? value));
        Assert.Equal((byte)expected, value);
    }

    [Theory]
    [InlineData("G")]
    [InlineData("b")] // NMEA 0183 hex fields are 0-9 and A-F
    [InlineData("10")]
    [InlineData("3.3")]
    public void TryGetHexDigit_Malformed_ReturnsFalse(string field)
    {
        Assert.False(NmeaField.TryGetHexDigit(TestNmea.Bytes(field), out _));
    }

    [Fact]
    public void TryGetChar_OneCharEmptyAndTwo_ValueNullAndFalse()
    {
        Assert.True(NmeaField.TryGetChar("A"u8, out byte? a));
        Assert.Equal((byte)'A', a);
        Assert.True(NmeaField.TryGetChar(default, out byte? none));
        Assert.Null(none);
        Assert.False(NmeaField.TryGetChar("AV"u8, out _));
    }

    [Fact]
    public void TryGetDouble_RandomNumbersUpTo15Digits_SameValueAsDoubleParse()
    {
        // Up to 15 significant digits the mantissa is exact and one division rounds correctly,
        // so the result must be the very double the runtime's parser gives.
        var random = new Random(1127);
        int checkedValues = 0;
        for (int i = 0; i < 50_000; i++)
        {
            var text = new System.Text.StringBuilder();
            if (random.Next(4) == 0)
            {
                text.Append(random.Next(2) == 0 ? '-' : '+');
            }

            int digits = random.Next(0, 16);
            int dot = random.Next(-1, digits + 1);
            for (int d = 0; d < digits; d++)
            {
                if (d == dot)
                {
                    text.Append('.');
                }

                text.Append((char)('0' + random.Next(10)));
            }

            if (dot == digits)
            {
                text.Append('.');
            }

            string s = text.ToString();
            bool expected = double.TryParse(s, System.Globalization.NumberStyles.AllowLeadingSign | System.Globalization.NumberStyles.AllowDecimalPoint,
                System.Globalization.CultureInfo.InvariantCulture, out double want);
            bool ok = NmeaField.TryGetDouble(System.Text.Encoding.ASCII.GetBytes(s), out double? got);
            if (s.Length == 0)
            {
                Assert.True(ok);
                Assert.Null(got);
                continue;
            }

            Assert.True(expected == ok, $"'{s}': double.TryParse {expected}, TryGetDouble {ok}");
            if (ok)
            {
                Assert.True(got.HasValue && BitConverter.DoubleToInt64Bits(got.Value) == BitConverter.DoubleToInt64Bits(want) || (got == 0 && want == 0),
                    $"'{s}': {want:R} expected, got {got:R}");
                checkedValues++;
            }
        }

        Assert.True(checkedValues > 40_000, $"only {checkedValues} values compared");
    }
}
