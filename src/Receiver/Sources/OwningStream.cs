namespace BeidouHub.Receiver.Sources;

/// <summary>
/// A read-only view of a stream that also disposes the object that owns it (port, socket); the
/// device's write side only through <see cref="ISourceWriter"/> (corrections).
/// </summary>
internal sealed class OwningStream : ReadOnlyStream, ISourceWriter
{
    private readonly Stream _inner;
    private readonly IDisposable _owner;

    public OwningStream(Stream inner, IDisposable owner)
    {
        _inner = inner;
        _owner = owner;
    }

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _inner.ReadAsync(buffer, offset, count, cancellationToken);

    public ValueTask WriteToDeviceAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) => _inner.WriteAsync(bytes, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _owner.Dispose();
        }

        base.Dispose(disposing);
    }
}
