using BeidouHub.Receiver.Nmea;
using BeidouHub.Receiver.Nmea.Sentences;
using BeidouHub.Receiver.Tests.Support;

namespace BeidouHub.Receiver.Tests.Nmea.Sentences;

public class GgaTests
{
    [Fact]
    public void TryRead_F9rRtkFloat_ReadsEveryField()
    {
        Assert.True(Gga.TryRead(TestNmea.Parse(ExampleLines.F9rGga), out Gga gga));

        Assert.Equal(((((23 * 60) + 14) * 60) + 8) * 1000, gga.TimeOfDayMs);
        Assert.Equal(45 + (3.94632 / 60), gga.Latitude!.Value, 1e-12);
        Assert.Equal(7 + (39.54368 / 60), gga.Longitude!.Value, 1e-12);
        Assert.Equal(GgaQuality.RtkFloat, gga.Quality);
        Assert.Equal(12, gga.SatellitesUsed);
        Assert.Equal(0.82, gga.Hdop);
        Assert.Equal(257.4, gga.AltitudeMsl);
        Assert.Equal(47.2, gga.GeoidSeparation);
        Assert.Equal(0.0, gga.DifferentialAge);
        Assert.Equal(41, gga.DifferentialStation);
    }

    [Fact]
    public void TryRead_TrimbleRtkFixed_ReadsEveryField()
    {
        Assert.True(Gga.TryRead(TestNmea.Parse(ExampleLines.RtkGga), out Gga gga));

        Assert.Equal((((((13 * 60) + 38) * 60) + 59) * 1000) + 800, gga.TimeOfDayMs);
        Assert.Equal(41 + (34.50180205 / 60), gga.Latitude!.Value, 1e-12);
        Assert.Equal(-(93 + (45.03586649 / 60)), gga.Longitude!.Value, 1e-12);
        Assert.Equal(GgaQuality.RtkFixed, gga.Quality);
        Assert.Equal(19, gga.SatellitesUsed);
        Assert.Equal(0.7, gga.Hdop);
        Assert.Equal(280.827, gga.AltitudeMsl);
        Assert.Equal(-31.442, gga.GeoidSeparation);
        Assert.Equal(5.8, gga.DifferentialAge);
        Assert.Equal(2, gga.DifferentialStation);
    }

    [Fact]
    public void TryRead_SkytraqGpTalkerRtkFloat_ReadsSevenDecimalMinutes()
    {
        Assert.True(Gga.TryRead(TestNmea.Parse(ExampleLines.SkytraqGga), out Gga gga));

        Assert.Equal(44 + (4.1271062 / 60), gga.Latitude!.Value, 1e-12);
        Assert.Equal(-(121 + (18.8438377 / 60)), gga.Longitude!.Value, 1e-12);
        Assert.Equal(GgaQuality.RtkFloat, gga.Quality);
        Assert.Equal(1127.630, gga.AltitudeMsl);
        Assert.Equal(-20.3, gga.GeoidSeparation);
        Assert.Equal(1.0, gga.DifferentialAge);
        Assert.Equal(0, gga.DifferentialStation);
    }

    [Fact]
    public void TryRead_M9nStationZeroWithoutAge_NoStation()
    {
        // gpsd test/daemon/ublox-neo-m9n-nmea.log: SBAS DGPS, no reference station, 0000 as filler.
        Assert.True(Gga.TryRead(TestNmea.Parse("$GNGGA,223745.00,3806.62964,N,12237.61382,W,2,12,0.54,83.1,M,-29.5,M,,0000*44"), out Gga gga));

        Assert.Equal(GgaQuality.Differential, gga.Quality);
        Assert.Null(gga.DifferentialAge);
        Assert.Null(gga.DifferentialStation);
    }

    [Fact]
    public void TryRead_F9pStationWithoutAge_KeepsStation()
    {
        // gpsd test/daemon/ublox-f9p-hpnmea.log: DGPS from station 278, age left empty.
        Assert.True(Gga.TryRead(TestNmea.Parse("$GNGGA,014500.00,4404.1306024,N,12118.8446777,W,2,12,0.49,1129.913,M,-21.350,M,,0278*4C"), out Gga gga));

        Assert.Null(gga.DifferentialAge);
        Assert.Equal(278, gga.DifferentialStation);
    }

    [Fact]
    public void TryRead_Um621EmptyTrailingFields_NullNotZero()
    {
        Assert.True(Gga.TryRead(TestNmea.Parse(ExampleLines.Um621Gga), out Gga gga));

        Assert.Equal(GgaQuality.Autonomous, gga.Quality);
        Assert.Equal(29, gga.SatellitesUsed);
        Assert.Equal(1109.2, gga.AltitudeMsl);
        Assert.Null(gga.GeoidSeparation);
        Assert.Null(gga.DifferentialAge);
        Assert.Null(gga.DifferentialStation);
    }

    [Fact]
    public void TryRead_NoFixAllEmpty_EveryValueNull()
    {
        Assert.True(Gga.TryRead(TestNmea.Parse(TestNmea.WithChecksum("GPGGA,,,,,,0,,,,M,,M,,")), out Gga gga));

        Assert.Null(gga.TimeOfDayMs);
        Assert.Null(gga.Latitude);
        Assert.Null(gga.Longitude);
        Assert.Equal(GgaQuality.NoFix, gga.Quality);
        Assert.Null(gga.SatellitesUsed);
        Assert.Null(gga.Hdop);
        Assert.Null(gga.AltitudeMsl);
        Assert.Null(gga.GeoidSeparation);
    }

    [Theory]
    [InlineData("GPGGA,123519,4860.000,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,")] // latitude minutes 60
    [InlineData("GPGGA,123519,9100.000,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,")] // latitude 91
    [InlineData("GPGGA,123519,4807.038,N,18100.000,E,1,08,0.9,545.4,M,46.9,M,,")] // longitude 181
    [InlineData("GPGGA,123519,4807.038,N,01131.000,E,9,08,0.9,545.4,M,46.9,M,,")] // quality 9
    [InlineData("GPGGA,123519,4807.038,N,01131.000,E,-1,08,0.9,545.4,M,46.9,M,,")] // quality -1
    [InlineData("GPGGA,123519,4807.038,N,01131.000,E,1,100,0.9,545.4,M,46.9,M,,")] // 100 satellites
    [InlineData("GPGGA,123519,4807.038,N,01131.000,E,1,08,-0.9,545.4,M,46.9,M,,")] // negative HDOP
    [InlineData("GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,-1.0,")] // negative age
    [InlineData("GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,1.0,10000")] // station id wider than its 4 digits
    [InlineData("GPGGA,123519,4807.038,N,,,1,08,0.9,545.4,M,46.9,M,,")] // latitude without longitude
    [InlineData("GPGGA,253519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,")] // hour 25
    [InlineData("GPGGA,123519,4807.038,Q,01131.000,E,1,08,0.9,545.4,M,46.9,M,,")] // hemisphere Q
    [InlineData("GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,99999999999999999999,M,46.9,M,,")] // huge altitude
    public void TryRead_OutOfRange_ReturnsFalse(string body)
    {
        Assert.False(Gga.TryRead(TestNmea.Parse(TestNmea.WithChecksum(body)), out _));
    }

    [Fact]
    public void TryRead_Quality8_Accepted()
    {
        Assert.True(Gga.TryRead(TestNmea.Parse(TestNmea.WithChecksum("GPGGA,123519,4807.038,N,01131.000,E,8,08,0.9,545.4,M,46.9,M,,")), out Gga gga));
        Assert.Equal(GgaQuality.Simulator, gga.Quality);
        Assert.Equal(48 + (7.038 / 60), gga.Latitude!.Value, 1e-12);
    }

    [Fact]
    public void TryRead_RmcSentence_WrongTypeFalse()
    {
        Assert.False(Gga.TryRead(TestNmea.Parse(ExampleLines.F9rRmc), out _));
    }
}
