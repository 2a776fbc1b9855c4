using BeidouHub.Receiver.Nmea.Sentences;
using BeidouHub.Receiver.Tests.Support;

namespace BeidouHub.Receiver.Tests.Nmea.Sentences;

public class GstTests
{
    [Fact]
    public void TryRead_F9rGst_ReadsErrorEllipseAndSigmas()
    {
        Assert.True(Gst.TryRead(TestNmea.Parse(ExampleLines.F9rGst), out Gst gst));

        Assert.Equal(((((23 * 60) + 14) * 60) + 8) * 1000, gst.TimeOfDayMs);
        Assert.Equal(32.0, gst.RangeRms);
        Assert.Equal(0.19, gst.SemiMajor);
        Assert.Equal(0.12, gst.SemiMinor);
        Assert.Equal(97.0, gst.Orientation);
        Assert.Equal(0.049, gst.SigmaLatitude);
        Assert.Equal(0.078, gst.SigmaLongitude);
        Assert.Equal(0.088, gst.SigmaAltitude);
    }

    [Fact]
    public void TryRead_SkytraqGst_ReadsValues()
    {
        Assert.True(Gst.TryRead(TestNmea.Parse(ExampleLines.SkytraqGst), out Gst gst));

        Assert.Equal(((((21 * 60) + 31) * 60) + 21) * 1000, gst.TimeOfDayMs);
        Assert.Equal(16.1, gst.RangeRms);
        Assert.Equal(22.2, gst.SemiMajor);
        Assert.Equal(10.2, gst.SemiMinor);
        Assert.Equal(2.0, gst.Orientation);
        Assert.Equal(0.4, gst.SigmaLatitude);
        Assert.Equal(0.6, gst.SigmaLongitude);
        Assert.Equal(1.4, gst.SigmaAltitude);
    }

    [Fact]
    public void TryRead_EmptyFields_Null()
    {
        Assert.True(Gst.TryRead(TestNmea.Parse(TestNmea.WithChecksum("GNGST,231408.00,,,,,,,")), out Gst gst));

        Assert.Null(gst.RangeRms);
        Assert.Null(gst.SigmaLatitude);
        Assert.Null(gst.SigmaAltitude);
    }

    [Theory]
    [InlineData("GNGST,231408.00,32,0.19,0.12,97,-0.049,0.078,0.088")]
    [InlineData("GNGST,231408.00,32,0.19,0.12,361,0.049,0.078,0.088")]
    [InlineData("GNGST,231408.00,32,0.19,0.12,97,0.049,0.078,1000000")]
    public void TryRead_OutOfRange_ReturnsFalse(string body)
    {
        Assert.False(Gst.TryRead(TestNmea.Parse(TestNmea.WithChecksum(body)), out _));
    }
}
