using System.Runtime.CompilerServices;

namespace BeidouHub.Service.Tests.Support;

/// <summary>
/// The services these tests start in-process (ServiceFixture, ServiceApp, the serve verb) would
/// each open the web console on 127.0.0.1:8080 (the port of a service the developer may be
/// running beside them) and keep a history in data/history.db, and the history's hub
/// subscriptions would count among the subscribers tests count, as would the integrity monitor's, and the metrics endpoint would take port 9464. So all four are off in this
/// assembly, as an operator would turn them off, unless a test turns them on on its command line
/// (which wins over the environment): the console on a port of its own
/// (<see cref="WebConsoleConfig.On"/>), the history with a file in a temporary folder.
/// </summary>
internal static class TestServiceDefaults
{
#pragma warning disable CA2255 // The test assembly's one initializer: before any test builds a service.
    [ModuleInitializer]
    internal static void TurnOff()
    {
        Environment.SetEnvironmentVariable("BeidouHub__Web__Enabled", "false");
        Environment.SetEnvironmentVariable("BeidouHub__History__Enabled", "false");
        Environment.SetEnvironmentVariable("BeidouHub__Integrity__Enabled", "false");
        Environment.SetEnvironmentVariable("BeidouHub__Metrics__Enabled", "false");
    }
#pragma warning restore CA2255
}

/// <summary>Configuration for the tests of the web console.</summary>
internal static class WebConsoleConfig
{
    /// <summary>Serves the console on a free loopback port.</summary>
    public static readonly string[] On = ["--BeidouHub:Web:Enabled=true", "--BeidouHub:Web:Listen=http://127.0.0.1:0"];
}
