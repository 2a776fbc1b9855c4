using System.Buffers;
using System.IO.Pipelines;

namespace BeidouHub.Service.Verbs;

/// <summary>
/// A <see cref="PipeReader"/> over a stream that reads straight into one large contiguous buffer
/// with synchronous reads, for the decode verb: one segment per read (the framer's fast path over
/// one span), no thread-pool hop per read as <c>PipeReader.Create</c> over a synchronous
/// <see cref="FileStream"/> takes, and one <c>read(2)</c> per <paramref name="blockSize"/> bytes of a file.
/// <para>
/// <paramref name="beforeWait"/> runs before each read that may wait for a writer (any input but
/// a regular file): the decode verb flushes its output there, so epochs of a live pipe show as
/// soon as their sentences are in, while a file is written in large blocks.
/// </para>
/// </summary>
internal sealed class BlockPipeReader(Stream stream, int blockSize, Action? beforeWait) : PipeReader
{
    private readonly bool _mayWait = !stream.CanSeek;
    private byte[] _buffer = new byte[blockSize];
    private int _start;
    private int _end;
    private bool _endOfStream;
    private bool _cancelPending;
    private ReadOnlySequence<byte> _handedOut;

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_cancelPending && !_endOfStream)
        {
            Fill();
        }

        return new ValueTask<ReadResult>(Result());
    }

    public override bool TryRead(out ReadResult result)
    {
        // Only what is already buffered: TryRead never waits.
        result = Result();
        return _end > _start || _endOfStream || result.IsCanceled;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        // Every ReadAsync reads more, so `examined` adds nothing: the decoder always examines all.
        _start += (int)_handedOut.Slice(0, consumed).Length;
        if (_start == _end)
        {
            _start = _end = 0;
        }
    }

    public override void CancelPendingRead() => _cancelPending = true;

    public override void Complete(Exception? exception = null) => _buffer = [];

    private ReadResult Result()
    {
        bool canceled = _cancelPending;
        _cancelPending = false;
        _handedOut = new ReadOnlySequence<byte>(_buffer, _start, _end - _start);
        return new ReadResult(_handedOut, canceled, _endOfStream);
    }

    private void Fill()
    {
        if (_start > 0)
        {
            // The unconsumed tail is at most one incomplete sentence: move it to the front.
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        if (_mayWait)
        {
            beforeWait?.Invoke();
        }

        int n = stream.Read(_buffer, _end, _buffer.Length - _end);
        if (n == 0)
        {
            _endOfStream = true;
        }

        _end += n;
    }
}
