namespace BeidouHub.Geo.Tests;

public class EllipsoidTests
{
    [Fact]
    public void MetresPerDegree_EquatorAndPole_RadiiOfCurvatureFromTheAxes()
    {
        // Meridian radius b²/a at the equator and a²/b at the poles; the equator is a circle of radius a.
        Ellipsoid wgs84 = Ellipsoid.Wgs84;
        double a = wgs84.SemiMajorAxis, b = wgs84.SemiMinorAxis, degree = Math.PI / 180;

        (double equatorNorth, double equatorEast) = wgs84.MetresPerDegree(0);
        (double poleNorth, double poleEast) = wgs84.MetresPerDegree(90);

        Assert.Equal(b * b / a * degree, equatorNorth, 1e-6);
        Assert.Equal(a * degree, equatorEast, 1e-6);
        Assert.Equal(a * a / b * degree, poleNorth, 1e-6);
        Assert.Equal(0, poleEast, 1e-6);
        Assert.InRange(equatorNorth, 110_574, 110_575); // the textbook 110.574 km and 111.694 km
        Assert.InRange(poleNorth, 111_693, 111_695);
    }

    // Expected: PROJ's geod (GeographicLib's algorithm) over 0.001 deg centred on the latitude, times
    // 1000 (the curvature terms are below 1e-9 m), on the CGCS2000 ellipsoid:
    //   echo "LAT-0.0005 113.134 LAT+0.0005 113.134" | geod -I +a=6378137 +rf=298.257222101 -F %.9f   (north)
    //   echo "LAT 113.1335 LAT 113.1345" | geod -I +a=6378137 +rf=298.257222101 -F %.9f              (east)
    [Theory]
    [InlineData(-33.9, 110_920.581054, 92_492.902667)]
    [InlineData(0.5, 110_574.360373, 111_315.280463)]
    [InlineData(27.828, 110_816.682797, 98_517.606945)]
    [InlineData(53.5, 111_295.660701, 66_359.053740)]
    public void MetresPerDegree_Cgcs2000_GeodesicLengthOfAThousandthOfADegree(double latitude, double north, double east)
    {
        (double n, double e) = Ellipsoid.Cgcs2000.MetresPerDegree(latitude);

        Assert.Equal(north, n, 1e-3);
        Assert.Equal(east, e, 1e-3);
    }
}
