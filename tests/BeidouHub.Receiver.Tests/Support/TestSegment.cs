using System.Buffers;

namespace BeidouHub.Receiver.Tests.Support;

/// <summary>A linked-list segment, to build multi-segment sequences as a pipe would hand out.</summary>
internal sealed class TestSegment : ReadOnlySequenceSegment<byte>
{
    private TestSegment(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    /// <summary>One segment per part (each part copied into its own array).</summary>
    public static ReadOnlySequence<byte> Sequence(params byte[][] parts)
    {
        ArgumentOutOfRangeException.ThrowIfZero(parts.Length);
        var first = new TestSegment(parts[0].ToArray(), 0);
        TestSegment last = first;
        for (int i = 1; i < parts.Length; i++)
        {
            var next = new TestSegment(parts[i].ToArray(), last.RunningIndex + last.Memory.Length);
            last.Next = next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary><paramref name="data"/> cut at the given offsets, one segment per piece.</summary>
    public static ReadOnlySequence<byte> Split(byte[] data, params int[] cuts)
    {
        var parts = new List<byte[]>();
        int from = 0;
        foreach (int cut in cuts)
        {
            parts.Add(data[from..cut]);
            from = cut;
        }

        parts.Add(data[from..]);
        return Sequence([.. parts]);
    }
}
