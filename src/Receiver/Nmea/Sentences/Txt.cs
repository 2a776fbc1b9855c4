namespace BeidouHub.Receiver.Nmea.Sentences;

/// <summary>
/// TXT, text transmission: <c>$--TXT,tt,nn,id,text*hh</c> — total sentences, sentence number,
/// text identifier (u-blox: 00 error, 01 warning, 02 notice, 07 user) and up to 61 characters of
/// text (CASIC's <c>ANTENNA OK</c>, u-blox boot banners). The text is a span over the sentence.
/// </summary>
public readonly ref struct Txt
{
    /// <summary>Creates a TXT value.</summary>
    public Txt(int? total, int? number, int? identifier, ReadOnlySpan<byte> text)
    {
        Total = total;
        Number = number;
        Identifier = identifier;
        Text = text;
    }

    /// <summary>Total number of TXT sentences in this message.</summary>
    public int? Total { get; }

    /// <summary>This sentence's number within the message.</summary>
    public int? Number { get; }

    /// <summary>The text identifier (vendor-defined severity or class).</summary>
    public int? Identifier { get; }

    /// <summary>The text as sent (ASCII).</summary>
    public ReadOnlySpan<byte> Text { get; }

    /// <summary>Reads a TXT sentence; false when it is another type or a number field is malformed.</summary>
    public static bool TryRead(in NmeaSentence s, out Txt txt)
    {
        txt = default;
        if (s.Type != SentenceType.Txt)
        {
            return false;
        }

        bool ok = NmeaField.TryGetInt(s.Field(1), out int? total);
        ok &= NmeaField.TryGetInt(s.Field(2), out int? number);
        ok &= NmeaField.TryGetInt(s.Field(3), out int? id);
        if (!ok)
        {
            return false;
        }

        txt = new Txt(total, number, id, s.Field(4));
        return true;
    }
}
