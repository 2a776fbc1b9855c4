using BeidouHub.Receiver.Sources;
using BeidouHub.Receiver.Workers;
using BeidouHub.Service.Configuration;

namespace BeidouHub.Service.Tests.Configuration;

/// <summary>The start-up advice against io=ports for many serial receivers, and the log lines of ports the epoll path cannot serve.</summary>
public class SerialIoAdviceTests
{
    [Fact]
    public void SerialIoAdvice_ManyPortsOnSystemIoPorts_CountsThemAndNamesTheOption()
    {
        List<ReceiverPlan> plans = [.. Serial(ServiceSetup.SerialPortsAdviceFrom + 8, io: "&io=ports"), .. Tcp(5)];

        string? advice = ServiceSetup.SerialIoAdvice(plans, epollAvailable: true);

        Assert.NotNull(advice);
        Assert.StartsWith($"{ServiceSetup.SerialPortsAdviceFrom + 8} serial receivers", advice, StringComparison.Ordinal);
        Assert.Contains("remove io=ports", advice, StringComparison.Ordinal);
    }

    [Fact]
    public void SerialIoAdvice_FewerPortsThanTheThreshold_NoAdvice()
    {
        // TCP receivers cost no polling thread and do not count.
        List<ReceiverPlan> plans = [.. Serial(ServiceSetup.SerialPortsAdviceFrom - 1, io: "&io=ports"), .. Tcp(40)];

        Assert.Null(ServiceSetup.SerialIoAdvice(plans, epollAvailable: true));
    }

    [SkippableFact]
    public void SerialIoAdvice_PortsAlreadyOnEpoll_NoAdvice()
    {
        Skip.IfNot(SerialSourceOptions.EpollAvailable, "io=epoll runs on Linux x86-64/arm64 only");
        List<ReceiverPlan> plans = [.. Serial(ServiceSetup.SerialPortsAdviceFrom + 8, io: "&io=epoll"), .. Serial(ServiceSetup.SerialPortsAdviceFrom, io: ""), .. Serial(3, io: "&io=ports")];

        Assert.Null(ServiceSetup.SerialIoAdvice(plans, epollAvailable: true));
    }

    [SkippableFact]
    public void SerialIoAdvice_PortsThatFellBack_NotAdvisedAgainstButEachNamed()
    {
        Skip.IfNot(SerialSourceOptions.EpollAvailable, "the epoll path runs on Linux x86-64/arm64 only");
        List<ReceiverPlan> plans = [.. Serial(ServiceSetup.SerialPortsAdviceFrom + 8, io: "&stopbits=1.5"), .. Serial(2, io: ""), .. Serial(1, io: "&io=ports")];

        Assert.Null(ServiceSetup.SerialIoAdvice(plans, epollAvailable: true));
        List<(string Id, string Reason)> fallbacks = [.. ServiceSetup.SerialIoFallbacks(plans)];
        Assert.Equal(ServiceSetup.SerialPortsAdviceFrom + 8, fallbacks.Count);
        Assert.Equal("serial-13-0", fallbacks[0].Id);
        Assert.Equal("stopbits=1.5 is not available on Linux (termios has 1 or 2) on the epoll path; read with System.IO.Ports instead", fallbacks[0].Reason);
    }

    [Fact]
    public void SerialIoAdvice_EpollNotAvailableHere_NoAdvice()
    {
        Assert.Null(ServiceSetup.SerialIoAdvice(Serial(ServiceSetup.SerialPortsAdviceFrom + 8, io: "&io=ports"), epollAvailable: false));
    }

    private static List<ReceiverPlan> Serial(int count, string io) =>
        [.. Enumerable.Range(0, count).Select(i => Plan($"serial-{io.Length}-{i}", $"serial:///dev/ttyBH{i}?baud=115200{io}"))];

    private static List<ReceiverPlan> Tcp(int count) =>
        [.. Enumerable.Range(0, count).Select(i => Plan($"tcp-{i}", $"tcp://127.0.0.1:{20000 + i}"))];

    private static ReceiverPlan Plan(string id, string uri) =>
        new(new ReceiverOptions { Id = id, Source = uri }, ByteSources.Create(SourceOptions.Parse(uri)));
}
