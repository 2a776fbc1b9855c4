using BeidouHub.Receiver.Sources;
using BeidouHub.Receiver.Workers;
using BeidouHub.Service.Configuration;

namespace BeidouHub.Service.Tests.Configuration;

/// <summary>The start-up advice to read many serial receivers with io=epoll.</summary>
public class SerialIoAdviceTests
{
    [Fact]
    public void SerialIoAdvice_ManyPortsOnSystemIoPorts_CountsThemAndNamesTheOption()
    {
        List<ReceiverPlan> plans = [.. Serial(ServiceSetup.SerialPortsAdviceFrom + 8, io: ""), .. Tcp(5)];

        string? advice = ServiceSetup.SerialIoAdvice(plans, epollAvailable: true);

        Assert.NotNull(advice);
        Assert.StartsWith($"{ServiceSetup.SerialPortsAdviceFrom + 8} serial receivers", advice, StringComparison.Ordinal);
        Assert.Contains("&io=epoll", advice, StringComparison.Ordinal);
    }

    [Fact]
    public void SerialIoAdvice_FewerPortsThanTheThreshold_NoAdvice()
    {
        // TCP receivers cost no polling thread and do not count.
        List<ReceiverPlan> plans = [.. Serial(ServiceSetup.SerialPortsAdviceFrom - 1, io: ""), .. Tcp(40)];

        Assert.Null(ServiceSetup.SerialIoAdvice(plans, epollAvailable: true));
    }

    [SkippableFact]
    public void SerialIoAdvice_PortsAlreadyOnEpoll_NoAdvice()
    {
        Skip.IfNot(SerialSourceOptions.EpollAvailable, "io=epoll runs on Linux x86-64/arm64 only");
        List<ReceiverPlan> plans = [.. Serial(ServiceSetup.SerialPortsAdviceFrom + 8, io: "&io=epoll"), .. Serial(3, io: "")];

        Assert.Null(ServiceSetup.SerialIoAdvice(plans, epollAvailable: true));
    }

    [Fact]
    public void SerialIoAdvice_EpollNotAvailableHere_NoAdvice()
    {
        Assert.Null(ServiceSetup.SerialIoAdvice(Serial(ServiceSetup.SerialPortsAdviceFrom + 8, io: ""), epollAvailable: false));
    }

    private static List<ReceiverPlan> Serial(int count, string io) =>
        [.. Enumerable.Range(0, count).Select(i => Plan($"serial-{io.Length}-{i}", $"serial:///dev/ttyBH{i}?baud=115200{io}"))];

    private static List<ReceiverPlan> Tcp(int count) =>
        [.. Enumerable.Range(0, count).Select(i => Plan($"tcp-{i}", $"tcp://127.0.0.1:{20000 + i}"))];

    private static ReceiverPlan Plan(string id, string uri) =>
        new(new ReceiverOptions { Id = id, Source = uri }, ByteSources.Create(SourceOptions.Parse(uri)));
}
