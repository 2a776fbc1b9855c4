using System.Diagnostics;
using System.Net.Sockets;

namespace BeidouHub.Bench.Load;

/// <summary>
/// The read loop of the harness's plain-socket clients (<see cref="GpsdWatcher"/>: lines of JSON;
/// <see cref="H2Subscriber"/>: HTTP/2 frames), one piece of code so that gpsd's watchers and
/// BeidouHub's lean subscribers read and stamp alike.
/// </summary>
internal static class SocketReads
{
    /// <summary>
    /// Reads until cancelled or the peer closes. Each read's bytes, after what earlier reads left,
    /// go to <paramref name="consume"/> with the Stopwatch time at which the read returned; it
    /// returns how many whole units (lines, frames) it took from the front, and the rest waits for
    /// the next read.
    /// </summary>
    /// <param name="peer">Who is read, for errors ("gpsd", "the service").</param>
    /// <param name="unit">What a unit is, for errors ("line", "frame").</param>
    public static async Task ReadAsync(Socket socket, string peer, string unit, Func<ReadOnlyMemory<byte>, long, ValueTask<int>> consume, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 16];
        int kept = 0;
        while (true)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(kept), cancellationToken).ConfigureAwait(false);
            long now = Stopwatch.GetTimestamp();
            if (n == 0)
            {
                throw new IOException($"{peer} closed the connection");
            }

            int end = kept + n;
            int start = await consume(buffer.AsMemory(0, end), now).ConfigureAwait(false);
            kept = end - start;
            if (kept == buffer.Length)
            {
                throw new IOException($"{peer} sent a {unit} longer than {buffer.Length} bytes");
            }

            buffer.AsSpan(start, kept).CopyTo(buffer);
        }
    }
}
