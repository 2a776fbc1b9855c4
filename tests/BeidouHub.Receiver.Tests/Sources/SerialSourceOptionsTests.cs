using System.IO.Ports;
using BeidouHub.Receiver.Sources;

namespace BeidouHub.Receiver.Tests.Sources;

public class SerialSourceOptionsTests
{
    [Fact]
    public void Parse_NoIo_PortsAsBefore()
    {
        var options = Assert.IsType<SerialSourceOptions>(SourceOptions.Parse("serial:///dev/ttyUSB0?baud=115200&stopbits=1.5"));

        Assert.Equal((SerialIo.Ports, StopBits.OnePointFive), (options.Io, options.StopBits));
    }

    [SkippableFact]
    public void Parse_IoEpoll_EpollWithTheFraming()
    {
        Skip.IfNot(SerialSourceOptions.EpollAvailable, "io=epoll needs Linux on x86-64 or arm64");

        var options = Assert.IsType<SerialSourceOptions>(SourceOptions.Parse("serial:///dev/ttyUSB0?baud=460800&parity=mark&databits=7&stopbits=2&io=EPOLL"));

        Assert.Equal((SerialIo.Epoll, 460800, Parity.Mark, 7, StopBits.Two), (options.Io, options.BaudRate, options.Parity, options.DataBits, options.StopBits));
        Assert.IsNotType<SerialSource>(ByteSources.Create(options));
        Assert.IsType<SerialSource>(ByteSources.Create(options with { Io = SerialIo.Ports }));
    }

    [Theory]
    [InlineData("io=fast", "io=fast is not ports or epoll")]
    [InlineData("io=epoll&baud=250000", "baud=250000 has no Linux B-constant, which io=epoll needs (one of 50, 75,")]
    [InlineData("io=epoll&baud=14400", "baud=14400 has no Linux B-constant")]
    [InlineData("io=epoll&stopbits=1.5", "stopbits=1.5 is not available on Linux")]
    public void Parse_BadIoOrWhatEpollCannotDo_OneClearMessage(string query, string message)
    {
        Skip.IfNot(SerialSourceOptions.EpollAvailable, "io=epoll needs Linux on x86-64 or arm64");

        Assert.False(SourceOptions.TryParse($"serial:///dev/ttyUSB0?{query}", out SourceOptions? options, out string? error));

        Assert.Null(options);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.StartsWith("'serial:///dev/ttyUSB0?", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_EpollWhereNotAvailable_ConfigurationErrorNotACrash()
    {
        var query = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["io"] = "epoll" };

        SourceOptions? options = SerialSourceOptions.TryCreate("serial:///dev/ttyUSB0?io=epoll", "/dev/ttyUSB0", query, epollAvailable: false, out string? error);

        Assert.Null(options);
        Assert.Equal("io=epoll needs Linux on x86-64 or arm64; use io=ports (the default) here", error);
        query["io"] = "ports";
        Assert.NotNull(SerialSourceOptions.TryCreate("serial:///dev/ttyUSB0?io=ports", "/dev/ttyUSB0", query, epollAvailable: false, out _));
    }
}
