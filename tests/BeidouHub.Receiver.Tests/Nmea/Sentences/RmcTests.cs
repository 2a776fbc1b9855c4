using BeidouHub.Receiver.Nmea;
using BeidouHub.Receiver.Nmea.Sentences;
using BeidouHub.Receiver.Tests.Support;

namespace BeidouHub.Receiver.Tests.Nmea.Sentences;

public class RmcTests
{
    [Fact]
    public void TryRead_Um621NavStatusV_ValidFixWithNavStatusV()
    {
        Assert.True(Rmc.TryRead(TestNmea.Parse(ExampleLines.Um621Rmc), out Rmc rmc));

        Assert.Equal(((6 * 60) + 53) * 1000, rmc.TimeOfDayMs);
        Assert.True(rmc.IsValid);
        Assert.Equal(44 + (4.12994 / 60), rmc.Latitude!.Value, 1e-12);
        Assert.Equal(-(121 + (18.84613 / 60)), rmc.Longitude!.Value, 1e-12);
        Assert.Equal(0.052, rmc.SpeedKnots);
        Assert.Equal(0.052 * 1852 / 3600, rmc.SpeedMps!.Value, 1e-12);
        Assert.Null(rmc.CourseDeg);
        Assert.Equal(new NmeaDate(2024, 6, 9), rmc.Date);
        Assert.Null(rmc.MagneticVariation);
        Assert.Equal((byte)'A', rmc.Mode);
        Assert.Equal((byte)'V', rmc.NavStatus);
    }

    [Fact]
    public void TryRead_F9rRtkFloat_ModeF()
    {
        Assert.True(Rmc.TryRead(TestNmea.Parse(ExampleLines.F9rRmc), out Rmc rmc));

        Assert.Equal((byte)'F', rmc.Mode);
        Assert.Equal((byte)'V', rmc.NavStatus);
        Assert.Equal(new NmeaDate(2025, 4, 11), rmc.Date);
        Assert.Equal(45 + (3.94632 / 60), rmc.Latitude!.Value, 1e-12);
    }

    [Fact]
    public void TryRead_LuatOsNavStatusU_ReadsCourseAndStatusU()
    {
        Assert.True(Rmc.TryRead(TestNmea.Parse(ExampleLines.LuatRmc), out Rmc rmc));

        Assert.Equal((byte)'U', rmc.NavStatus);
        Assert.Equal(43.152, rmc.CourseDeg);
        Assert.Equal(0.430, rmc.SpeedKnots);
        Assert.Equal(new NmeaDate(2024, 1, 2), rmc.Date);
        Assert.Equal(23 + (24.3944811 / 60), rmc.Latitude!.Value, 1e-12);
        Assert.Equal(113 + (13.8621125 / 60), rmc.Longitude!.Value, 1e-12);
    }

    [Fact]
    public void TryRead_TrimbleMagneticVariation_EastPositiveNoNavStatus()
    {
        Assert.True(Rmc.TryRead(TestNmea.Parse(ExampleLines.RtkRmc), out Rmc rmc));

        Assert.Equal(11.5982, rmc.MagneticVariation);
        Assert.Equal((byte)'D', rmc.Mode);
        Assert.Null(rmc.NavStatus);
        Assert.Equal(0.0, rmc.CourseDeg);
        Assert.Equal(new NmeaDate(2020, 3, 18), rmc.Date);
    }

    [Fact]
    public void TryRead_MagneticVariationWest_Negative()
    {
        Assert.True(Rmc.TryRead(TestNmea.Parse(TestNmea.WithChecksum("GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W")), out Rmc rmc));

        Assert.Equal(-3.1, rmc.MagneticVariation);
        Assert.Equal(new NmeaDate(1994, 3, 23), rmc.Date);
        Assert.Null(rmc.Mode);
    }

    [Fact]
    public void TryRead_MagneticVariation180West_Minus180()
    {
        // 180 degrees is the widest a variation can be, east or west.
        Assert.True(Rmc.TryRead(TestNmea.Parse(TestNmea.WithChecksum("GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,180.0,W")), out Rmc rmc));

        Assert.Equal(-180.0, rmc.MagneticVariation);
    }

    [Fact]
    public void TryRead_VoidEmpty_StatusVAndNulls()
    {
        Assert.True(Rmc.TryRead(TestNmea.Parse(TestNmea.WithChecksum("GNRMC,,V,,,,,,,,,,N,V")), out Rmc rmc));

        Assert.False(rmc.IsValid);
        Assert.Null(rmc.Latitude);
        Assert.Null(rmc.SpeedKnots);
        Assert.Null(rmc.SpeedMps);
        Assert.Null(rmc.Date);
        Assert.Null(rmc.TimeOfDayMs);
        Assert.Equal((byte)'N', rmc.Mode);
    }

    [Theory]
    [InlineData("GNRMC,231408.00,A,4503.94632,N,00739.54368,E,-0.013,,110425,,,F,V")] // negative speed
    [InlineData("GNRMC,231408.00,A,4503.94632,N,00739.54368,E,0.013,361.0,110425,,,F,V")] // course 361
    [InlineData("GNRMC,231408.00,A,4503.94632,N,00739.54368,E,0.013,,310425,,,F,V")] // 31 April
    [InlineData("GNRMC,231408.00,A,4560.00000,N,00739.54368,E,0.013,,110425,,,F,V")] // minutes 60
    [InlineData("GNRMC,231408.00,A,4503.94632,N,00739.54368,E,0.013,,110425,181.0,E,F,V")] // variation 181
    [InlineData("GNRMC,231408.00,AA,4503.94632,N,00739.54368,E,0.013,,110425,,,F,V")] // two-letter status
    public void TryRead_OutOfRange_ReturnsFalse(string body)
    {
        Assert.False(Rmc.TryRead(TestNmea.Parse(TestNmea.WithChecksum(body)), out _));
    }
}
