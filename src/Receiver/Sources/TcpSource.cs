using System.Net.Sockets;

namespace BeidouHub.Receiver.Sources;

/// <summary>A TCP connection to a receiver or a serial-to-Ethernet converter.</summary>
public sealed class TcpSource : IByteSource
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private readonly TcpSourceOptions _options;

    /// <summary>Creates the source.</summary>
    public TcpSource(TcpSourceOptions options)
    {
        _options = options;
    }

    /// <inheritdoc />
    public string Description => _options.Uri;

    /// <inheritdoc />
    public bool EndsWhenDrained => false;

    /// <inheritdoc />
    public async Task<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ConnectTimeout);
            await client.ConnectAsync(_options.Host, _options.Port, timeout.Token).ConfigureAwait(false);

            // Keep-alive so a converter that vanishes without a FIN (power cut, cable pulled) is
            // noticed; the stale timer covers the rest.
            client.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            return new OwningStream(client.GetStream(), client);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            throw new IOException($"connect to {_options.Host}:{_options.Port} timed out after {ConnectTimeout.TotalSeconds:0} s");
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}
