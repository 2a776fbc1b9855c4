using BeidouHub.Receiver.Sources;

namespace BeidouHub.Testing;

/// <summary>
/// A test double of a receiver's source, for what no real source does on purpose: each connection
/// gives its bytes, then throws the scripted exception (a bug inside the worker's path), or waits
/// until cancelled like a quiet device; or a connection's open itself throws. Connections are
/// opened in turn, the last one again when they run out.
/// </summary>
public sealed class ScriptedSource(string name, params Func<Stream>[] connections) : IByteSource
{
    private int _opens;

    /// <summary>Connections that give their bytes and then end as scripted (null: wait like a quiet device).</summary>
    public ScriptedSource(string name, params (byte[] Bytes, Exception? End)[] connections)
        : this(name, [.. connections.Select(c => (Func<Stream>)(() => new ScriptedStream(c.Bytes, c.End)))])
    {
    }

    public int Opens => Volatile.Read(ref _opens);

    public string Description => $"test://{name}";

    public bool EndsWhenDrained => false;

    public Task<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        int n = Interlocked.Increment(ref _opens);
        return Task.FromResult(connections[Math.Min(n, connections.Length) - 1]());
    }
}

/// <summary>Gives its bytes, then throws a new exception like <c>end</c> on every read, or (null) waits until cancelled like a quiet device.</summary>
public sealed class ScriptedStream(byte[] bytes, Exception? end) : Stream
{
    private int _at;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_at < bytes.Length)
        {
            int n = Math.Min(bytes.Length - _at, buffer.Length);
            bytes.AsSpan(_at, n).CopyTo(buffer.Span);
            _at += n;
            return n;
        }

        if (end is not null)
        {
            // A new exception per throw, so each fault has its own stack trace.
            throw (Exception)Activator.CreateInstance(end.GetType(), end.Message)!;
        }

        await Task.Delay(Timeout.Infinite, cancellationToken);
        return 0;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
