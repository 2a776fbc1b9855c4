using System.Runtime.Versioning;

namespace BeidouHub.Receiver.Sources;

/// <summary>
/// A serial port read by the shared epoll thread (<c>io=epoll</c>, Linux): no thread and no wake-up
/// per port while the line is idle. Opens and fails like <see cref="SerialSource"/> (a missing device
/// is an <see cref="IOException"/> with the same one-line message); its stream ends when the device goes.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class EpollSerialSource : IByteSource
{
    private readonly SerialSourceOptions _options;
    private readonly SerialPoller? _poller;

    /// <summary>Creates the source; <paramref name="poller"/> for tests, the process's shared one otherwise.</summary>
    public EpollSerialSource(SerialSourceOptions options, SerialPoller? poller = null)
    {
        _options = options;
        _poller = poller;
    }

    public string Description => _options.Uri;

    public bool EndsWhenDrained => false;

    public Task<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(_options.Port))
        {
            throw SerialSource.Missing(_options.Port);
        }

        int fd = LinuxSerial.Open(_options);
        try
        {
            return Task.FromResult<Stream>(new EpollSerialStream(fd, _options.Port, _poller ?? SerialPoller.Shared));
        }
        catch
        {
            _ = LinuxSerial.close(fd);
            throw;
        }
    }
}
