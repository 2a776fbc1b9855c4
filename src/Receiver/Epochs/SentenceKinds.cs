using System.Runtime.CompilerServices;
using BeidouHub.Receiver.Nmea;

namespace BeidouHub.Receiver.Epochs;

/// <summary>
/// Numbers the kinds of sentence a receiver sends, 0 up to <see cref="CycleLearner.MaxKinds"/> - 1
/// in the order they first come: a kind is formatter + talker + variant (the GSV signal id or
/// the GSA system id, which tell a receiver's sets per signal and constellation apart). What the
/// cycle learner works with; it never sees a sentence.
/// </summary>
internal sealed class SentenceKinds
{
    private const int Types = 16;
    private const int Talkers = 16;
    private const int Variants = 17;

    // Direct-mapped for the formatters, talkers and variants that exist: index + 1, 0 = not seen yet.
    private readonly byte[] _slots = new byte[Types * Talkers * Variants];
    private readonly int[] _keys = new int[CycleLearner.MaxKinds];
    private int _count;

    /// <summary>The kind's number; -1 once <see cref="CycleLearner.MaxKinds"/> kinds are known and this is another.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int IndexOf(SentenceType type, Talker talker, byte? variant)
    {
        int t = (int)type;
        int talk = (int)talker;
        int v = variant.HasValue ? variant.Value + 1 : 0;
        if (t < Types && talk < Talkers && v < Variants)
        {
            ref byte slot = ref _slots[(((t * Talkers) + talk) * Variants) + v];
            if (slot == 0 && _count < CycleLearner.MaxKinds)
            {
                _keys[_count] = Key(t, talk, v);
                slot = (byte)++_count;
            }

            return slot - 1;
        }

        return IndexOfRare(Key(t, talk, v));
    }

    private static int Key(int type, int talker, int variant) => type | (talker << 8) | (variant << 16);

    private int IndexOfRare(int key)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_keys[i] == key)
            {
                return i;
            }
        }

        if (_count == CycleLearner.MaxKinds)
        {
            return -1;
        }

        _keys[_count] = key;
        return _count++;
    }
}
