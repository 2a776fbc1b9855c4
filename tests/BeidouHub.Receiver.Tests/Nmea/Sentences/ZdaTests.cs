using BeidouHub.Receiver.Nmea;
using BeidouHub.Receiver.Nmea.Sentences;
using BeidouHub.Receiver.Tests.Support;

namespace BeidouHub.Receiver.Tests.Nmea.Sentences;

public class ZdaTests
{
    [Fact]
    public void TryRead_F9rZda_ReadsTimeAndDate()
    {
        Assert.True(Zda.TryRead(TestNmea.Parse(ExampleLines.F9rZda), out Zda zda));

        Assert.Equal(((((23 * 60) + 14) * 60) + 8) * 1000, zda.TimeOfDayMs);
        Assert.Equal(new NmeaDate(2025, 4, 11), zda.Date);
        Assert.Equal(0, zda.ZoneHours);
        Assert.Equal(0, zda.ZoneMinutes);
    }

    [Fact]
    public void TryRead_L76kZda_ReadsTimeAndDate()
    {
        Assert.True(Zda.TryRead(TestNmea.Parse(ExampleLines.L76kZda), out Zda zda));

        Assert.Equal((((5 * 60) + 52) * 60 + 34) * 1000, zda.TimeOfDayMs);
        Assert.Equal(new NmeaDate(2026, 8, 5), zda.Date);
    }

    [Fact]
    public void TryRead_NoDateYet_DateNull()
    {
        Assert.True(Zda.TryRead(TestNmea.Parse(TestNmea.WithChecksum("GPZDA,000012.00,,,,00,00")), out Zda zda));

        Assert.Equal(12_000, zda.TimeOfDayMs);
        Assert.Null(zda.Date);
    }

    [Fact]
    public void TryRead_LastDayOf2099_Accepted()
    {
        Assert.True(Zda.TryRead(TestNmea.Parse(TestNmea.WithChecksum("GNZDA,235959.00,31,12,2099,00,00")), out Zda zda));

        Assert.Equal(new NmeaDate(2099, 12, 31), zda.Date);
    }

    [Theory]
    [InlineData("GNZDA,231408.00,31,04,2025,00,00")] // 31 April
    [InlineData("GNZDA,231408.00,11,04,,00,00")] // year missing
    [InlineData("GNZDA,231408.00,11,04,2025,14,00")] // zone 14 h
    [InlineData("GNZDA,231408.00,11,04,2025,05,60")] // zone minutes 60
    [InlineData("GNZDA,231408.00,11,13,2025,00,00")]
    [InlineData("GNZDA,231408.00,01,01,2100,00,00")] // past 2099
    [InlineData("GNZDA,231408.00,31,12,1979,00,00")] // before GPS time began
    public void TryRead_Invalid_ReturnsFalse(string body)
    {
        Assert.False(Zda.TryRead(TestNmea.Parse(TestNmea.WithChecksum(body)), out _));
    }
}
