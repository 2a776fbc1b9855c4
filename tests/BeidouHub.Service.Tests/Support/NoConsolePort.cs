using System.Runtime.CompilerServices;

namespace BeidouHub.Service.Tests.Support;

/// <summary>
/// The services these tests start in-process (ServiceFixture, ServeVerb) would each open the web
/// console on 127.0.0.1:8080, the port of a service the developer may be running beside them.
/// The console is off in this assembly unless a test turns it on, on a port of its own
/// (<see cref="WebConsoleOn"/>); the configuration's command line overrides this environment.
/// </summary>
internal static class NoConsolePort
{
    /// <summary>Configuration that serves the console on a free loopback port.</summary>
    public static readonly string[] WebConsoleOn = ["--BeidouHub:Web:Enabled=true", "--BeidouHub:Web:Listen=http://127.0.0.1:0"];

    [ModuleInitializer]
    internal static void TurnOff() => Environment.SetEnvironmentVariable("BeidouHub__Web__Enabled", "false");
}
