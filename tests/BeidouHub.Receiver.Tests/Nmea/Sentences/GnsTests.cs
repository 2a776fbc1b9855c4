using BeidouHub.Receiver.Nmea.Sentences;
using BeidouHub.Receiver.Tests.Support;

namespace BeidouHub.Receiver.Tests.Nmea.Sentences;

public class GnsTests
{
    [Fact]
    public void TryRead_TrigAnna_GpsAndBeidouAutonomous()
    {
        Assert.True(Gns.TryRead(TestNmea.Parse(ExampleLines.TrigGns), out Gns gns));

        Assert.Equal((((((7 * 60) + 41) * 60) + 55) * 1000) + 799, gns.TimeOfDayMs);
        Assert.Equal(31 + (14.8770 / 60), gns.Latitude!.Value, 1e-12);
        Assert.Equal(121 + (35.2463 / 60), gns.Longitude!.Value, 1e-12);
        Assert.Equal(4, gns.ModeLength);
        Assert.Equal((byte)'A', gns.Mode(0));
        Assert.Equal((byte)'N', gns.Mode(1));
        Assert.Equal((byte)'N', gns.Mode(2));
        Assert.Equal((byte)'A', gns.Mode(3));
        Assert.Null(gns.Mode(4));
        Assert.True(gns.HasFix);
        Assert.Equal(5, gns.SatellitesUsed);
        Assert.Equal(1.3, gns.Hdop);
        Assert.Equal(156.9, gns.AltitudeMsl);
        Assert.Equal(8.3, gns.GeoidSeparation);
        Assert.Null(gns.DifferentialAge);

        // ",,0000": the TriG's filler for "no station" (see Gga.ReferenceStation).
        Assert.Null(gns.DifferentialStation);
        Assert.Null(gns.NavStatus);
    }

    [Fact]
    public void TryRead_TelitAaaan_FiveModesAndNavStatus()
    {
        Assert.True(Gns.TryRead(TestNmea.Parse(ExampleLines.TelitGns), out Gns gns));

        Assert.Equal(5, gns.ModeLength);
        Assert.Equal((byte)'A', gns.Mode(3));
        Assert.Equal((byte)'N', gns.Mode(4));
        Assert.Equal((byte)'V', gns.NavStatus);
        Assert.Equal(43 + (33.190206 / 60), gns.Latitude!.Value, 1e-12);
        Assert.Equal(1 + (27.618380 / 60), gns.Longitude!.Value, 1e-12);
        Assert.Equal(14, gns.SatellitesUsed);
        Assert.Equal(250.8, gns.AltitudeMsl);
        Assert.Equal(50.0, gns.GeoidSeparation);
        Assert.Null(gns.DifferentialStation);
    }

    [Fact]
    public void TryRead_GoNmeaRr_RtkModesSouthernHemisphere()
    {
        Assert.True(Gns.TryRead(TestNmea.Parse(ExampleLines.GoNmeaGnsRr), out Gns gns));

        Assert.Equal(2, gns.ModeLength);
        Assert.Equal((byte)'R', gns.Mode(0));
        Assert.Equal((byte)'R', gns.Mode(1));
        Assert.Null(gns.Mode(2));
        Assert.Equal(-(43 + (32.69262 / 60)), gns.Latitude!.Value, 1e-12);
        Assert.Equal(172 + (35.48549 / 60), gns.Longitude!.Value, 1e-12);
        Assert.Equal(13, gns.SatellitesUsed);
        Assert.Equal(0.9, gns.Hdop);
        Assert.Equal(25.63, gns.AltitudeMsl);
        Assert.Equal(11.24, gns.GeoidSeparation);
        Assert.Null(gns.DifferentialAge);
        Assert.Null(gns.DifferentialStation);
    }

    [Fact]
    public void TryRead_AllModesN_NoFix()
    {
        Assert.True(Gns.TryRead(TestNmea.Parse(TestNmea.WithChecksum("GNGNS,074155.799,,,,,NNNN,00,,,,,")), out Gns gns));

        Assert.False(gns.HasFix);
        Assert.Null(gns.Latitude);
    }

    [Fact]
    public void TryRead_AllModesV_NoFix()
    {
        // V (invalid) says no fix, as N does.
        Assert.True(Gns.TryRead(TestNmea.Parse(TestNmea.WithChecksum("GNGNS,074155.799,,,,,VVVV,00,,,,,")), out Gns gns));

        Assert.Equal((byte)'V', gns.Mode(3));
        Assert.False(gns.HasFix);
    }

    [Theory]
    [InlineData("GNGNS,074155.799,3114.8770,N,12135.2463,E,A1NA,05,1.3,156.9,8.3,,0000")]
    [InlineData("GNGNS,074155.799,3114.8770,N,12135.2463,E,aNNA,05,1.3,156.9,8.3,,0000")]
    [InlineData("GNGNS,074155.799,3114.8770,N,12135.2463,E,AAAAAAAAA,05,1.3,156.9,8.3,,0000")]
    [InlineData("GNGNS,074155.799,9114.8770,N,12135.2463,E,ANNA,05,1.3,156.9,8.3,,0000")]
    public void TryRead_Malformed_ReturnsFalse(string body)
    {
        Assert.False(Gns.TryRead(TestNmea.Parse(TestNmea.WithChecksum(body)), out _));
    }
}
