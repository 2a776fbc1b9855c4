namespace BeidouHub.Geo.Tests;

public class LocalTangentPlaneTests
{
    private const double Millimetre = 0.001;

    private static IEnumerable<double[]> Rows() =>
        ReferenceFiles.ReadRows("enu-cct.txt").Select(r => r.Select(ReferenceFiles.D).ToArray());

    [Fact]
    public void ToEcef_CctReference_WithinOneMillimetre()
    {
        int count = 0;
        foreach (double[] r in Rows())
        {
            EcefPoint p = LocalTangentPlane.ToEcef(r[0], r[1], r[2], Ellipsoid.Cgcs2000);
            Assert.Equal(r[3], p.X, Millimetre);
            Assert.Equal(r[4], p.Y, Millimetre);
            Assert.Equal(r[5], p.Z, Millimetre);
            count++;
        }

        Assert.Equal(36, count);
    }

    [Fact]
    public void ToEnu_CctTopocentricReference_WithinOneMillimetre()
    {
        var frame = new LocalTangentPlane(27.828, 113.134, 50);
        foreach (double[] r in Rows())
        {
            EnuPoint p = frame.ToEnu(r[0], r[1], r[2]);
            Assert.Equal(r[6], p.East, Millimetre);
            Assert.Equal(r[7], p.North, Millimetre);
            Assert.Equal(r[8], p.Up, Millimetre);
        }
    }

    [Fact]
    public void ToEnu_PointStraightAbove_IsPureUp()
    {
        var frame = new LocalTangentPlane(27.828, 113.134, 50);

        EnuPoint p = frame.ToEnu(27.828, 113.134, 150);

        Assert.Equal(0, p.East, 1e-6);
        Assert.Equal(0, p.North, 1e-6);
        Assert.Equal(100, p.Up, 1e-6);
    }

    [Fact]
    public void ToEnu_EcefOfCctReference_WithinOneMillimetre()
    {
        var frame = new LocalTangentPlane(27.828, 113.134, 50);
        int count = 0;
        foreach (double[] r in Rows())
        {
            EnuPoint p = frame.ToEnu(new EcefPoint(r[3], r[4], r[5]));
            Assert.Equal(r[6], p.East, Millimetre);
            Assert.Equal(r[7], p.North, Millimetre);
            Assert.Equal(r[8], p.Up, Millimetre);
            count++;
        }

        Assert.Equal(36, count);
    }

    [Theory]
    [InlineData(0, 1000, 0, 0, 0)]
    [InlineData(1000, 0, 0, 0, 90)]
    [InlineData(0, -1000, 0, 0, 180)]
    [InlineData(-1000, 0, 0, 0, 270)]
    [InlineData(100, 100, 141.42135623730951, 45, 45)]
    [InlineData(-100, 100, -141.42135623730951, -45, 315)]
    [InlineData(-3000, -4000, 0, 0, 216.86989764584402)]
    [InlineData(0, 0, 500, 90, double.NaN)]
    public void ToEnu_PointAtAKnownEnuOffset_ThatOffsetAndItsLookAngles(double east, double north, double up, double elevation, double azimuth)
    {
        // The target is put at (east, north, up) from the reference point by the inverse rotation,
        // written here from the ENU axes' ECEF directions (not from the code under test).
        const double Lat = 27.828, Lon = 113.134;
        var frame = new LocalTangentPlane(Lat, Lon, 50);
        EcefPoint origin = LocalTangentPlane.ToEcef(Lat, Lon, 50, Ellipsoid.Cgcs2000);
        double phi = Lat * Math.PI / 180, lambda = Lon * Math.PI / 180;
        (double X, double Y, double Z) e = (-Math.Sin(lambda), Math.Cos(lambda), 0);
        (double X, double Y, double Z) n = (-Math.Sin(phi) * Math.Cos(lambda), -Math.Sin(phi) * Math.Sin(lambda), Math.Cos(phi));
        (double X, double Y, double Z) u = (Math.Cos(phi) * Math.Cos(lambda), Math.Cos(phi) * Math.Sin(lambda), Math.Sin(phi));
        var target = new EcefPoint(
            origin.X + (east * e.X) + (north * n.X) + (up * u.X),
            origin.Y + (east * e.Y) + (north * n.Y) + (up * u.Y),
            origin.Z + (east * e.Z) + (north * n.Z) + (up * u.Z));

        EnuPoint p = frame.ToEnu(target);

        Assert.Equal(east, p.East, 1e-6);
        Assert.Equal(north, p.North, 1e-6);
        Assert.Equal(up, p.Up, 1e-6);
        Assert.Equal(Math.Sqrt((east * east) + (north * north) + (up * up)), p.Range, 1e-6);
        Assert.Equal(elevation, p.ElevationDeg, 1e-9);
        if (!double.IsNaN(azimuth))
        {
            Assert.Equal(azimuth, p.AzimuthDeg, 1e-9); // straight up it has none
        }
    }

    [Fact]
    public void ToEnu_GeostationarySatelliteOnTheReferenceMeridian_DueSouthAtTheMeridianPlaneElevation()
    {
        // A GEO over 113.134 E seen from Zhuzhou: in the meridian plane, so azimuth 180; the
        // elevation is the angle between the line of sight and the horizon in that plane, where the
        // receiver is at (p, z) with the ellipsoid normal (cos phi, sin phi) and the satellite at (r, 0).
        const double Lat = 27.828, Lon = 113.134, H = 50, GeoRadius = 42_164_170;
        var frame = new LocalTangentPlane(Lat, Lon, H, Ellipsoid.Wgs84);
        double lambda = Lon * Math.PI / 180;
        var satellite = new EcefPoint(GeoRadius * Math.Cos(lambda), GeoRadius * Math.Sin(lambda), 0);
        EcefPoint receiver = LocalTangentPlane.ToEcef(Lat, Lon, H, Ellipsoid.Wgs84);
        double p = Math.Sqrt((receiver.X * receiver.X) + (receiver.Y * receiver.Y)), z = receiver.Z;
        double phi = Lat * Math.PI / 180;
        double dp = GeoRadius - p, dz = -z;
        double expected = Math.Asin(((dp * Math.Cos(phi)) + (dz * Math.Sin(phi))) / Math.Sqrt((dp * dp) + (dz * dz))) * 180 / Math.PI;

        EnuPoint look = frame.ToEnu(satellite);

        Assert.Equal(180, look.AzimuthDeg, 1e-9);
        Assert.Equal(expected, look.ElevationDeg, 1e-9);
        Assert.InRange(look.ElevationDeg, 55, 58); // about 56.6 deg: the park's GEO BeiDou satellites stand high in the south
    }

    [Fact]
    public void Direction_LineOfSight_UnitLengthAndSameLookAngles()
    {
        var frame = new LocalTangentPlane(27.828, 113.134, 50, Ellipsoid.Wgs84);
        EnuPoint look = frame.ToEnu(new EcefPoint(-15_000_000, 20_000_000, 10_000_000));

        EnuPoint direction = look.Direction();

        Assert.Equal(1, direction.Range, 1e-15);
        Assert.Equal(look.East / look.Range, direction.East, 1e-15);
        Assert.Equal(look.ElevationDeg, direction.ElevationDeg, 1e-12);
        Assert.Equal(look.AzimuthDeg, direction.AzimuthDeg, 1e-12);
        Assert.Equal(default, default(EnuPoint).Direction());
    }
}
