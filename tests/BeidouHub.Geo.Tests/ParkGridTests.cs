namespace BeidouHub.Geo.Tests;

public class ParkGridTests
{
    // Synthetic park: origin in EPSG:4526 (zone prefix, so eastings ~38.4e6 m), park north axis
    // at grid azimuth 23.5 degrees, scale 1.0000123.
    private static readonly GridPoint TrueOrigin = new(Northing: 3_081_234.567, Easting: 38_415_678.901);
    private const double TrueRotationDeg = 23.5;
    private const double TrueScale = 1.0000123;

    // Written out independently of ParkGrid: grid = origin + R(-rotation) · park / scale.
    private static GridPoint ToGridByHand(double parkEast, double parkNorth, GridPoint origin, double rotationDeg, double scale)
    {
        double r = rotationDeg * Math.PI / 180.0;
        return new GridPoint(
            Northing: origin.Northing + ((-parkEast * Math.Sin(r)) + (parkNorth * Math.Cos(r))) / scale,
            Easting: origin.Easting + ((parkEast * Math.Cos(r)) + (parkNorth * Math.Sin(r))) / scale);
    }

    private static ControlPoint Point(string id, double east, double north) =>
        new(id, ToGridByHand(east, north, TrueOrigin, TrueRotationDeg, TrueScale), new ParkPoint(east, north));

    [Fact]
    public void Fit_SyntheticControlPoints_RecoversOriginRotationAndScale()
    {
        ControlPoint[] points = [Point("A", 0, 0), Point("B", 1200, 50), Point("C", 900, 1700), Point("D", -300, 800), Point("E", 450, -600)];

        ParkGridFit fit = ParkGrid.Fit(points);

        Assert.Equal(TrueRotationDeg, fit.Grid.RotationDeg, 1e-9);
        Assert.Equal(TrueScale, fit.Grid.Scale, 1e-11);
        Assert.Equal(TrueOrigin.Northing, fit.Grid.Origin.Northing, 1e-6);
        Assert.Equal(TrueOrigin.Easting, fit.Grid.Origin.Easting, 1e-6);
        Assert.InRange(fit.RmsMetres, 0, 1e-6);
        Assert.Equal(6, fit.DegreesOfFreedom);
    }

    [Fact]
    public void Fit_OnePointDisplaced_ResidualsShowItAndRmsIsNonZero()
    {
        ControlPoint[] points = [Point("A", 0, 0), Point("B", 1200, 50), Point("C", 900, 1700), Point("D", -300, 800)];
        points[2] = points[2] with { Park = new ParkPoint(900.05, 1700) }; // a 5 cm blunder in C

        ParkGridFit fit = ParkGrid.Fit(points);

        ControlPointResidual worst = fit.Residuals.MaxBy(r => r.Length);
        Assert.Equal("C", worst.Id);
        Assert.InRange(fit.RmsMetres, 0.005, 0.05);
        Assert.Equal(4, fit.Residuals.Count);
    }

    [Fact]
    public void Fit_TwoPoints_ExactWithZeroRedundancy()
    {
        ParkGridFit fit = ParkGrid.Fit([Point("A", 10, 20), Point("B", 800, -400)]);

        Assert.Equal(TrueRotationDeg, fit.Grid.RotationDeg, 1e-9);
        Assert.Equal(TrueScale, fit.Grid.Scale, 1e-11);
        Assert.Equal(0, fit.DegreesOfFreedom);
        Assert.InRange(fit.RmsMetres, 0, 1e-6);
    }

    [Fact]
    public void Fit_ThreeCollinearPoints_AcceptedAndRecoversParameters()
    {
        ParkGridFit fit = ParkGrid.Fit([Point("A", 0, 0), Point("B", 500, 500), Point("C", 1500, 1500)]);

        Assert.Equal(TrueRotationDeg, fit.Grid.RotationDeg, 1e-9);
        Assert.Equal(TrueScale, fit.Grid.Scale, 1e-11);
        Assert.Equal(TrueOrigin.Easting, fit.Grid.Origin.Easting, 1e-6);
        Assert.Equal(2, fit.DegreesOfFreedom);
    }

    [Fact]
    public void TryFit_OnePoint_FailsWithMessage()
    {
        Assert.False(ParkGrid.TryFit([Point("A", 0, 0)], out ParkGridFit? fit, out string? error));
        Assert.Null(fit);
        Assert.Contains("at least 2 control points; got 1", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_NoPoints_ThrowsWithMessage()
    {
        var ex = Assert.Throws<ArgumentException>(() => ParkGrid.Fit([]));

        Assert.Contains("at least 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_DuplicateId_ThrowsWithMessage()
    {
        var ex = Assert.Throws<ArgumentException>(() => ParkGrid.Fit([Point("A", 0, 0), Point("B", 100, 0), Point("A", 0, 100)]));

        Assert.Contains("'A' appears more than once", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_SameGridCoordinatesTwice_ThrowsWithMessage()
    {
        ControlPoint a = Point("A", 0, 0);
        var ex = Assert.Throws<ArgumentException>(() => ParkGrid.Fit([a, a with { Id = "A2", Park = new ParkPoint(5, 5) }]));

        Assert.Contains("same grid coordinates", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_SameParkCoordinatesTwice_ThrowsWithMessage()
    {
        ControlPoint a = Point("A", 0, 0);
        ControlPoint b = Point("B", 100, 100) with { Park = a.Park };

        var ex = Assert.Throws<ArgumentException>(() => ParkGrid.Fit([a, b]));

        Assert.Contains("same park coordinates", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromOrigin_PointOnParkNorthAxis_HasZeroParkEast()
    {
        ParkGrid park = ParkGrid.FromOrigin(TrueOrigin, TrueRotationDeg, TrueScale);
        GridPoint onAxis = ToGridByHand(0, 250, TrueOrigin, TrueRotationDeg, TrueScale);

        ParkPoint p = park.ToPark(onAxis);

        Assert.Equal(0, p.East, 1e-6);
        Assert.Equal(250, p.North, 1e-6);
    }

    [Fact]
    public void ToGrid_AfterToPark_RoundTrips()
    {
        ParkGrid park = ParkGrid.FromOrigin(TrueOrigin, -71.25, 0.99998);
        var g = new GridPoint(3_080_000.123, 38_414_000.456);

        GridPoint back = park.ToGrid(park.ToPark(g));

        Assert.Equal(g.Northing, back.Northing, 1e-6);
        Assert.Equal(g.Easting, back.Easting, 1e-6);
    }

    [Fact]
    public void Identity_ParkEqualsGrid()
    {
        ParkPoint p = ParkGrid.Identity.ToPark(new GridPoint(Northing: 3_079_682.0, Easting: 414_681.9));

        Assert.Equal(new ParkPoint(East: 414_681.9, North: 3_079_682.0), p);
    }

    [Fact]
    public void FromOrigin_NonPositiveScale_Throws()
    {
        Assert.Throws<ArgumentException>(() => ParkGrid.FromOrigin(TrueOrigin, 0, 0));
    }
}
