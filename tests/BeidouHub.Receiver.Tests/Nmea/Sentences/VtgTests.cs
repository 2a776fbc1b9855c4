using BeidouHub.Receiver.Nmea.Sentences;
using BeidouHub.Receiver.Tests.Support;

namespace BeidouHub.Receiver.Tests.Nmea.Sentences;

public class VtgTests
{
    [Fact]
    public void TryRead_ClassicVtg_ReadsCoursesAndSpeeds()
    {
        Assert.True(Vtg.TryRead(TestNmea.Parse(ExampleLines.ClassicVtg), out Vtg vtg));

        Assert.Equal(54.7, vtg.CourseTrueDeg);
        Assert.Equal(34.4, vtg.CourseMagneticDeg);
        Assert.Equal(5.5, vtg.SpeedKnots);
        Assert.Equal(10.2, vtg.SpeedKph);
        Assert.Equal(5.5 * 1852 / 3600, vtg.SpeedMps!.Value, 1e-12);
        Assert.Null(vtg.Mode);
    }

    [Fact]
    public void TryRead_Nmea23WithMode_ReadsMode()
    {
        Assert.True(Vtg.TryRead(TestNmea.Parse(TestNmea.WithChecksum("GNVTG,,T,,M,0.013,N,0.024,K,F")), out Vtg vtg));

        Assert.Null(vtg.CourseTrueDeg);
        Assert.Null(vtg.CourseMagneticDeg);
        Assert.Equal(0.013, vtg.SpeedKnots);
        Assert.Equal(0.024, vtg.SpeedKph);
        Assert.Equal((byte)'F', vtg.Mode);
    }

    [Fact]
    public void TryRead_Nmea1UnitlessLayout_ReadsByPosition()
    {
        Assert.True(Vtg.TryRead(TestNmea.Parse(TestNmea.WithChecksum("GPVTG,054.7,034.4,005.5,010.2")), out Vtg vtg));

        Assert.Equal(54.7, vtg.CourseTrueDeg);
        Assert.Equal(34.4, vtg.CourseMagneticDeg);
        Assert.Equal(5.5, vtg.SpeedKnots);
        Assert.Equal(10.2, vtg.SpeedKph);
    }

    [Fact]
    public void TryRead_EightFieldsWithUnitLettersEmpty_ReadsTheModernLayout()
    {
        // Eight fields are the NMEA 2.x layout even when the course and its letters are empty.
        Assert.True(Vtg.TryRead(TestNmea.Parse(TestNmea.WithChecksum("GPVTG,,,,,0.02,N,0.04,K")), out Vtg vtg));

        Assert.Null(vtg.CourseTrueDeg);
        Assert.Equal(0.02, vtg.SpeedKnots);
        Assert.Equal(0.04, vtg.SpeedKph);
    }

    [Fact]
    public void TryRead_KnotsEmpty_SpeedMpsFromKph()
    {
        Assert.True(Vtg.TryRead(TestNmea.Parse(TestNmea.WithChecksum("GPVTG,054.7,T,034.4,M,,N,36.0,K")), out Vtg vtg));

        Assert.Null(vtg.SpeedKnots);
        Assert.Equal(10.0, vtg.SpeedMps!.Value, 1e-12); // 36 km/h
    }

    [Fact]
    public void TryRead_Course360_AcceptedAsSent()
    {
        // 360.0 is north written the other way; receivers send it.
        Assert.True(Vtg.TryRead(TestNmea.Parse(TestNmea.WithChecksum("GPVTG,360.0,T,360.0,M,005.5,N,010.2,K")), out Vtg vtg));

        Assert.Equal(360.0, vtg.CourseTrueDeg);
        Assert.Equal(360.0, vtg.CourseMagneticDeg);
    }

    [Theory]
    [InlineData("GPVTG,361.0,T,034.4,M,005.5,N,010.2,K")]
    [InlineData("GPVTG,054.7,T,034.4,M,-005.5,N,010.2,K")]
    public void TryRead_OutOfRange_ReturnsFalse(string body)
    {
        Assert.False(Vtg.TryRead(TestNmea.Parse(TestNmea.WithChecksum(body)), out _));
    }
}
