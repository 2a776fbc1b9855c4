using System.Runtime.CompilerServices;

namespace BeidouHub.Service.Tests.Support;

/// <summary>
/// The service keeps its history in data/history.db by default; the tests that do not test the
/// history start services from many places (the fixture, ServiceApp, the serve verb) and count
/// the hub's subscribers, so for them the history is off, as an operator would turn it off. The
/// history tests turn it on with a file in a temporary folder (the command line wins over the
/// environment).
/// </summary>
internal static class HistoryOff
{
#pragma warning disable CA2255 // The test assembly's one initializer: before any test builds a service.
    [ModuleInitializer]
    internal static void TurnOff() => Environment.SetEnvironmentVariable("BeidouHub__History__Enabled", "false");
#pragma warning restore CA2255
}
