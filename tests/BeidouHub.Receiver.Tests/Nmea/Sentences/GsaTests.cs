using BeidouHub.Receiver.Nmea;
using BeidouHub.Receiver.Nmea.Sentences;
using BeidouHub.Receiver.Satellites;
using BeidouHub.Receiver.Tests.Support;

namespace BeidouHub.Receiver.Tests.Nmea.Sentences;

public class GsaTests
{
    [Fact]
    public void TryRead_Um621SystemId4_BeidouNumbersNotSbas()
    {
        Assert.True(Gsa.TryRead(TestNmea.Parse(ExampleLines.Um621Gsa), out Gsa gsa));

        Assert.Equal((byte)'A', gsa.SelectionMode);
        Assert.Equal(3, gsa.FixType);
        Assert.Equal((byte)4, gsa.SystemId);
        Assert.Equal(Talker.Gn, gsa.Talker);
        Assert.Equal(9, gsa.Count);
        int[] expected = [21, 34, 19, 12, 44, 11, 35, 36, 22];
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], gsa.Number(i));
            Assert.Equal(new SatelliteId(Constellation.Beidou, (byte)expected[i]), gsa.Satellite(i));
        }

        Assert.Equal(1.05, gsa.Pdop);
        Assert.Equal(0.69, gsa.Hdop);
        Assert.Equal(0.79, gsa.Vdop);
        Assert.Equal(0, gsa.Number(9));
    }

    [Fact]
    public void TryRead_F9rSystemId4_Number41IsBeidou()
    {
        Assert.True(Gsa.TryRead(TestNmea.Parse(ExampleLines.F9rGsa), out Gsa gsa));

        Assert.Equal(5, gsa.Count);
        Assert.Equal(41, gsa.Number(1));
        Assert.Equal(new SatelliteId(Constellation.Beidou, 41), gsa.Satellite(1));
        Assert.Equal(new SatelliteId(Constellation.Beidou, 9), gsa.Satellite(3));
        Assert.Equal(1.42, gsa.Pdop);
        Assert.Equal(0.82, gsa.Hdop);
        Assert.Equal(1.17, gsa.Vdop);
    }

    [Fact]
    public void TryRead_TrigBdGsaWithFloatInField18_SystemIdAbsent()
    {
        Assert.True(Gsa.TryRead(TestNmea.Parse(ExampleLines.TrigBdGsa), out Gsa gsa));

        Assert.Null(gsa.SystemId);
        Assert.Equal(Talker.Bd, gsa.Talker);
        Assert.Equal(3, gsa.Count);
        Assert.Equal(new SatelliteId(Constellation.Beidou, 2), gsa.Satellite(0));
        Assert.Equal(new SatelliteId(Constellation.Beidou, 4), gsa.Satellite(2));
        Assert.Equal(5.1, gsa.Pdop);
        Assert.Equal(1.3, gsa.Hdop);
        Assert.Equal(4.9, gsa.Vdop);
    }

    [Fact]
    public void TryRead_SkytraqBdGsa214_BeidouC14()
    {
        Assert.True(Gsa.TryRead(TestNmea.Parse(ExampleLines.SkytraqBdGsa), out Gsa gsa));

        Assert.Null(gsa.SystemId);
        Assert.Equal(1, gsa.Count);
        Assert.Equal(214, gsa.Number(0));
        Assert.Equal(new SatelliteId(Constellation.Beidou, 14), gsa.Satellite(0));
        Assert.Equal(2.5, gsa.Pdop);
        Assert.Equal(1.2, gsa.Hdop);
        Assert.Equal(2.2, gsa.Vdop);
    }

    [Fact]
    public void TryRead_GpsGsaWithoutSystemId_Number40IsSbas127()
    {
        Assert.True(Gsa.TryRead(TestNmea.Parse(TestNmea.WithChecksum("GPGSA,A,3,04,05,,09,12,,,24,,,,40,2.5,1.3,2.1")), out Gsa gsa));

        Assert.Null(gsa.SystemId);
        Assert.Equal(6, gsa.Count);
        Assert.Equal(new SatelliteId(Constellation.Gps, 4), gsa.Satellite(0));
        Assert.Equal(new SatelliteId(Constellation.Sbas, 127), gsa.Satellite(5));
    }

    [Fact]
    public void TryRead_TwentyFourSlots_ReadsAllSlotsAndSystemId()
    {
        string slots = string.Join(",", Enumerable.Range(1, 24).Select(n => n.ToString("D2", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(Gsa.TryRead(TestNmea.Parse(TestNmea.WithChecksum("GNGSA,A,3," + slots + ",1.0,0.6,0.8,3")), out Gsa gsa));

        Assert.Equal(24, gsa.Count);
        Assert.Equal(24, gsa.Number(23));
        Assert.Equal((byte)3, gsa.SystemId);
        Assert.Equal(new SatelliteId(Constellation.Galileo, 24), gsa.Satellite(23));
        Assert.Equal(1.0, gsa.Pdop);
    }

    [Fact]
    public void TryRead_SystemId7_SystemIdNull()
    {
        // NMEA 4.11 defines system ids 1 (GPS) to 6 (NavIC); 7 names nothing.
        Assert.True(Gsa.TryRead(TestNmea.Parse(TestNmea.WithChecksum("GNGSA,A,3,21,34,,,,,,,,,,,1.05,0.69,0.79,7")), out Gsa gsa));

        Assert.Null(gsa.SystemId);
        Assert.Equal(2, gsa.Count);
    }

    [Fact]
    public void TryRead_ZeroPaddedSlots_NotSatellites()
    {
        // Satellite numbers start at 1: slots written as 00 are unused, not satellite 0.
        Assert.True(Gsa.TryRead(TestNmea.Parse(TestNmea.WithChecksum("GPGSA,A,3,04,05,09,00,00,00,00,00,00,00,00,00,2.5,1.3,2.1")), out Gsa gsa));

        Assert.Equal(3, gsa.Count);
        Assert.Equal(9, gsa.Number(2));
        Assert.Equal(0, gsa.Number(3));
    }

    [Theory]
    [InlineData("GNGSA,A,4,21,34,,,,,,,,,,,1.05,0.69,0.79,4")] // fix type 4
    [InlineData("GNGSA,A,0,21,34,,,,,,,,,,,1.05,0.69,0.79,4")] // fix type 0: 1 is no fix
    [InlineData("GNGSA,A,3,21,1000,,,,,,,,,,,1.05,0.69,0.79,4")] // number over 999
    [InlineData("GNGSA,A,3,21,34,,,,,,,,,,,-1.05,0.69,0.79,4")] // negative PDOP
    [InlineData("GNGSA,A,3,21,34,,,,,,,,,,1.05,0.69,0.79,4")] // 11 slots
    [InlineData("GNGSA,A,3,21,x4,,,,,,,,,,,1.05,0.69,0.79,4")]
    public void TryRead_Malformed_ReturnsFalse(string body)
    {
        Assert.False(Gsa.TryRead(TestNmea.Parse(TestNmea.WithChecksum(body)), out _));
    }
}
