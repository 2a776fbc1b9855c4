namespace BeidouHub.Service.Tests.Support;

/// <summary>
/// Input as a device or a file hands it out: at most <paramref name="chunk"/> bytes per read;
/// not seekable (a pipe, a serial line) unless <paramref name="seekable"/> (a file, which the
/// decode verb's reader treats as never waiting); with <paramref name="failAt"/>, an
/// <see cref="IOException"/> ("unplugged") once that many bytes have been read.
/// </summary>
internal sealed class ChunkedInput(byte[] data, int chunk, int failAt = int.MaxValue, bool seekable = false) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => seekable;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position >= failAt)
        {
            throw new IOException("unplugged");
        }

        int n = Math.Min(Math.Min(buffer.Length, chunk), Math.Min(failAt, data.Length) - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
