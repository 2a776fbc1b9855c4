namespace BeidouHub.Receiver.Nmea;

/// <summary>The sentence formatter (the three letters after the talker) that BeidouHub reads.</summary>
public enum SentenceType : byte
{
    /// <summary>Any other formatter, and proprietary sentences: passed through raw and counted.</summary>
    Unknown = 0,
    /// <summary>Global positioning system fix data.</summary>
    Gga,
    /// <summary>Recommended minimum specific GNSS data.</summary>
    Rmc,
    /// <summary>GNSS DOP and active satellites.</summary>
    Gsa,
    /// <summary>GNSS satellites in view.</summary>
    Gsv,
    /// <summary>Geographic position, latitude/longitude.</summary>
    Gll,
    /// <summary>Course over ground and ground speed.</summary>
    Vtg,
    /// <summary>GNSS pseudorange error statistics.</summary>
    Gst,
    /// <summary>GNSS fix data (per-system mode string).</summary>
    Gns,
    /// <summary>Time and date.</summary>
    Zda,
    /// <summary>Text transmission.</summary>
    Txt,
    /// <summary>GNSS satellite fault detection (RAIM).</summary>
    Gbs,
}
