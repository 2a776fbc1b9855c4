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

    [Theory]
    [InlineData(-33.9)]
    [InlineData(0.5)]
    [InlineData(27.828)]
    [InlineData(53.5)]
    public void MetresPerDegree_Cgcs2000_GeodesicLengthOfAThousandthOfADegree(double latitude)
    {
        // Vincenty over 0.001 deg centred on the latitude (the curvature terms are below 1e-9 m).
        const double Half = 0.0005;
        var centre = new GeodeticPoint(latitude, 113.134);
        double north = Geodesic.Inverse(centre with { Latitude = latitude - Half }, centre with { Latitude = latitude + Half }).DistanceMetres / (2 * Half);
        double east = Geodesic.Inverse(centre with { Longitude = 113.134 - Half }, centre with { Longitude = 113.134 + Half }).DistanceMetres / (2 * Half);

        (double n, double e) = Ellipsoid.Cgcs2000.MetresPerDegree(latitude);

        Assert.Equal(north, n, 1e-3);
        Assert.Equal(east, e, 1e-3);
    }
}
