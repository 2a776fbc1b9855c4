using System.IO.Ports;
using BeidouHub.Receiver.Sources;

namespace BeidouHub.Receiver.Tests.Sources;

public class SerialSourceOptionsTests
{
    [Fact]
    public void TryCreate_NoIo_EpollWhereItRunsPortsElsewhere()
    {
        var query = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["baud"] = "115200" };

        var linux = Assert.IsType<SerialSourceOptions>(SerialSourceOptions.TryCreate("serial:///dev/ttyUSB0?baud=115200", "/dev/ttyUSB0", query, epollAvailable: true, out _));
        var elsewhere = Assert.IsType<SerialSourceOptions>(SerialSourceOptions.TryCreate("serial:///dev/ttyUSB0?baud=115200", "/dev/ttyUSB0", query, epollAvailable: false, out _));

        Assert.Equal((SerialIo.Epoll, null), (linux.Io, linux.IoFallback));
        Assert.Equal((SerialIo.Ports, null), (elsewhere.Io, elsewhere.IoFallback));
    }

    [SkippableFact]
    public void Parse_NoIoOnLinux_EpollSource()
    {
        Skip.IfNot(SerialSourceOptions.EpollAvailable, "the epoll path needs Linux on x86-64 or arm64");

        var options = Assert.IsType<SerialSourceOptions>(SourceOptions.Parse("serial:///dev/ttyUSB0?baud=115200"));

        Assert.Equal(SerialIo.Epoll, options.Io);
        Assert.IsNotType<SerialSource>(ByteSources.Create(options));
    }

    [Fact]
    public void Parse_IoPorts_PortsWithoutFallbackNote()
    {
        var options = Assert.IsType<SerialSourceOptions>(SourceOptions.Parse("serial:///dev/ttyUSB0?baud=115200&stopbits=1.5&io=ports"));

        Assert.Equal((SerialIo.Ports, StopBits.OnePointFive, null), (options.Io, options.StopBits, options.IoFallback));
        Assert.IsType<SerialSource>(ByteSources.Create(options));
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

    [Fact]
    public void Parse_UnknownIo_OneClearMessage()
    {
        Assert.False(SourceOptions.TryParse("serial:///dev/ttyUSB0?io=fast", out SourceOptions? options, out string? error));

        Assert.Null(options);
        Assert.Equal("'serial:///dev/ttyUSB0?io=fast': io=fast is not ports or epoll", error);
    }

    [SkippableTheory]
    [InlineData("io=epoll&baud=250000", "baud=250000 has no Linux B-constant, which the epoll path needs (one of 50, 75,")]
    [InlineData("baud=250000", "baud=250000 has no Linux B-constant")]
    [InlineData("io=epoll&baud=14400", "baud=14400 has no Linux B-constant")]
    [InlineData("stopbits=1.5", "stopbits=1.5 is not available on Linux")]
    [InlineData("io=epoll&stopbits=1.5", "stopbits=1.5 is not available on Linux")]
    public void Parse_WhatEpollCannotDo_SystemIoPortsWithTheReason(string query, string reason)
    {
        Skip.IfNot(SerialSourceOptions.EpollAvailable, "the epoll path needs Linux on x86-64 or arm64");

        Assert.True(SourceOptions.TryParse($"serial:///dev/ttyUSB0?{query}", out SourceOptions? parsed, out string? error), error);

        var options = Assert.IsType<SerialSourceOptions>(parsed);
        Assert.Equal(SerialIo.Ports, options.Io);
        Assert.StartsWith(reason, options.IoFallback, StringComparison.Ordinal);
        Assert.EndsWith("; read with System.IO.Ports instead", options.IoFallback, StringComparison.Ordinal);
        Assert.IsType<SerialSource>(ByteSources.Create(options));
    }

    [Fact]
    public void TryCreate_EpollWhereNotAvailable_SystemIoPortsWithTheReason()
    {
        var query = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["io"] = "epoll" };

        var options = Assert.IsType<SerialSourceOptions>(SerialSourceOptions.TryCreate("serial:///dev/ttyUSB0?io=epoll", "/dev/ttyUSB0", query, epollAvailable: false, out string? error));

        Assert.Null(error);
        Assert.Equal((SerialIo.Ports, "the epoll path needs Linux on x86-64 or arm64; read with System.IO.Ports instead"), (options.Io, options.IoFallback));
    }
}
