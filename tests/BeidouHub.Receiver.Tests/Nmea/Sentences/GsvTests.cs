using BeidouHub.Receiver.Nmea;
using BeidouHub.Receiver.Nmea.Sentences;
using BeidouHub.Receiver.Satellites;
using BeidouHub.Receiver.Tests.Support;

namespace BeidouHub.Receiver.Tests.Nmea.Sentences;

public class GsvTests
{
    private static GsvSatellite Sat(int number, Constellation c, int svid, short? el, short? az, short? cn0) =>
        new((short)number, new SatelliteId(c, (byte)svid), el, az, cn0);

    [Fact]
    public void TryRead_Um621SignalId1_ReadsFourBeidouSatellites()
    {
        Assert.True(Gsv.TryRead(TestNmea.Parse(ExampleLines.Um621GsvB1I), out Gsv gsv));

        Assert.Equal(4, gsv.TotalMessages);
        Assert.Equal(2, gsv.MessageNumber);
        Assert.Equal(14, gsv.SatellitesInView);
        Assert.False(gsv.IsLastOfSet);
        Assert.Equal((byte)1, gsv.SignalId);
        Assert.Null(gsv.SystemId);
        Assert.Equal(Talker.Gb, gsv.Talker);
        Assert.Equal(4, gsv.Count);
        Assert.Equal(Sat(21, Constellation.Beidou, 21, 51, 245, 45), gsv[0]);
        Assert.Equal(Sat(22, Constellation.Beidou, 22, 70, 42, 31), gsv[1]);
        Assert.Equal(Sat(34, Constellation.Beidou, 34, 44, 300, 40), gsv[2]);
        Assert.Equal(Sat(35, Constellation.Beidou, 35, 20, 161, 30), gsv[3]);
    }

    [Fact]
    public void TryRead_Um621SignalId5_EmptyCn0IsNull()
    {
        Assert.True(Gsv.TryRead(TestNmea.Parse(ExampleLines.Um621GsvB2a), out Gsv gsv));

        Assert.Equal((byte)5, gsv.SignalId);
        Assert.Equal(Sat(21, Constellation.Beidou, 21, 51, 245, 30), gsv[0]);
        Assert.Equal(Sat(22, Constellation.Beidou, 22, 70, 42, null), gsv[1]);
        Assert.Equal(Sat(35, Constellation.Beidou, 35, 20, 161, null), gsv[3]);
    }

    [Fact]
    public void TryRead_F9rSignalIdB_ReadsB2ISet()
    {
        Assert.True(Gsv.TryRead(TestNmea.Parse(ExampleLines.F9rGsvB2I), out Gsv gsv));

        Assert.Equal((byte)0xB, gsv.SignalId);
        Assert.True(gsv.IsLastOfSet);
        Assert.Equal(4, gsv.SatellitesInView);
        Assert.Equal(Sat(9, Constellation.Beidou, 9, 22, 48, 13), gsv[0]);
        Assert.Equal(Sat(32, Constellation.Beidou, 32, 69, 319, 11), gsv[3]);
    }

    [Fact]
    public void TryRead_F9pEmptySignalId_SignalNullAndCn0Null()
    {
        Assert.True(Gsv.TryRead(TestNmea.Parse(ExampleLines.F9pGsvEmptySignal), out Gsv gsv));

        Assert.Null(gsv.SignalId);
        Assert.Equal(4, gsv.Count);
        Assert.Equal(Sat(1, Constellation.Beidou, 1, 29, 321, null), gsv[0]);
        Assert.Equal(Sat(8, Constellation.Beidou, 8, 49, 229, null), gsv[3]);
    }

    [Fact]
    public void TryRead_L76kSignalId0_ThreeSatellites()
    {
        Assert.True(Gsv.TryRead(TestNmea.Parse(ExampleLines.L76kBdGsv), out Gsv gsv));

        Assert.Equal((byte)0, gsv.SignalId);
        Assert.Equal(Talker.Bd, gsv.Talker);
        Assert.Equal(3, gsv.Count);
        Assert.Equal(Sat(13, Constellation.Beidou, 13, 19, 43, 17), gsv[0]);
        Assert.Equal(Sat(37, Constellation.Beidou, 37, 36, 91, 24), gsv[2]);
    }

    [Fact]
    public void TryRead_SkytraqBdGsv2xx_BeidouSvidIsNumberMinus200()
    {
        Assert.True(Gsv.TryRead(TestNmea.Parse(ExampleLines.SkytraqBdGsv), out Gsv gsv));

        Assert.Null(gsv.SignalId);
        Assert.Equal(3, gsv.Count);
        Assert.Equal(Sat(214, Constellation.Beidou, 14, 34, 246, 25), gsv[0]);
        Assert.Equal(Sat(206, Constellation.Beidou, 6, 8, 330, null), gsv[1]);
        Assert.Equal(Sat(212, Constellation.Beidou, 12, 4, 172, 26), gsv[2]);
    }

    [Fact]
    public void TryRead_TrigGbGsv201Numbering_BeidouC01ToC13()
    {
        Assert.True(Gsv.TryRead(TestNmea.Parse(ExampleLines.TrigGbGsv), out Gsv gsv));

        Assert.Equal(11, gsv.SatellitesInView);
        Assert.Null(gsv.SignalId);
        Assert.Equal(Sat(201, Constellation.Beidou, 1, 49, 147, 44), gsv[0]);
        Assert.Equal(Sat(202, Constellation.Beidou, 2, 23, 250, 35), gsv[1]);
        Assert.Equal(Sat(204, Constellation.Beidou, 4, 35, 123, 42), gsv[2]);
        Assert.Equal(Sat(213, Constellation.Beidou, 13, 83, 243, null), gsv[3]);
    }

    [Fact]
    public void TryRead_TrigBdGsvZeroElevation_ZeroNotNull()
    {
        Assert.True(Gsv.TryRead(TestNmea.Parse(ExampleLines.TrigBdGsv), out Gsv gsv));

        Assert.Equal(Sat(1, Constellation.Beidou, 1, 0, 0, 45), gsv[0]);
        Assert.Equal(Sat(2, Constellation.Beidou, 2, 1, 90, 35), gsv[1]);
    }

    [Fact]
    public void TryRead_QuectelPqGsvSystem4_BeidouWithSignal0()
    {
        Assert.True(Gsv.TryRead(TestNmea.Parse(ExampleLines.QuectelPqGsv), out Gsv gsv));

        Assert.Equal(Talker.Pq, gsv.Talker);
        Assert.Equal((byte)0, gsv.SignalId);
        Assert.Equal((byte)4, gsv.SystemId);
        Assert.Equal(15, gsv.SatellitesInView);
        Assert.Equal(4, gsv.Count);
        Assert.Equal(Sat(2, Constellation.Beidou, 2, 20, 116, null), gsv[0]);
        Assert.Equal(Sat(3, Constellation.Beidou, 3, null, null, null), gsv[1]);
        Assert.Equal(Sat(5, Constellation.Beidou, 5, 34, 137, null), gsv[2]);
        Assert.Equal(Sat(7, Constellation.Beidou, 7, 5, 46, null), gsv[3]);
    }

    [Fact]
    public void TryRead_QuectelPqGsvSystem5_Qzss()
    {
        Assert.True(Gsv.TryRead(TestNmea.Parse(TestNmea.WithChecksum("PQGSV,1,1,01,02,20,116,31,0,5")), out Gsv gsv));

        Assert.Equal((byte)5, gsv.SystemId);
        Assert.Equal(Sat(2, Constellation.Qzss, 2, 20, 116, 31), gsv[0]);
    }

    [Fact]
    public void TryRead_GpsGsvNumbers33To64_Sbas()
    {
        Assert.True(Gsv.TryRead(TestNmea.Parse(TestNmea.WithChecksum("GPGSV,1,1,02,46,38,213,40,51,44,183,42")), out Gsv gsv));

        Assert.Equal(Sat(46, Constellation.Sbas, 133, 38, 213, 40), gsv[0]);
        Assert.Equal(Sat(51, Constellation.Sbas, 138, 44, 183, 42), gsv[1]);
    }

    [Fact]
    public void TryRead_LastGroupWithoutCn0Field_StillASatellite()
    {
        Assert.True(Gsv.TryRead(TestNmea.Parse(TestNmea.WithChecksum("GBGSV,1,1,02,21,51,245,45,22,70,042")), out Gsv gsv));

        Assert.Equal(2, gsv.Count);
        Assert.Null(gsv.SignalId);
        Assert.Equal(Sat(22, Constellation.Beidou, 22, 70, 42, null), gsv[1]);
    }

    [Fact]
    public void TryRead_DecimalAngles_RoundedToNearestWhole()
    {
        Assert.True(Gsv.TryRead(TestNmea.Parse(TestNmea.WithChecksum("GBGSV,1,1,01,21,45.6,244.7,38.4,1")), out Gsv gsv));

        Assert.Equal(Sat(21, Constellation.Beidou, 21, 46, 245, 38), gsv[0]);
    }

    [Fact]
    public void TryRead_GroupsNumberedZero_PaddingNotSatellites()
    {
        // Satellite numbers start at 1: a last sentence filled up with 00 groups holds one satellite.
        Assert.True(Gsv.TryRead(TestNmea.Parse(TestNmea.WithChecksum("GBGSV,2,2,05,25,10,100,30,00,,,,00,,,,00,,,,1")), out Gsv gsv));

        Assert.Equal(1, gsv.Count);
        Assert.Equal(Sat(25, Constellation.Beidou, 25, 10, 100, 30), gsv[0]);
    }

    [Fact]
    public void TryRead_NoSatellites_CountZero()
    {
        Assert.True(Gsv.TryRead(TestNmea.Parse(TestNmea.WithChecksum("GBGSV,1,1,00,1")), out Gsv gsv));

        Assert.Equal(0, gsv.Count);
        Assert.Equal(0, gsv.SatellitesInView);
        Assert.Equal((byte)1, gsv.SignalId);
    }

    [Theory]
    [InlineData("GBGSV,1,1,01,21,91,245,45,1")] // elevation 91
    [InlineData("GBGSV,1,1,01,21,-91,245,45,1")] // elevation -91
    [InlineData("GBGSV,1,1,01,21,51,361,45,1")] // azimuth 361
    [InlineData("GBGSV,1,1,01,21,51,-1,45,1")] // negative azimuth
    [InlineData("GBGSV,1,1,01,21,51,245,100,1")] // C/N0 100
    [InlineData("GBGSV,1,1,01,21,51,245,-1,1")] // negative C/N0
    [InlineData("GBGSV,1,2,01,21,51,245,45,1")] // message 2 of 1
    [InlineData("GBGSV,1,0,01,21,51,245,45,1")] // message 0: numbering starts at 1
    [InlineData("GBGSV,1,1,-1,21,51,245,45,1")] // negative satellites in view
    [InlineData("GBGSV,0,0,01,21,51,245,45,1")] // zero messages
    [InlineData("GBGSV,100,1,01,21,51,245,45,1")] // 100 messages (NMEA 4.11 allows 1 to 9)
    [InlineData("GBGSV,1,1,01,1000,51,245,45,1")] // number over 999
    [InlineData("GBGSV,1,1,01,21,51,245,45,G")] // signal id not hex
    [InlineData("GBGSV,1,1,01,21,5x,245,45,1")]
    [InlineData("GBGSV,1,1,20,01,1,1,1,02,1,1,1,03,1,1,1,04,1,1,1,05,1,1,1,1")] // five satellites
    public void TryRead_OutOfRangeOrMalformed_ReturnsFalse(string body)
    {
        Assert.False(Gsv.TryRead(TestNmea.Parse(TestNmea.WithChecksum(body)), out _));
    }

    [Fact]
    public void TryRead_Elevation90_Accepted()
    {
        Assert.True(Gsv.TryRead(TestNmea.Parse(TestNmea.WithChecksum("GBGSV,1,1,01,21,90,360,99,1")), out Gsv gsv));

        Assert.Equal(Sat(21, Constellation.Beidou, 21, 90, 360, 99), gsv[0]);
    }
}
