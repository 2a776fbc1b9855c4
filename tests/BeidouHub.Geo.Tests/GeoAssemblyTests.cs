namespace BeidouHub.Geo.Tests;

public class GeoAssemblyTests
{
    [Fact]
    public void Assembly_Loads_HasGeoName()
    {
        Assert.Equal("BeidouHub.Geo", typeof(GeoAssembly).Assembly.GetName().Name);
    }
}
