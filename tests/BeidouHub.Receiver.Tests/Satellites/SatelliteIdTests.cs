using BeidouHub.Receiver.Nmea;
using BeidouHub.Receiver.Satellites;

namespace BeidouHub.Receiver.Tests.Satellites;

public class SatelliteIdTests
{
    [Theory]
    // GP/GN without a system id: the NMEA 2.x-4.0 extended ranges (DESIGN.md "BeiDou specifics").
    [InlineData(Talker.Gp, 1, Constellation.Gps, 1)]
    [InlineData(Talker.Gp, 32, Constellation.Gps, 32)]
    [InlineData(Talker.Gp, 33, Constellation.Sbas, 120)]
    [InlineData(Talker.Gp, 46, Constellation.Sbas, 133)]
    [InlineData(Talker.Gn, 64, Constellation.Sbas, 151)]
    [InlineData(Talker.Gn, 65, Constellation.Glonass, 1)]
    [InlineData(Talker.Gp, 96, Constellation.Glonass, 32)]
    [InlineData(Talker.Gn, 120, Constellation.Sbas, 120)]
    [InlineData(Talker.Gn, 158, Constellation.Sbas, 158)]
    [InlineData(Talker.Gn, 193, Constellation.Qzss, 1)]
    [InlineData(Talker.Gp, 200, Constellation.Qzss, 8)]
    [InlineData(Talker.Gn, 201, Constellation.Beidou, 1)]
    [InlineData(Talker.Gn, 214, Constellation.Beidou, 14)]
    [InlineData(Talker.Gn, 263, Constellation.Beidou, 63)]
    [InlineData(Talker.Gn, 301, Constellation.Galileo, 1)]
    [InlineData(Talker.Gn, 336, Constellation.Galileo, 36)]
    [InlineData(Talker.Gn, 401, Constellation.Beidou, 1)]
    [InlineData(Talker.Gn, 437, Constellation.Beidou, 37)]
    [InlineData(Talker.Gn, 463, Constellation.Beidou, 63)]
    [InlineData(Talker.Other, 44, Constellation.Sbas, 131)]
    // BeiDou talkers: 1-63 are BeiDou, 33-64 never SBAS (BDS-3 C33-C63).
    [InlineData(Talker.Bd, 1, Constellation.Beidou, 1)]
    [InlineData(Talker.Bd, 33, Constellation.Beidou, 33)]
    [InlineData(Talker.Gb, 46, Constellation.Beidou, 46)]
    [InlineData(Talker.Gb, 63, Constellation.Beidou, 63)]
    [InlineData(Talker.Bd, 206, Constellation.Beidou, 6)]
    [InlineData(Talker.Gb, 213, Constellation.Beidou, 13)]
    [InlineData(Talker.Gb, 437, Constellation.Beidou, 37)]
    [InlineData(Talker.Pq, 7, Constellation.Beidou, 7)]
    // Other single-system talkers.
    [InlineData(Talker.Gl, 5, Constellation.Glonass, 5)]
    [InlineData(Talker.Gl, 70, Constellation.Glonass, 6)]
    [InlineData(Talker.Ga, 36, Constellation.Galileo, 36)]
    [InlineData(Talker.Ga, 305, Constellation.Galileo, 5)]
    [InlineData(Talker.Gq, 2, Constellation.Qzss, 2)]
    [InlineData(Talker.Qz, 194, Constellation.Qzss, 2)]
    [InlineData(Talker.Gi, 14, Constellation.Navic, 14)]
    public void FromNmea_TalkerAndNumber_MapsToConstellationAndSvid(Talker talker, int number, Constellation constellation, int svid)
    {
        SatelliteId id = SatelliteId.FromNmea(talker, number);

        Assert.Equal(new SatelliteId(constellation, (byte)svid), id);
        Assert.True(id.IsKnown);
    }

    [Theory]
    // The NMEA 4.10+ system id decides over the number ranges.
    [InlineData(Talker.Gn, 34, 4, Constellation.Beidou, 34)]
    [InlineData(Talker.Gn, 41, 4, Constellation.Beidou, 41)]
    [InlineData(Talker.Gn, 214, 4, Constellation.Beidou, 14)]
    [InlineData(Talker.Gn, 437, 4, Constellation.Beidou, 37)]
    [InlineData(Talker.Gn, 34, 1, Constellation.Sbas, 121)]
    [InlineData(Talker.Gn, 7, 1, Constellation.Gps, 7)]
    [InlineData(Talker.Gn, 5, 2, Constellation.Glonass, 5)]
    [InlineData(Talker.Gn, 70, 2, Constellation.Glonass, 6)]
    [InlineData(Talker.Gn, 12, 3, Constellation.Galileo, 12)]
    [InlineData(Talker.Gn, 112, 3, Constellation.Galileo, 12)]
    [InlineData(Talker.Gn, 2, 5, Constellation.Qzss, 2)]
    [InlineData(Talker.Gn, 194, 5, Constellation.Qzss, 2)]
    [InlineData(Talker.Gn, 3, 6, Constellation.Navic, 3)]
    // Quectel $PQGSV/$PQGSA: system id 4 BeiDou, 5 QZSS.
    [InlineData(Talker.Pq, 2, 4, Constellation.Beidou, 2)]
    [InlineData(Talker.Pq, 2, 5, Constellation.Qzss, 2)]
    // Quectel quirk: BeiDou as 201-263 under system id 1 (gpsd nmeaid_to_prn).
    [InlineData(Talker.Gn, 201, 1, Constellation.Beidou, 1)]
    [InlineData(Talker.Gp, 263, 1, Constellation.Beidou, 63)]
    public void FromNmea_WithSystemId_SystemIdDecides(Talker talker, int number, int systemId, Constellation constellation, int svid)
    {
        Assert.Equal(new SatelliteId(constellation, (byte)svid), SatelliteId.FromNmea(talker, number, systemId));
    }

    [Theory]
    [InlineData(Talker.Gp, 0, 0)]
    [InlineData(Talker.Gp, -1, 0)]
    [InlineData(Talker.Gp, 999, 0)]
    [InlineData(Talker.Gn, 1000, 0)]
    [InlineData(Talker.Gp, 97, 0)]
    [InlineData(Talker.Gp, 119, 0)]
    [InlineData(Talker.Gp, 159, 0)]
    [InlineData(Talker.Gn, 264, 0)]
    [InlineData(Talker.Gn, 300, 0)]
    [InlineData(Talker.Gn, 337, 0)]
    [InlineData(Talker.Gn, 464, 0)]
    [InlineData(Talker.Bd, 64, 0)]
    [InlineData(Talker.Gb, 100, 0)]
    [InlineData(Talker.Gl, 33, 0)]
    [InlineData(Talker.Ga, 37, 0)]
    [InlineData(Talker.Gq, 11, 0)]
    [InlineData(Talker.Gi, 15, 0)]
    [InlineData(Talker.Gn, 64, 4)]
    [InlineData(Talker.Gn, 65, 1)]
    [InlineData(Talker.Gn, 11, 5)]
    public void FromNmea_NumberNoConventionMaps_Unknown(Talker talker, int number, int systemId)
    {
        SatelliteId id = SatelliteId.FromNmea(talker, number, systemId);

        Assert.Equal(default, id);
        Assert.False(id.IsKnown);
    }

    [Fact]
    public void FromNmea_SameBeidouSatelliteInEveryNumbering_SameId()
    {
        var c14 = new SatelliteId(Constellation.Beidou, 14);

        Assert.Equal(c14, SatelliteId.FromNmea(Talker.Gb, 14));
        Assert.Equal(c14, SatelliteId.FromNmea(Talker.Bd, 14));
        Assert.Equal(c14, SatelliteId.FromNmea(Talker.Bd, 214));
        Assert.Equal(c14, SatelliteId.FromNmea(Talker.Gn, 214));
        Assert.Equal(c14, SatelliteId.FromNmea(Talker.Gn, 414));
        Assert.Equal(c14, SatelliteId.FromNmea(Talker.Gn, 14, 4));
        Assert.Equal(c14, SatelliteId.FromNmea(Talker.Pq, 14, 4));
        Assert.Equal(c14, SatelliteId.FromNmea(Talker.Gn, 214, 1));
    }

    [Theory]
    [InlineData(Constellation.Gps, "gps")]
    [InlineData(Constellation.Beidou, "beidou")]
    [InlineData(Constellation.Sbas, "sbas")]
    [InlineData(Constellation.Unknown, "unknown")]
    public void ToName_Constellation_LowerCaseName(Constellation c, string name)
    {
        Assert.Equal(name, c.ToName());
    }
}
