using BeidouHub.Receiver.Nmea.Sentences;
using BeidouHub.Receiver.Tests.Support;

namespace BeidouHub.Receiver.Tests.Nmea.Sentences;

public class GllTests
{
    [Fact]
    public void TryRead_ClassicGll_ReadsPositionTimeStatus()
    {
        Assert.True(Gll.TryRead(TestNmea.Parse(ExampleLines.ClassicGll), out Gll gll));

        Assert.Equal(49 + (16.45 / 60), gll.Latitude!.Value, 1e-12);
        Assert.Equal(-(123 + (11.12 / 60)), gll.Longitude!.Value, 1e-12);
        Assert.Equal(((((22 * 60) + 54) * 60) + 44) * 1000, gll.TimeOfDayMs);
        Assert.Equal((byte)'A', gll.Status);
        Assert.Null(gll.Mode);
    }

    [Fact]
    public void TryRead_Triton400Gll_ReadsModeLetter()
    {
        // The second half of gpsd triton400.log line 19.
        Assert.True(Gll.TryRead(TestNmea.Parse("$GPGLL,2638.1728,N,08011.3893,W,030131.000,A,A*41"), out Gll gll));

        Assert.Equal(26 + (38.1728 / 60), gll.Latitude!.Value, 1e-12);
        Assert.Equal(-(80 + (11.3893 / 60)), gll.Longitude!.Value, 1e-12);
        Assert.Equal(((3 * 3600) + (1 * 60) + 31) * 1000, gll.TimeOfDayMs);
        Assert.Equal((byte)'A', gll.Mode);
    }

    [Theory]
    [InlineData("GPGLL,4960.00,N,12311.12,W,225444,A")]
    [InlineData("GPGLL,4916.45,N,,,225444,A")]
    [InlineData("GPGLL,4916.45,N,12311.12,W,225444,AB")]
    public void TryRead_Malformed_ReturnsFalse(string body)
    {
        Assert.False(Gll.TryRead(TestNmea.Parse(TestNmea.WithChecksum(body)), out _));
    }
}
