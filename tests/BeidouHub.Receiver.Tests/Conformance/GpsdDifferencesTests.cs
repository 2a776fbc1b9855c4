using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Satellites;
using BeidouHub.Receiver.Tests.Support;

namespace BeidouHub.Receiver.Tests.Conformance;

/// <summary>
/// Where BeidouHub deliberately reads a sentence differently from gpsd, each case named with why.
/// None of these occurs in the gpsd captures of ../shared/corpus (the agreement tests cover those).
/// </summary>
public class GpsdDifferencesTests
{
    [Fact]
    public void Decode_GbTalkerSatellite34WithoutSystemId_IsBeidouWhereGpsdSaysSbas()
    {
        // Unicore UM621 (gpsd test/daemon/unicore-um621.log, examples.nmea): BDS-3 satellites
        // C34 and C35 in a GBGSV. gpsd's nmeaid_to_prn maps 33-64 to SBAS whatever the talker
        // unless a system id is known, and GSV carries none; the GB talker already says BeiDou.
        Epoch e = Assert.Single(NmeaText.DecodeAll(["$GBGSV,4,2,14,21,51,245,45,22,70,042,31,34,44,300,40,35,20,161,30,1*72"]));

        Assert.Equal(
            [new SatelliteId(Constellation.Beidou, 21), new SatelliteId(Constellation.Beidou, 22), new SatelliteId(Constellation.Beidou, 34), new SatelliteId(Constellation.Beidou, 35)],
            e.Satellites.ToArray().Select(s => s.Id));
    }

    [Fact]
    public void Decode_BdGsaWithFloatInSystemIdField_ReadsUsedListAsBeidou()
    {
        // SiRF TriG (gpsd beidou-bd.log): field 18 of $BDGSA holds "3.3", not a system id. gpsd
        // ignores it too; the BD talker identifies BeiDou.
        Epoch e = Assert.Single(NmeaText.DecodeAll(["$BDGSA,A,3,02,03,04,,,,,,,,,,5.1,1.3,4.9,3.3*2F"]));

        Assert.Equal(3, e.UsedIn(Constellation.Beidou));
        Assert.Equal(0, e.UsedIn(Constellation.Gps));
        Assert.Equal(5.1, e.Pdop);
    }
}
