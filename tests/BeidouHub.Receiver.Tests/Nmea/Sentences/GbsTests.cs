using BeidouHub.Receiver.Nmea.Sentences;
using BeidouHub.Receiver.Tests.Support;

namespace BeidouHub.Receiver.Tests.Nmea.Sentences;

public class GbsTests
{
    [Fact]
    public void TryRead_F9rGbs_ReadsErrorsAndNoFailedSatellite()
    {
        Assert.True(Gbs.TryRead(TestNmea.Parse(ExampleLines.F9rGbs), out Gbs gbs));

        Assert.Equal(((((23 * 60) + 14) * 60) + 8) * 1000, gbs.TimeOfDayMs);
        Assert.Equal(0.0, gbs.ErrorLatitude);
        Assert.Equal(0.1, gbs.ErrorLongitude);
        Assert.Equal(0.1, gbs.ErrorAltitude);
        Assert.Null(gbs.FailedSatellite);
        Assert.Null(gbs.Probability);
        Assert.Null(gbs.Bias);
        Assert.Null(gbs.BiasSigma);
        Assert.Null(gbs.SystemId);
        Assert.Null(gbs.SignalId);
    }

    [Fact]
    public void TryRead_FailedBeidouSatellite_ReadsSystemAndSignal()
    {
        Assert.True(Gbs.TryRead(TestNmea.Parse(TestNmea.WithChecksum("GNGBS,231408.00,1.5,2.5,3.5,34,0.02,12.3,1.1,4,B")), out Gbs gbs));

        Assert.Equal(34, gbs.FailedSatellite);
        Assert.Equal(0.02, gbs.Probability);
        Assert.Equal(12.3, gbs.Bias);
        Assert.Equal(1.1, gbs.BiasSigma);
        Assert.Equal((byte)4, gbs.SystemId);
        Assert.Equal((byte)0xB, gbs.SignalId);
    }

    [Theory]
    [InlineData("GNGBS,231408.00,-0.1,0.1,0.1,,,,,,")]
    [InlineData("GNGBS,231408.00,0.0,0.1,0.1,,1.5,,,,")]
    [InlineData("GNGBS,231408.00,0.0,0.1,0.1,1000,,,,,")] // satellite numbers have at most 3 digits, as in GSA/GSV
    public void TryRead_OutOfRange_ReturnsFalse(string body)
    {
        Assert.False(Gbs.TryRead(TestNmea.Parse(TestNmea.WithChecksum(body)), out _));
    }
}
