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
}
